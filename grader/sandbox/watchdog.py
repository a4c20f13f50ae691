"""A cap on the resident memory of a kernel's whole process tree, where no cgroup can do it.

The supervisor, outside the kernel's PID namespace, reads the resident memory of the kernel and
of every process below it from /proc every CHECK_EVERY seconds, and kills the kernel (so the
whole namespace) when their sum passes the cap. Unlike RLIMIT_AS it counts memory, not address
space (a GPU build of torch reserves gigabytes of address space it never touches), and unlike
a per-process limit, children cannot share the cap out between them. It is coarser than a
cgroup: an allocation faster than CHECK_EVERY may overshoot for that long.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

CHECK_EVERY = 0.2  # seconds
PAGE = os.sysconf("SC_PAGE_SIZE")


def watch_memory(pid: int, limit_bytes: int) -> int:
    """Wait for `pid` to exit, killing it if its tree's resident memory passes the limit;
    return its exit code (as _wait would)."""
    from grader.sandbox.supervisor import exit_code

    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return exit_code(status)
        if resident_bytes(tree(pid)) > limit_bytes:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)  # the namespace's init: every process goes
        time.sleep(CHECK_EVERY)


def tree(pid: int) -> list[int]:
    """`pid` and its descendants, as /proc lists them now."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
    return found


def resident_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    return total
