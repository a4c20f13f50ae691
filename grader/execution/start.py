"""Starting a notebook's kernel, again if it fails for a reason that may pass.

A kernel may fail to start because the machine is loaded (its first answer, or the setup cell
that imports torch, came too late), because its student's kernels already use all the memory
or processes their sandbox allows, or because something of the machine is wrong: a sandbox
layer that cannot be applied, a Python installation the kernel cannot see. The first two are
no fault of the kit: the kernel is tried again, and if it never starts, the student is not
graded (KernelStartFailed: the batch records "not graded" for them and goes on with the
class). A layer that cannot be applied fails the same way every time, for every student: that
is an error of the kit's setup (GraderError), which names the layer, why, and what to do.
Both quote the last lines the kernel printed before it started (`folders.start_log`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TypeVar

from grader.errors import GraderError
from grader.sandbox.policy import EXIT_SANDBOX_FAILED, FAILED_PREFIX

TRIES = 3
PAUSES = (2.0, 10.0)  # seconds before the second and the third try
TAIL_LINES = 12
TAIL_BYTES = 64 * 1024
KERNEL_NOT_STARTED = "a kernel could not start"  # the cause tests and batches see
_LAYER = re.compile(re.escape(FAILED_PREFIX) + r"(?P<layer>[\w-]+) layer \((?P<why>.*)\)$",
                    re.MULTILINE)
Live = TypeVar("Live")


class StartAttempt(Exception):
    """One try that failed: what happened, the kernel's exit code if known, what it printed."""

    def __init__(self, what: str, exit_code: int | None, printed: str,
                 setup_error: bool = False) -> None:
        super().__init__(what)
        self.what = what
        self.exit_code = exit_code
        self.printed = printed
        self.setup_error = setup_error  # the setup cell itself raised: the kit's fault

    @property
    def failed_layer(self) -> tuple[str, str] | None:
        """(layer, why) when the kernel said it could not apply a sandbox layer."""
        found = _LAYER.search(self.printed)
        if found:
            return found["layer"], found["why"]
        if self.exit_code == EXIT_SANDBOX_FAILED:
            return "sandbox", "the kernel exited before it said why"
        return None


class KernelStartFailed(GraderError):
    """No kernel would start for this notebook, after every try: the student is not graded
    (grading them again later may work); not an error of the kit's setup."""

    cause = KERNEL_NOT_STARTED

    def __str__(self) -> str:
        return str(self.args[0])


def start_kernel(make: Callable[[], Live],
                 leave_out: Callable[[str, str], bool] = lambda layer, why: False) -> Live:
    """`make()` until it gives a started kernel, at most TRIES times. A layer a kernel could
    not apply is left out if `leave_out(layer, why)` allows it (auto), else stops the run."""
    failures: list[StartAttempt] = []
    attempt = 0
    while attempt < TRIES:
        if attempt:
            time.sleep(PAUSES[min(attempt - 1, len(PAUSES) - 1)])
        try:
            return make()
        except StartAttempt as failed:
            layer = failed.failed_layer
            if layer is not None and leave_out(*layer):
                continue  # at once, without that layer: not a try lost to load
            failures.append(failed)
            attempt += 1
            if layer is not None:
                raise GraderError(_layer_message(failed)) from None
            if failed.setup_error:
                raise GraderError(f"the grader's setup cell failed: {failed.what}"
                                  f"{_printed(failed)}") from None
    last = failures[-1]
    raise KernelStartFailed(
        f"{KERNEL_NOT_STARTED} after {TRIES} tries ({'; '.join(f.what for f in failures)}): "
        "the machine may be too loaded, or this student's other notebooks hold all the memory "
        "or processes their sandbox allows. Grade this student again (the batch does on its "
        f"next run){_printed(last)}")


def start_log_tail(path: str) -> str:
    """The last lines a kernel printed before it started (only the kit's code ran then)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, 2)
            handle.seek(max(0, handle.tell() - TAIL_BYTES))
            text = handle.read().decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.strip().splitlines()[-TAIL_LINES:])


def _layer_message(failed: StartAttempt) -> str:
    layer, why = failed.failed_layer or ("sandbox", "")
    what = "its sandbox" if layer == "sandbox" else f"its sandbox's {layer} layer"
    return (f"could not start a Jupyter kernel: {what} could not be applied ({why}). This "
            f"machine's trial of the layer passed, so this kernel's "
            f"folder or this Python differs from the trial's. To grade now, leave the layer out "
            f"(GRADER_SANDBOX_LAYERS=<the other layers>, recorded in every result) or turn the "
            f"sandbox off for your own notebooks (--sandbox off); `--cold` would not help: a "
            f"cold kernel applies the same layers{_printed(failed)}")


def _printed(failed: StartAttempt) -> str:
    return f"\nThe kernel's last lines:\n{failed.printed}" if failed.printed else ""
