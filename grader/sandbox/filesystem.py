"""Which files a kernel may read and write: the plan both file layers follow.

A kernel reads the Python installation it runs (standard library, site-packages), the system's
libraries and a few files of /etc; it reads and writes its scratch folder; it may create its
sockets in its channel folder (the connection file is there too). Nothing else: not the course
(solutions, tests, hidden tests, the reference cache), not other submissions, not the grader's
output, not the grader's sockets or other kernels' connection files. The namespaces layer builds
a root holding only these paths; Landlock allows only these paths. Either one is enough for
files; together, a mistake in one is caught by the other.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import site
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from grader.sandbox import landlock
from grader.sandbox.environment import TEMPORARY

SYSTEM = ("/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin")
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "passwd", "group",
       "nsswitch.conf", "hosts", "host.conf", "protocols", "services", "mime.types", "ssl",
       "ca-certificates", "alternatives", "fonts", "os-release", "matplotlibrc")
SYS = ("/sys/devices/system/cpu", "/sys/devices/system/node")  # torch's cpuinfo reads them
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
DEVICE_PREFIXES = ("nvidia",)  # GPUs: /dev/nvidia0, /dev/nvidiactl, /dev/nvidia-uvm, ...
# Folders the kernel gets fresh ones of (its scratch, its own /proc and /dev): a readable path
# that is one of them or holds one (a .pth line "/tmp", say) would show the host's instead.
NEVER_READABLE = ("/", "/tmp", "/dev", "/dev/shm", "/proc", "/sys", "/run")
CHANNELS_IN_ROOT = "/grader-channels"  # where a private root shows the kernel's channel folder


class ProtectedPathReadable(Exception):
    """A folder the kernel must not read lies inside one it must read."""


@dataclass(frozen=True)
class FilesystemPlan:
    read_only: tuple[str, ...]  # hierarchies and files, as absolute paths
    devices: tuple[str, ...]
    work: str  # the scratch folder: the kernel's working directory and home
    channels: str  # the kernel's sockets and its connection file

    @property
    def temporary(self) -> str:
        """TMPDIR: beside the scratch folder, so that the scratch folder starts empty."""
        return os.path.join(os.path.dirname(self.work), TEMPORARY)


def plan(work: str, channels: str, protected: tuple[str, ...] = ()) -> FilesystemPlan:
    return FilesystemPlan(read_only=tuple(readable_paths(protected)),
                          devices=tuple(_devices()), work=work, channels=channels)


def readable_paths(protected: tuple[str, ...] = ()) -> list[str]:
    """What kernels read, less any path that is or holds one of `protected` (a course a .pth
    file points into, say): those are never readable, even if the code in them is needed."""
    found = _outermost(_existing([*SYSTEM, *(f"/etc/{name}" for name in ETC), *SYS,
                                  *python_installation()]))
    return [path for path in found
            if not any(_inside(os.path.realpath(secret), os.path.realpath(path))
                       for secret in protected)]


@functools.cache
def python_installation() -> list[str]:
    """Every folder the interpreter's code comes from, wherever it lies (/tmp, /dev/shm, /opt,
    a home, behind a symlink): its prefixes (a venv's and its base's), the folder of its
    executable, its site-packages folders, the folders their .pth files add, and the sys.path
    of a fresh, isolated interpreter (which also holds what a .pth file's `import` line adds,
    as editable installs do). Each by the path given and by its real path; none that is or
    holds a folder the kernel gets a fresh one of (NEVER_READABLE)."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    sites = list(site.getsitepackages())
    user_site = site.getusersitepackages()
    if site.ENABLE_USER_SITE and os.path.isdir(user_site):
        sites.append(user_site)
    paths.update(sites)
    paths.update(folder for sitedir in sites for folder in _pth_folders(sitedir))
    paths.update(_fresh_sys_path())
    paths.add(os.path.dirname(sys.executable))
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    with_real = paths | {os.path.realpath(p) for p in paths}
    return _outermost(p for p in with_real if p and os.path.isabs(p)
                      and not any(_inside(never, p) for never in NEVER_READABLE))


def _fresh_sys_path() -> list[str]:
    """sys.path of this interpreter started isolated (-I: no PYTHONPATH, no user site, not the
    working directory), so what the TA's environment adds is left out. Empty if it fails."""
    try:
        done = subprocess.run([sys.executable, "-I", "-c",
                               "import json, sys; print(json.dumps(sys.path))"],
                              capture_output=True, text=True, timeout=60)
        entries = json.loads(done.stdout.strip().splitlines()[-1])
    except (OSError, ValueError, IndexError, subprocess.SubprocessError):
        return []
    return [entry for entry in entries if isinstance(entry, str) and os.path.exists(entry)]


def _pth_folders(sitedir: str) -> list[str]:
    """The folders a site directory's .pth files put on sys.path (not their `import` lines)."""
    found = []
    with contextlib.suppress(OSError):
        for name in sorted(os.listdir(sitedir)):
            if not name.endswith(".pth"):
                continue
            with contextlib.suppress(OSError, UnicodeDecodeError), \
                    open(os.path.join(sitedir, name), encoding="utf-8") as handle:
                for line in handle:
                    line = line.strip()
                    if line and not line.startswith(("#", "import ", "import\t")):
                        folder = os.path.normpath(os.path.join(sitedir, line))
                        if os.path.isdir(folder):
                            found.append(folder)
    return found


def landlock_rules(layout: FilesystemPlan, private_root: bool) -> list[landlock.Rule]:
    """The Landlock allow-list for `layout`. With a private root, /proc is the kernel's own
    and /tmp and /dev/shm are its scratch folder's; without, neither is allowed."""
    rules = [landlock.Rule(path, landlock.READ) for path in layout.read_only]
    rules += [landlock.Rule(device, landlock.READ_FILE | landlock.WRITE_FILE | landlock.IOCTL_DEV)
              for device in layout.devices]
    rules += [landlock.Rule(path, landlock.READ | landlock.WRITE) for path in writable(layout,
                                                                                  private_root)]
    rules.append(landlock.Rule(channels_seen_by_kernel(layout, private_root), landlock.SOCKETS))
    if private_root:
        rules.append(landlock.Rule("/proc", landlock.READ))
    return rules


def writable(layout: FilesystemPlan, private_root: bool) -> tuple[str, ...]:
    """Where the kernel writes: its scratch folder and TMPDIR; with a private root, also /tmp
    and /dev/shm (all four one capped tmpfs). Never its channel folder: see CHANNELS_IN_ROOT."""
    own = (layout.work, layout.temporary)
    return (*own, "/tmp", "/dev/shm") if private_root else own


def channels_seen_by_kernel(layout: FilesystemPlan, private_root: bool) -> str:
    """The channel folder as the kernel sees it. It lies on the host (the grader connects to
    the sockets in it), usually under /tmp: a private root shows it at CHANNELS_IN_ROOT, out
    of the writable /tmp, so that the kernel may only make sockets there, nothing that fills
    the host's disk."""
    return CHANNELS_IN_ROOT if private_root else layout.channels


def socket_rules(layout: FilesystemPlan, private_root: bool) -> list[landlock.Rule]:
    """A second Landlock layer, once the kernel's own sockets are bound: sockets may be made
    in its writable folders only, no longer in its channel folder."""
    return [landlock.Rule(path, landlock.MAKE_SOCK) for path in writable(layout, private_root)]


def _devices() -> list[str]:
    found = [d for d in DEVICES if os.path.exists(d)]
    with contextlib.suppress(OSError):
        found += sorted(f"/dev/{name}" for name in os.listdir("/dev")
                        if name.startswith(DEVICE_PREFIXES))
    return found


def _existing(paths: list[str]) -> list[str]:
    return [p for p in dict.fromkeys(paths) if os.path.lexists(p)]


def _outermost(paths: Iterable[str]) -> list[str]:
    """Drop paths inside another of the list."""
    ordered = sorted(set(paths))
    kept: list[str] = []
    for path in ordered:
        if not any(_inside(path, outer) for outer in kept):
            kept.append(path)
    return kept


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def refuse_protected_inside(protected: tuple[str, ...]) -> None:
    """Raise if a folder kernels must never read lies inside one they must read (the system's
    folders, the Python installation's prefixes)."""
    readable = _outermost(_existing([*SYSTEM, sys.prefix, sys.base_prefix]))
    for secret in protected:
        real = os.path.realpath(secret)
        for path in readable:
            if _inside(real, os.path.realpath(path)) or _inside(secret, path):
                raise ProtectedPathReadable(
                    f"{secret} lies inside {path}, which kernels must be able to read (the "
                    "Python installation or the system's libraries), so the sandbox cannot "
                    "hide it: keep the course and the grader's output outside it")
