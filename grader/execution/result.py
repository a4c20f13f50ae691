"""What running a notebook produced: one small record per cell, and one for the notebook."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class CellStatus(str, Enum):
    OK = "ok"
    ERROR = "error"
    TIMEOUT = "timed out"
    KERNEL_DIED = "kernel died"
    NOT_RUN = "not run"


@dataclass(frozen=True)
class CellResult:
    """One code cell of the student's notebook, after execution."""

    number: int  # 1-based position among all cells, as a student counts them
    source: str
    status: CellStatus
    cell_id: str | None = None
    error_name: str | None = None
    error_message: str | None = None
    seconds: float = 0.0
    note: str | None = None  # why it timed out, died or did not run
    section: str | None = None  # the nearest markdown heading above the cell

    @property
    def first_line(self) -> str:
        """The cell's first line of real code, to name the cell in messages."""
        for line in self.source.splitlines():
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                return stripped if len(stripped) <= 60 else stripped[:57] + "..."
        return "(empty)"

    @property
    def label(self) -> str:
        """The cell by its first line. Messages to students number code cells as Jupyter does
        (see grader.probing.diagnosis); `number` counts markdown cells too, so it is not shown."""
        return f"the cell starting `{self.first_line}`"

    def describe_failure(self) -> str:
        """One sentence on what went wrong in this cell (empty if it ran fine)."""
        if self.status is CellStatus.ERROR:
            return f"{self.label} stopped with {self.error_name}: {self.error_message}"
        if self.status is CellStatus.OK:
            return ""
        return f"{self.label} {self.status.value}: {self.note}"


@dataclass
class NotebookResult:
    """The whole run. `problem` is set when the notebook could not be run at all, or stopped."""

    path: Path
    cells: list[CellResult] = field(default_factory=list)
    problem: str | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # what the grader did to the whole run

    @property
    def ran_cleanly(self) -> bool:
        return self.problem is None and all(c.status is CellStatus.OK for c in self.cells)

    def failed_cells(self) -> list[CellResult]:
        return [c for c in self.cells if c.status is not CellStatus.OK]

    def cell_by_id(self, cell_id: str) -> CellResult | None:
        return next((c for c in self.cells if c.cell_id == cell_id), None)
