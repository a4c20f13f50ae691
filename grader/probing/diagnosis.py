"""Explain, in words a student can act on, why a name is missing or may be wrong."""

from __future__ import annotations

import re
from collections.abc import Mapping

from grader.execution.result import CellResult, CellStatus, NotebookResult
from grader.probing.bindings import names_bound

_UNDEFINED = re.compile(r"name '(\w+)' is not defined")
NOT_IMPLEMENTED = "not implemented yet"


class Diagnosis:
    """Reads a run's cell records; `solution_cells` maps a name to the solution's cell id."""

    def __init__(self, result: NotebookResult, solution_cells: Mapping[str, str]) -> None:
        self.result = result
        self.solution_cells = solution_cells

    def defining_cells(self, name: str) -> list[CellResult]:
        cells = [c for c in self.result.cells if name in names_bound(c.source)]
        if not cells and name in self.solution_cells:
            same_id = self.result.cell_by_id(self.solution_cells[name])
            cells = [same_id] if same_id else []
        return cells

    def missing(self, name: str, _seen: frozenset[str] = frozenset()) -> str:
        """Why `name` is not defined after the run."""
        if self.result.problem and not self.result.cells:
            return f"the notebook could not be graded: {self.result.problem}"
        failed = [c for c in self.defining_cells(name) if c.status is not CellStatus.OK]
        if failed:
            return self.cell_failure(failed[-1], name, _seen | {name})
        if self.defining_cells(name):
            return (f"`{name}` is not defined after running the notebook, although "
                    f"{self.defining_cells(name)[-1].label} assigns it. Is the assignment "
                    "inside an `if` that did not run, or deleted later with `del`?")
        blanks = [c for c in self.result.cells if c.error_name == "NotImplementedError"]
        if blanks:
            return (f"{NOT_IMPLEMENTED}: `{name}` is not defined. Fill the blank in "
                    f"{_listing(blanks)}: it still raises NotImplementedError.")
        return (f"no cell defines `{name}`. The grader looks for a variable or function with "
                f"exactly this name: check its spelling, and that you did not rename it.")

    def failed_definition(self, name: str) -> str | None:
        """A message if a cell that defines or changes `name` did not finish, else None."""
        failed = [c for c in self.defining_cells(name) if c.status is not CellStatus.OK]
        if not failed:
            return None
        return self.cell_failure(failed[-1], name, frozenset({name}))

    def cell_failure(self, cell: CellResult, name: str, seen: frozenset[str]) -> str:
        """Why `cell` (which defines `name`) did not finish, following NameErrors to their root."""
        if cell.error_name == "NotImplementedError":
            return f"{NOT_IMPLEMENTED}: fill the blank in {cell.label}{_section(cell)}."
        undefined = _UNDEFINED.search(cell.error_message or "")
        if cell.error_name == "NameError" and undefined and undefined.group(1) not in seen:
            root = self.missing(undefined.group(1), seen)
            if root.startswith(NOT_IMPLEMENTED):
                return f"{root} ({cell.label} needs it to define `{name}`.)"
            return f"{cell.label} could not define `{name}`: {root}"
        if cell.status is CellStatus.ERROR:
            hint = _HINTS.get(cell.error_name or "", "")
            return (f"{cell.label}, which defines `{name}`, stopped with "
                    f"{cell.error_name}: {_sentence(cell.error_message)}{hint}")
        return f"{cell.label}, which defines `{name}`, {cell.status.value}: {_sentence(cell.note)}"


_HINTS = {
    "SystemExit": " sys.exit() ends a script, not a notebook: remove it.",
    "MemoryError": " It used more memory than the grader allows: use smaller tensors.",
    "ModuleNotFoundError": " The grader has torch, numpy and pandas; remove other imports.",
}


def _sentence(text: str | None) -> str:
    """`text` ending with exactly one full stop."""
    return (text or "").rstrip().rstrip(".") + "."


def _section(cell: CellResult) -> str:
    return f", under \u201c{cell.section}\u201d" if cell.section else ""


def _listing(cells: list[CellResult]) -> str:
    labels = [c.label for c in cells[:3]]
    more = f" and {len(cells) - 3} more" if len(cells) > 3 else ""
    return ", ".join(labels) + more
