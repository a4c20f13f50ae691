"""One grading session: each notebook executed once for its tests, its kernel closed when they
are done, and hidden tests kept from every other kernel of the student.

A notebook's kernel lives from its first test to its last (the plugin orders a notebook's
tests together, visible first, hidden last, and says when they are done): at most one kernel
of the student's is alive at a time, and a kernel that has been sent a hidden test's probe
never lives beside another one (kernel_gate.py) nor answers a visible test again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from grader import processes
from grader.errors import GraderError
from grader.execution.loading import UnreadableNotebook, load_notebook
from grader.execution.result import NotebookResult
from grader.execution.runner import LiveNotebook, run_notebook
from grader.execution.settings import ExecutionSettings
from grader.grading.kernel_gate import KernelGate, OneProcess
from grader.grading.reference import Reference
from grader.grading.secret import course_secret, secret_digest
from grader.grading.submission import Submission
from grader.probing.bindings import names_bound
from grader.probing.probe import ProbeRequest
from grader.probing.run_key import use_secret
from grader.profiling.spans import span
from grader.reference.cache import ReferenceCache
from grader.sandbox.environment import REFERENCE_ROLE
from grader.submissions.submitted import link_message
from grader.submissions.unfollowed import LINK, look


@dataclass(frozen=True)
class SessionConfig:
    submissions: Path
    solutions: Path
    settings: ExecutionSettings
    cache: ReferenceCache
    probe_timeout: float = 60.0
    course_root: Path | None = None  # whose secret the grader's inputs are drawn from
    gate: KernelGate = field(default_factory=OneProcess)
    # assignment -> the file in `submissions` graded as it, where that is not its own name
    # (`02_x (1).ipynb`: grader/course/matching.py)
    submitted: Mapping[str, str] = field(default_factory=dict)


KERNEL_EXIT_LIMIT = 30.0  # seconds a closed kernel may take to be gone, every process of it


def wait_until_gone(pid: int, limit: float) -> None:
    """Until the process `pid` has exited (the sandbox's supervisor: once it has, the kernel and
    every process of its namespace have too); GraderError past `limit` seconds. Without pidfds
    (not Linux: no sandbox, no namespace to wait for) it returns at once."""
    if not processes.wait_until_gone(pid, limit):
        raise GraderError(f"a kernel that was sent a hidden test's probes was still running "
                          f"{limit:.0f} s after it was stopped (process {pid})")


class GradingSession:
    def __init__(self, config: SessionConfig) -> None:
        self.config = config
        self._submissions: dict[str, Submission] = {}
        self._references: dict[str, Reference] = {}
        self._heard_hidden: set[str] = set()  # notebooks whose kernel was sent hidden probes
        self.hidden_sent: list[ProbeRequest] = []  # every probe of a hidden test, to scrub
        self.secret = course_secret(config.course_root) if config.course_root else b""
        if config.course_root:
            use_secret(self.secret, config.settings.seed)

    def submission(self, notebook: str, hidden: bool = False) -> Submission:
        """The student's notebook, executed, for a visible test or (`hidden`) a hidden one."""
        heard = notebook in self._heard_hidden
        if notebook not in self._submissions:
            reuse = False
        elif hidden:  # the kernel of its visible tests, where no other kernel can be alive
            reuse = heard or self.config.gate.reuses_kernels
        else:  # never a kernel that was sent a hidden probe
            reuse = not heard
        if not reuse:
            self._close_kernels()
            self.config.gate.before_kernel(hidden)
            self._submissions[notebook] = self._execute(notebook)
        else:
            self._close_kernels(keep=notebook)
        submission = self._submissions[notebook]
        if hidden:
            self._heard_hidden.add(notebook)
            submission.sent = self.hidden_sent
        return submission

    def _execute(self, notebook: str) -> Submission:
        file = self.config.submitted.get(notebook, notebook)  # `02_x (1).ipynb` is 02_x
        found = look(self.config.submissions, file)
        path = self.config.submissions / file
        own = self.config.submissions == self.config.solutions  # the solutions, graded as a
        # check of the course (the batch's preflight): the TA's files, links or not
        if found.kind == LINK and not own:  # never followed: the grade is of what was submitted
            live = LiveNotebook(NotebookResult(path=path, problem=link_message(found.where)))
        else:
            live = run_notebook(path, self.config.settings, within=self.config.submissions)
        with span("reading the solution's cells"):
            solution_cells = self._solution_cells(notebook)
        return Submission(live, solution_cells, self.config.probe_timeout)

    def done_with(self, notebook: str) -> None:
        """The notebook's tests are done: its kernels (the student's, the reference's) go."""
        if notebook in self._submissions:
            self._close(notebook)
        reference = self._references.get(notebook)
        if reference is not None:
            reference.close()
        if not self._submissions:
            self.config.gate.no_kernel_alive()

    def _close_kernels(self, keep: str | None = None) -> None:
        for notebook in [n for n in self._submissions if n != keep]:
            self._close(notebook)
        if not self._submissions:
            self.config.gate.no_kernel_alive()

    def _close(self, notebook: str) -> None:
        """Close a notebook's kernel; one that was sent hidden probes is gone, every process of
        it, before anything else runs (a dying process holds its locks until it has exited)."""
        live = self._submissions.pop(notebook).live
        pid = live.kernel_pid
        with span("kernel shutdown", notebook=Path(notebook).stem):
            live.close()
        if notebook in self._heard_hidden and pid is not None:
            wait_until_gone(pid, KERNEL_EXIT_LIMIT)
        self._heard_hidden.discard(notebook)

    def reference(self, notebook: str) -> Reference:
        if notebook not in self._references:
            import torch

            path = self.config.solutions / notebook
            secret = secret_digest(self.secret)
            if path.exists():
                key = ReferenceCache.notebook_key(path, self.config.settings.seed,
                                                  torch.__version__, secret)
            else:
                key = self.config.cache.shipped_key(notebook, self.config.settings.seed, secret)
            self._references[notebook] = Reference(
                path, key, self.config.cache, self._run, self.config.probe_timeout)
        return self._references[notebook]

    @property
    def reference_runs(self) -> int:
        """How many reference solutions this session executed (0: all answers were cached)."""
        return sum(1 for reference in self._references.values() if reference.executed)

    def _run(self, path: Path) -> LiveNotebook:
        return run_notebook(path, self.config.settings, role=REFERENCE_ROLE)

    def _solution_cells(self, notebook: str) -> dict[str, str]:
        """Name -> id of the solution cell that first defines it (to find blanks by cell id)."""
        try:
            solution = load_notebook(self.config.solutions / notebook)
        except UnreadableNotebook:
            return {}
        cells: dict[str, str] = {}
        for cell in solution.cells:
            if cell.cell_type == "code" and cell.get("id"):
                for name in names_bound(cell.source):
                    cells.setdefault(name, cell.id)
        return cells

    def close(self) -> None:
        self._close_kernels()
        for reference in self._references.values():
            reference.close()
