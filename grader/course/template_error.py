"""The one error of the release step: a solution notebook cannot become a template."""

from __future__ import annotations

from grader.errors import GraderError


class ReleaseError(GraderError):
    """A solution notebook is unreadable or its solution markers do not pair up.

    `notebook`, `cell` (1-based, as Jupyter shows cells) and `line` (1-based within the
    cell's source, or within the file for broken JSON) locate the problem when known.
    """

    def __init__(
        self,
        problem: str,
        notebook: str | None = None,
        cell: int | None = None,
        line: int | None = None,
    ) -> None:
        self.problem = problem
        self.notebook = notebook
        self.cell = cell
        self.line = line
        self.message = self._describe()  # without GraderError's "grader error" label
        super().__init__(self.message)

    def _describe(self) -> str:
        where = [self.notebook] if self.notebook else []
        if self.cell is not None:
            where.append(f"cell {self.cell}")
        if self.line is not None:
            where.append(f"line {self.line}")
        return f"{', '.join(where)}: {self.problem}" if where else self.problem
