"""One grading session: each notebook executed at most once, shared by all its tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.execution.loading import UnreadableNotebook, load_notebook
from grader.execution.runner import LiveNotebook, run_notebook
from grader.execution.settings import ExecutionSettings
from grader.grading.reference import Reference
from grader.grading.submission import Submission
from grader.probing.bindings import names_bound
from grader.profiling.spans import span
from grader.reference.cache import ReferenceCache


@dataclass(frozen=True)
class SessionConfig:
    submissions: Path
    solutions: Path
    settings: ExecutionSettings
    cache: ReferenceCache
    probe_timeout: float = 60.0


class GradingSession:
    def __init__(self, config: SessionConfig) -> None:
        self.config = config
        self._submissions: dict[str, Submission] = {}
        self._references: dict[str, Reference] = {}

    def submission(self, notebook: str) -> Submission:
        if notebook not in self._submissions:
            live = run_notebook(self.config.submissions / notebook, self.config.settings,
                                within=self.config.submissions)
            with span("reading the solution's cells"):
                solution_cells = self._solution_cells(notebook)
                self._submissions[notebook] = Submission(live, solution_cells,
                                                         self.config.probe_timeout)
        return self._submissions[notebook]

    def reference(self, notebook: str) -> Reference:
        if notebook not in self._references:
            import torch

            path = self.config.solutions / notebook
            if path.exists():
                key = ReferenceCache.notebook_key(path, self.config.settings.seed,
                                                  torch.__version__)
            else:
                key = self.config.cache.shipped_key(notebook, self.config.settings.seed)
            self._references[notebook] = Reference(
                path, key, self.config.cache, self._run, self.config.probe_timeout)
        return self._references[notebook]

    @property
    def reference_runs(self) -> int:
        """How many reference solutions this session executed (0: all answers were cached)."""
        return sum(1 for reference in self._references.values() if reference.executed)

    def _run(self, path: Path) -> LiveNotebook:
        return run_notebook(path, self.config.settings)

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
        for notebook, submission in self._submissions.items():
            with span("kernel shutdown", notebook=Path(notebook).stem):
                submission.live.close()
        for reference in self._references.values():
            reference.close()
