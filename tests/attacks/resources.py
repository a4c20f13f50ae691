"""Attacks on what students share: the CPU (hundreds of processes, each in a session of its
own), memory held across a student's kernels, the grader's memory through output over many
cells, and the host's disk through the kernel's channel folder and /tmp. Each is a cell added
to a notebook; what it must not reach is checked from outside."""

from __future__ import annotations

import glob
import os
import tempfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

from tests.corpus.harness import ASSIGNMENTS, SOLUTIONS

SPINNERS = 200  # busy processes, each calling setsid: without a cpu group, a share each
ESCAPE_MARK = "grader-attack-escape"

# Spinners that live as long as the kernel (they die with it: its PID namespace). Each waits
# at a gate until all are forked: spinning at once, they would slow the kernel's every next
# fork (minutes for 200), though the attack is the same once they run.
HOG = f"""\
import os, time
_gate, _open = os.pipe()
def _spin():
    os.setsid()
    os.close(_open)
    os.read(_gate, 1)  # until the kernel closes the gate
    while True:
        pass
spinners = 0
for _ in range({SPINNERS}):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        _spin()
    spinners += 1
os.close(_open)
"""

# Which kernels are alive, across students: a kernel that runs BEACON holds a read lock (an
# open file description lock, released when the kernel dies) on one byte of a file every
# kernel may read; a kernel that runs UNTIL_BEACON_CAME_AND_WENT waits until it saw such a
# lock appear and then go (a classmate's kernel graded beside it, from start to end), at
# most `seconds` (the fixed sleep it replaces: never longer than that).
_LOCK = """\
import fcntl, os, struct
def _beacon_lock(fd, command, kind):
    return struct.unpack("hh4xqqi4x", fcntl.fcntl(
        fd, command, struct.pack("hh4xqqi4x", kind, 0, (1 << 40) + 7, 1, 0)))[0]
_beacon_fd = os.open(os.__file__, os.O_RDONLY)
"""
BEACON = _LOCK + "_beacon_lock(_beacon_fd, fcntl.F_OFD_SETLK, fcntl.F_RDLCK)\n"


def until_beacon_came_and_went(seconds: float) -> str:
    return _LOCK + f"""\
import time
_deadline = time.monotonic() + {seconds}
def _alive():
    return _beacon_lock(_beacon_fd, fcntl.F_OFD_GETLK, fcntl.F_WRLCK) != fcntl.F_UNLCK
while not _alive() and time.monotonic() < _deadline:
    time.sleep(0.05)
while _alive() and time.monotonic() < _deadline:
    time.sleep(0.05)
"""


# How much of a core this kernel gets while it computes for `seconds`.
METER = """\
import time
def cpu_share(seconds=3.0):
    wall, cpu = time.perf_counter(), time.process_time()
    while time.perf_counter() - wall < seconds:
        sum(range(10000))
    return (time.process_time() - cpu) / (time.perf_counter() - wall)
"""

# CPU-bound work an honest student's notebook does (about 3 s of one core): with a fair share
# it finishes well within a cell's time limit; with 1/200th of a core it would not.
WORK = """\
total = 0
for i in range(40_000_000):
    total += i & 7
"""


def hold(megabytes: int) -> str:
    """A cell that allocates this much and keeps it (every page written: resident memory)."""
    return (f"held = bytearray({megabytes} * 2**20)\n"
            "for _i in range(0, len(held), 4096):\n"
            "    held[_i] = 1\n")


def flood_cells(cells: int, kilobytes: int) -> list[str]:
    """Cells that each print just under the per-cell cap."""
    return [f"print('x' * ({kilobytes} * 1024))" for _ in range(cells)]


# Everything a kernel might write to the host: its channel folder (found from its own
# connection file, as the kernel sees it, and from the path on its command line), /tmp,
# /dev/shm, its working directory, its stderr; files of 64 MB and many sockets.
ESCAPE = f"""\
import glob, json, os, socket, sys
MARK = {ESCAPE_MARK!r}
escape_results = {{}}

def _write(folder, megabytes=64):
    path = os.path.join(folder, MARK + ".bin")
    try:
        with open(path, "wb") as handle:
            for _ in range(megabytes):
                handle.write(b"x" * 2**20)
        return "DONE: written"
    except OSError as exc:
        return "blocked: " + str(exc.strerror)

def _sockets(folder, count=300):
    made = 0
    for i in range(count):
        sock = socket.socket(socket.AF_UNIX)
        try:
            sock.bind(os.path.join(folder, f"{{MARK}}-{{i}}"))
        except OSError as exc:
            return f"blocked after {{made}}: {{exc.strerror}}"
        finally:
            sock.close()
        made += 1
    return f"DONE: {{made}} sockets"

from ipykernel.connect import get_connection_file
with open(get_connection_file()) as _handle:
    _channels = os.path.dirname(json.load(_handle)["ip"])
_argv_channels = [os.path.dirname(a) for a in sys.argv if a.endswith(".json")]
for _folder in {{_channels, *_argv_channels}}:
    escape_results["file in " + _folder] = _write(_folder)
    escape_results["sockets in " + _folder] = _sockets(_folder)
for _folder in ("/tmp", "/dev/shm", os.getcwd()):
    escape_results["file in " + _folder] = _write(_folder, 8)
for _ in range(16):  # the kernel's own stderr, which was the grader's before the kernel started
    os.write(2, b"e" * 2**20)
"""


def notebook_with(base: Path, *sources: str) -> nbformat.NotebookNode:
    notebook = nbformat.read(base, as_version=4)
    for number, source in enumerate(sources):
        cell = new_code_cell(source)
        cell.id = f"added-{number}"
        notebook.cells.append(cell)
    return notebook


def write(folder: Path, name: str, notebook: nbformat.NotebookNode) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / name)
    return folder / name


def solution(name: str, *sources: str) -> nbformat.NotebookNode:
    return notebook_with(SOLUTIONS / name, *sources)


def template(name: str, *sources: str) -> nbformat.NotebookNode:
    return notebook_with(ASSIGNMENTS / name, *sources)


def escaped_files() -> list[str]:
    """Files the escape attack left on the host (its temporary folder, /dev/shm)."""
    found = []
    for folder in {tempfile.gettempdir(), "/tmp", "/dev/shm"}:
        found += glob.glob(os.path.join(folder, f"{ESCAPE_MARK}*"))
        found += glob.glob(os.path.join(folder, "grader-kernel-*", "**", f"{ESCAPE_MARK}*"),
                           recursive=True)
    return found


class EscapeWatch:
    """Looks for the escape attack's files on the host while grading runs (a kernel's folder
    is removed when its notebook is done, so looking afterwards would see nothing)."""

    def __init__(self, every: float = 0.2) -> None:
        import threading

        self.found: set[str] = set()
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> EscapeWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.found.update(escaped_files())

    def _watch(self) -> None:
        while not self._stop.wait(self._every):
            self.found.update(escaped_files())


# Processes that fill the student's cap on processes and stay: the student's next kernel
# cannot start a thread.
EXHAUST = """\
import os
sleepers = 0
for _ in range(1000):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        os.setsid()
        os.execv("/bin/sleep", ["sleep", "3600"])
    sleepers += 1
"""
