"""No kernel that has seen a hidden test's probe lives while another kernel of the student does.

Kernels of one student that live at the same time can signal each other, sandbox or not
(a byte-range lock on a file both may read is enough): a kernel shown a hidden scenario could
hand it to a sibling whose *visible* message then quotes it. One grading process keeps this
by its order alone (session.py: a notebook's visible tests, then its hidden ones, then its
kernel is closed, before the next notebook's kernel starts). Under `pytest -n`, each worker is
a process of its own, so the workers of one run share two locks (flock) in a folder of the
run's: a worker holds `kernels` shared while it has a kernel for visible tests; hidden tests
take `gate`, then `kernels` exclusively (every other worker's kernel closed, none can start),
in a kernel of their own, and hold both until it is closed. A worker asks for `gate` only
with no kernel of its own alive, so no two workers wait for each other.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path
from typing import Protocol


class KernelGate(Protocol):
    """How a grading session waits before starting a kernel of the student's."""

    # whether hidden tests may go on in the kernel of the notebook's visible tests (one
    # process: yes, every other kernel is closed by then; workers: no, a kernel of their own)
    reuses_kernels: bool

    def before_kernel(self, hidden: bool) -> None: ...

    def no_kernel_alive(self) -> None: ...


class OneProcess:
    """A grading run in one process: its order keeps hidden probes from living kernels."""

    reuses_kernels = True

    def before_kernel(self, hidden: bool) -> None:
        pass

    def no_kernel_alive(self) -> None:
        pass


class SharedGate:
    """The workers of one `pytest -n` run (see the module's docstring)."""

    reuses_kernels = False

    def __init__(self, folder: Path) -> None:
        self._gate = os.open(folder / "gate", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        self._kernels = os.open(folder / "kernels", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC,
                                0o600)
        self._holding: str | None = None  # "visible", "hidden" or None

    def before_kernel(self, hidden: bool) -> None:
        wanted = "hidden" if hidden else "visible"
        if self._holding == wanted == "visible":
            return
        self.no_kernel_alive()  # the session closed its kernels first
        fcntl.flock(self._gate, fcntl.LOCK_EX)
        fcntl.flock(self._kernels, fcntl.LOCK_EX if hidden else fcntl.LOCK_SH)
        if not hidden:
            fcntl.flock(self._gate, fcntl.LOCK_UN)
        self._holding = wanted

    def no_kernel_alive(self) -> None:
        if self._holding is None:
            return
        fcntl.flock(self._kernels, fcntl.LOCK_UN)
        if self._holding == "hidden":
            fcntl.flock(self._gate, fcntl.LOCK_UN)
        self._holding = None

    def close(self) -> None:
        self.no_kernel_alive()
        os.close(self._gate)
        os.close(self._kernels)


def gate_for_run(folder: str | None) -> KernelGate:
    """`folder`: the one the workers of a `pytest -n` run share (None: one process)."""
    return OneProcess() if folder is None else SharedGate(Path(folder))


def new_gate_folder() -> Path:
    """For the controller of a `pytest -n` run to hand its workers (and remove at the end)."""
    return Path(tempfile.mkdtemp(prefix="grader-kernels-"))
