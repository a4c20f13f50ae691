"""Run a notebook top to bottom in a fresh kernel, one cell at a time, recording each cell.

Errors are recorded and execution goes on, so one broken cell costs only the tests that
need it. A time-out interrupts the kernel and goes on; a kernel that dies, or that will not
stop when interrupted, ends the run and the remaining cells are recorded as not run.
"""

from __future__ import annotations

import contextlib
import math
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode

from grader.execution.client import MESSAGE_LIMIT, GradingClient
from grader.execution.kernel_spec import grading_kernel_manager, leave_out_layer
from grader.execution.loading import UnreadableNotebook, load_notebook
from grader.execution.result import CellResult, CellStatus, NotebookResult
from grader.execution.settings import ExecutionSettings
from grader.execution.setup_cell import setup_source
from grader.execution.start import StartAttempt, start_kernel, start_log_tail
from grader.profiling.kernel_time import kernel_seconds
from grader.profiling.spans import carve, span
from grader.sandbox.environment import STUDENT_ROLE
from grader.sandbox.folders import KernelFolders, make_kernel_folders

SETUP_TIMEOUT = 120.0  # importing torch in the setup cell takes seconds on a busy machine
ERROR_TEXT_LIMIT = 16 * 1024  # characters of a cell's error message the grader keeps
INTERRUPT_GRACE = 10.0  # seconds a kernel gets to become responsive after an interrupt
TIMEOUT_ENAME = "GraderCellTimeout"  # the error nbclient reports for a cell it had to interrupt
DIED_NOTE = (
    "the kernel process died (os._exit(), a crash, or more memory than the grader allows: "
    "for one notebook, and for all of a student's notebooks together)"
)
LOST_NOTE = (
    "the grader lost the kernel's output or replies (one message of more than "
    f"{MESSAGE_LIMIT // 2**20} MB?), so the kernel was stopped"
)
UNREADABLE_NOTE = (
    "the kernel sent the grader a message it could not read ({}), so it was stopped"
)


@dataclass
class CodeRun:
    """The outcome of one piece of code run in the kernel (a cell or a probe)."""

    status: CellStatus
    outputs: list[dict[str, Any]] = field(default_factory=list)
    error_name: str | None = None
    error_message: str | None = None
    note: str | None = None
    seconds: float = 0.0


class LiveNotebook:
    """A notebook that has been run; its kernel stays alive so tests can probe it."""

    def __init__(self, result: NotebookResult, client: GradingClient | None = None,
                 folders: KernelFolders | None = None,
                 settings: ExecutionSettings | None = None) -> None:
        self.result = result
        self._client = client
        self._folders = folders
        self._settings = settings or ExecutionSettings()
        self.kernel_pid: int | None = None  # the process the grader started for the kernel
        self.probe_seconds_left = self._settings.probe_budget
        self.stopped_because: str | None = None if client else result.problem
        self.output_cut_from: int | None = None  # the first cell the notebook's cap cut

    @property
    def alive(self) -> bool:
        return self._client is not None and self.stopped_because is None

    def run_code(self, source: str, timeout: float, store_history: bool = False,
                 probe: bool = False) -> CodeRun:
        """Run code in the kernel after the notebook (used by probes)."""
        if not self.alive:
            return CodeRun(CellStatus.NOT_RUN, note=self.stopped_because)
        assert self._client is not None
        nb = self._client.nb
        nb.cells.append(_grader_cell(source))
        try:
            return self._execute(nb.cells[-1], len(nb.cells) - 1, timeout, store_history, probe)
        finally:
            nb.cells.pop()

    def run_probe(self, source: str, timeout: float) -> CodeRun:
        """Run one of the grader's probes. All of a notebook's probes share a time budget, so
        that functions which each run to the limit cannot make grading last forever."""
        budget = self._settings.probe_budget
        if self.alive and self.probe_seconds_left < 1:
            return CodeRun(CellStatus.NOT_RUN, note=(
                f"the grader's calls into this notebook used up their time budget of "
                f"{budget:.0f} s: earlier calls to your functions were too slow or did not "
                "finish"))
        started = time.monotonic()
        run = self.run_code(source, min(timeout, self.probe_seconds_left), probe=True)
        self.probe_seconds_left -= time.monotonic() - started
        return run

    def _execute(self, cell: NotebookNode, index: int, timeout: float,
                 store_history: bool = True, probe: bool = False) -> CodeRun:
        client = self._client
        assert client is not None
        client.start_cell(probe)
        # nbclient counts whole seconds: round down, so a cell cut short by the notebook's
        # budget never runs past it.
        client.timeout = max(1, math.floor(timeout))
        started = time.monotonic()
        try:
            client.execute_cell(cell, index, store_history=store_history)
            carve("probes: in the kernel" if probe else "cells: in the kernel",
                  kernel_seconds(client.last_reply))
        except DeadKernelError:
            why = LOST_NOTE if client.cut else DIED_NOTE
            self._stop(why)
            return CodeRun(CellStatus.KERNEL_DIED, note=why, seconds=time.monotonic() - started)
        except Exception as exc:  # a malformed message: the kernel is the student's to forge
            why = UNREADABLE_NOTE.format(type(exc).__name__)
            self._stop(why)
            return CodeRun(CellStatus.KERNEL_DIED, note=why, seconds=time.monotonic() - started)
        if client.output_channel_lost():
            self._stop(LOST_NOTE)
            return CodeRun(CellStatus.KERNEL_DIED, note=LOST_NOTE,
                           seconds=time.monotonic() - started)
        content = _reply_content(client.last_reply)
        if content.get("ename") == TIMEOUT_ENAME:
            self._check_responsive()
            return CodeRun(CellStatus.TIMEOUT, list(cell.get("outputs", [])),
                           note=f"it was still running after {timeout:.0f} s and was interrupted",
                           seconds=time.monotonic() - started)
        seconds = time.monotonic() - started
        outputs = list(cell.get("outputs", []))
        note: str | None = "output was cut: it printed more than the grader keeps" if (
            client.output_truncated) else None
        if client.notebook_output_full:
            note = ("output was cut: the notebook's cells printed more than the grader keeps "
                    f"for a whole notebook ({self._settings.notebook_output_limit_mb} MB)")
            if self.output_cut_from is None and store_history:
                self.output_cut_from = index + 1
        if _asked_to_exit(content):
            note = "it called exit() or quit(), which shuts the kernel down: remove the call"
            self._stop("an earlier cell called exit() or quit() and shut the kernel down")
            return CodeRun(CellStatus.ERROR, outputs, "SystemExit", note, note, seconds)
        if content.get("status") == "error":
            return CodeRun(CellStatus.ERROR, outputs, _text(content.get("ename")),
                           _text(content.get("evalue")), note, seconds)
        return CodeRun(CellStatus.OK, outputs, note=note, seconds=seconds)

    def _check_responsive(self) -> None:
        """After a time-out (nbclient has interrupted the kernel): stop a kernel that stays busy."""
        client = self._client
        assert client is not None
        probe = _grader_cell("pass")
        client.nb.cells.append(probe)
        client.start_cell()
        client.timeout = math.ceil(INTERRUPT_GRACE)
        try:
            client.execute_cell(probe, len(client.nb.cells) - 1, store_history=False)
        except DeadKernelError:
            self._stop(DIED_NOTE)
            return
        except Exception as exc:  # a malformed message (see _execute)
            self._stop(UNREADABLE_NOTE.format(type(exc).__name__))
            return
        finally:
            client.nb.cells.pop()
        if _reply_content(client.last_reply).get("ename") == TIMEOUT_ENAME:
            self._stop("an earlier cell timed out and the kernel did not stop when interrupted")

    def _stop(self, reason: str) -> None:
        self.stopped_because = reason
        self._shutdown_kernel()

    def _shutdown_kernel(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        # nbclient's own teardown (kill, close channels); a kernel already gone is fine.
        with contextlib.suppress(Exception):
            client._cleanup_kernel()

    def failed_start(self, what: str, setup_error: bool = False) -> StartAttempt:
        """Stop this kernel that did not start, and say why, with what it printed."""
        client = self._client
        code = _exit_code(client.km.provisioner) if client is not None and client.km else None
        log = self._folders.start_log if self._folders else None
        printed = start_log_tail(log) if log else ""
        self.close()
        return StartAttempt(what, code, printed, setup_error)

    def close(self) -> None:
        with span("kernel shutdown"):
            self._shutdown_kernel()
            if self._folders is not None:
                self._folders.remove()
                self._folders = None

    def __enter__(self) -> LiveNotebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_notebook(path: Path, settings: ExecutionSettings, within: Path | None = None,
                 role: str = STUDENT_ROLE) -> LiveNotebook:
    """Execute every code cell of `path` in a fresh kernel. Never raises for a bad notebook.
    With `within`, a link that leads outside that folder is a bad notebook (loading.py).
    `role`: REFERENCE_ROLE for a reference solution (it does not count against the student
    whose grading process runs it: grader/sandbox/cgroups.py). A kernel that cannot start is
    tried again (start.py); KernelStartFailed if it never does."""
    result = NotebookResult(path=path)
    started = time.monotonic()
    try:
        nb = load_notebook(path, within)
    except UnreadableNotebook as exc:
        result.problem = str(exc)
        return LiveNotebook(result)

    live = start_kernel(lambda: _new_kernel(nb, result, settings, role),
                        lambda layer, why: leave_out_layer(settings, layer, why))
    section = None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            section = _heading(cell.source) or section
        elif cell.cell_type == "code":
            result.cells.append(_run_cell(live, cell, index, settings, started, section))
    result.seconds = time.monotonic() - started
    if live.stopped_because:
        result.problem = live.stopped_because
    first_cut = next((cell for cell in result.cells
                      if cell.number == live.output_cut_from), None)
    if first_cut is not None:
        result.notes.append(_output_cut_note(settings, first_cut))
    return live


def _new_kernel(nb: NotebookNode, result: NotebookResult, settings: ExecutionSettings,
                role: str) -> LiveNotebook:
    """One try: a fresh kernel, started, that ran the grader's setup cell (StartAttempt
    raised otherwise, with what it printed)."""
    folders = make_kernel_folders()
    client = GradingClient(
        nb,
        output_limit_bytes=settings.output_limit_kb * 1024,
        notebook_output_limit_bytes=settings.notebook_output_limit_mb * 2**20,
        km=grading_kernel_manager(settings, folders, role),
        timeout=math.ceil(settings.cell_timeout),
        allow_errors=True,
        interrupt_on_timeout=True,
        error_on_timeout={"ename": TIMEOUT_ENAME, "evalue": "", "traceback": []},
        # After a cell's reply, how long its output may lag (nbclient's default: 4 s). A probe's
        # answer is output: on a loaded machine it can come later than that, and a grade must
        # not depend on the load. The wait ends as soon as the kernel reports itself idle.
        iopub_timeout=math.ceil(settings.cell_timeout),
        shutdown_kernel="immediate",
        resources={"metadata": {"path": folders.work}},
    )
    live = LiveNotebook(result, client, folders, settings)
    try:
        with span("kernel start"):
            client.start_new_kernel(cwd=folders.work)
        assert client.km is not None  # start_new_kernel made it
        live.kernel_pid = getattr(client.km.provisioner, "pid", None)
        with span("kernel ready"):
            client.start_new_kernel_client()
    except Exception as exc:
        raise live.failed_start(str(exc)) from exc
    with span("setup cell", absorb=True):
        setup = live.run_code(setup_source(settings), max(settings.cell_timeout, SETUP_TIMEOUT))
    if setup.status is not CellStatus.OK:
        raise live.failed_start(f"the grader's setup cell {setup.status.value}: "
                                f"{setup.error_name or ''} {setup.error_message or setup.note}",
                                setup_error=setup.status is CellStatus.ERROR)
    return live


def _exit_code(provisioner: Any) -> int | None:
    """The kernel's exit code if it has exited (without the manager's event loop)."""
    forked = getattr(provisioner, "forked", None)
    process = getattr(provisioner, "process", None)
    with contextlib.suppress(Exception):
        return forked.poll() if forked is not None else \
            process.poll() if process is not None else None
    return None


def _output_cut_note(settings: ExecutionSettings, cell: CellResult) -> str:
    return (f"the notebook's cells printed more than the {settings.notebook_output_limit_mb} MB "
            f"of output the grader keeps for a whole notebook: from {cell.label} on, output "
            "was cut")


def _run_cell(live: LiveNotebook, cell: NotebookNode, index: int,
              settings: ExecutionSettings, started: float, section: str | None) -> CellResult:
    base = {"number": index + 1, "source": cell.source, "cell_id": cell.get("id"),
            "section": section}
    if not live.alive:
        return CellResult(status=CellStatus.NOT_RUN, note=live.stopped_because, **base)
    remaining = settings.notebook_budget - (time.monotonic() - started)
    if remaining < 1:  # nbclient's time limits are whole seconds: less is no time at all
        note = f"the notebook used up its time budget of {settings.notebook_budget:.0f} s"
        return CellResult(status=CellStatus.NOT_RUN, note=note, **base)
    if not cell.source.strip():
        return CellResult(status=CellStatus.OK, **base)
    with span("cells: messaging"):
        run = live._execute(cell, index, min(settings.cell_timeout, remaining))
    return CellResult(status=run.status, error_name=run.error_name,
                      error_message=run.error_message, seconds=run.seconds, note=run.note, **base)


def _grader_cell(source: str) -> NotebookNode:
    """A code cell of the grader's own (a probe, the setup), as nbformat's new_code_cell makes
    it, less its schema validation: a jsonschema walk per probe, for a cell the grader wrote."""
    return NotebookNode(id=uuid.uuid4().hex[:8], cell_type="code", metadata=NotebookNode(),
                        execution_count=None, source=source, outputs=[])


def _reply_content(reply: Any) -> dict[str, Any]:
    """An execute_reply's content, as a dict whatever the kernel sent."""
    content = reply.get("content") if isinstance(reply, dict) else None
    return content if isinstance(content, dict) else {}


def _text(value: Any) -> str | None:
    """An error's name or message as text (a forged reply may hold anything there), capped:
    every cell's is kept for the whole notebook, as its output is."""
    if value is None:
        return None
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= ERROR_TEXT_LIMIT else text[:ERROR_TEXT_LIMIT] + " [cut]"


def _asked_to_exit(reply_content: dict[str, Any]) -> bool:
    """IPython's exit()/quit() succeed, then ask the kernel to shut down (an 'ask_exit' payload)."""
    payload = reply_content.get("payload")
    return isinstance(payload, list) and any(
        isinstance(p, dict) and p.get("source") == "ask_exit" for p in payload)


def _heading(markdown: str) -> str | None:
    for line in markdown.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip() or None
    return None
