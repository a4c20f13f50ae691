"""Explain, in words a student can act on, why a name is missing or may be wrong.

Cells are named the same way in every message: "code cell K", counting code cells from the
top as Jupyter numbers them after *Restart and run all* (In [K]), with the cell's first line
quoted. A missing name is blamed on the cell that *defines* it, never on a later cell that
only uses or updates it (`weight -= lr * weight.grad` does not define `weight`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from grader.execution.result import CellResult, CellStatus, NotebookResult
from grader.probing.bindings import names_bound, names_defined

_UNDEFINED = re.compile(r"name '(\w+)' is not defined")
NOT_IMPLEMENTED = "not implemented yet"


class Diagnosis:
    """Reads a run's cell records; `solution_cells` maps a name to the solution's cell id."""

    def __init__(self, result: NotebookResult, solution_cells: Mapping[str, str]) -> None:
        self.result = result
        self.solution_cells = solution_cells

    def label(self, cell: CellResult) -> str:
        """'code cell 4 (`first line`)': numbered as the student sees it, with its first line."""
        position = next((i for i, c in enumerate(self.result.cells, 1) if c is cell), None)
        if position is None:
            return cell.label
        return f"code cell {position} (`{cell.first_line}`)"

    def defining_cells(self, name: str) -> list[CellResult]:
        """Cells that define or change `name`, in order (the solution's cell, if none does)."""
        cells = [c for c in self.result.cells if name in names_bound(c.source)]
        if not cells and name in self.solution_cells:
            same_id = self.result.cell_by_id(self.solution_cells[name])
            cells = [same_id] if same_id else []
        return cells

    def _definers(self, name: str) -> list[CellResult]:
        """Cells that give `name` a value of its own (not those that only update it)."""
        cells = [c for c in self.result.cells if name in names_defined(c.source)]
        return cells or self.defining_cells(name)

    def missing(self, name: str, _seen: frozenset[str] = frozenset()) -> str:
        """Why `name` is not defined after the run."""
        if self.result.problem and not self.result.cells:
            return f"the notebook could not be graded: {self.result.problem}"
        definers = self._definers(name)
        failed = [c for c in definers if c.status is not CellStatus.OK]
        if failed:
            return self.cell_failure(failed[0], name, _seen | {name})
        if definers:
            return (f"`{name}` is not defined after running the notebook, although "
                    f"{self.label(definers[-1])} assigns it. Is the assignment inside an `if` "
                    "that did not run, or deleted later with `del`?")
        blanks = [c for c in self.result.cells if c.error_name == "NotImplementedError"]
        if blanks:
            return (f"{NOT_IMPLEMENTED}: `{name}` is not defined. Fill the blank in "
                    f"{self._listing(blanks)}: it still raises NotImplementedError.")
        return (f"no cell defines `{name}`. The grader looks for a variable or function with "
                f"exactly this name: check its spelling, and that you did not rename it.")

    def failed_definition(self, name: str) -> str | None:
        """A message if a cell that defines or changes `name` did not finish, else None."""
        if all(c.status is CellStatus.OK for c in self.result.cells):
            return None  # asked for every value read: no cell to read when none failed
        failed = [c for c in self.defining_cells(name) if c.status is not CellStatus.OK]
        if not failed:
            return None
        return self.cell_failure(failed[-1], name, frozenset({name}))

    def cell_failure(self, cell: CellResult, name: str, seen: frozenset[str]) -> str:
        """Why `cell` (which defines `name`) did not finish, following NameErrors to their root."""
        role = "defines" if name in names_defined(cell.source) else "changes"
        if cell.error_name == "NotImplementedError":
            return f"{NOT_IMPLEMENTED}: fill the blank in {self.label(cell)}{_section(cell)}."
        undefined = _UNDEFINED.search(cell.error_message or "")
        if cell.error_name == "NameError" and undefined:
            missing = undefined.group(1)
            if missing not in seen and self._defined_anywhere(missing):
                root = self.missing(missing, seen)
                if root.startswith(NOT_IMPLEMENTED):
                    return f"{root} ({self.label(cell)} needs it to {role[:-1]} `{name}`.)"
                return f"{self.label(cell)} could not {role[:-1]} `{name}`: {root}"
            return (f"{self.label(cell)}, which {role} `{name}`, stopped with NameError: name "
                    f"'{missing}' is not defined. No cell before it defines `{missing}`: is it "
                    "a typo, or a name from another notebook?")
        if cell.status is CellStatus.ERROR:
            hint = error_hint(cell.error_name or "", cell.error_message or "")
            return (f"{self.label(cell)}, which {role} `{name}`, stopped with "
                    f"{cell.error_name}: {_sentence(cell.error_message)}{hint}"
                    f"{self._earlier_failure(cell)}")
        return (f"{self.label(cell)}, which {role} `{name}`, {cell.status.value}: "
                f"{_sentence(cell.note)}")

    def _earlier_failure(self, cell: CellResult) -> str:
        """A pointer to the first cell that failed before `cell`: its error may be the cause."""
        earlier = next((c for c in self.result.cells if c is not cell and c.status is not
                        CellStatus.OK), None)
        if earlier is None or self.result.cells.index(earlier) > self.result.cells.index(cell):
            return ""
        why = earlier.error_name or earlier.status.value
        return (f" {self.label(earlier)[0].upper()}{self.label(earlier)[1:]} failed before it "
                f"({why}), and this error may follow from that one: start there.")

    def _defined_anywhere(self, name: str) -> bool:
        return bool(self.defining_cells(name))

    def _listing(self, cells: list[CellResult]) -> str:
        labels = [self.label(c) for c in cells[:3]]
        more = f" and {len(cells) - 3} more" if len(cells) > 3 else ""
        return ", ".join(labels) + more


_HINTS = {
    "SystemExit": " sys.exit() ends a script, not a notebook: remove it.",
    "MemoryError": " It used more memory than the grader allows: use smaller tensors.",
    "ModuleNotFoundError": " The grader has torch, numpy and pandas; remove other imports.",
}
_MESSAGE_HINTS = (
    (re.compile(r"same dtype|expected scalar type|found dtype", re.IGNORECASE),
     " Two tensors of different dtypes met: make the data and the parameters the same float "
     "type (float32: write 1.0 rather than 1, or call .float())."),
    (re.compile(r"does not require grad"),
     " The loss was computed without any tensor that tracks gradients. Usual causes: a "
     "function that returns numbers typed in, or its result passed through .item(), "
     ".detach() or NumPy; a parameter created without requires_grad=True; or a parameter "
     "replaced by a new tensor (W = W - lr * W.grad) instead of updated in place "
     "(W -= lr * W.grad, inside torch.no_grad())."),
    (re.compile(r"'NoneType' object has no attribute 'zero_'"),
     " A parameter's .grad is None. Usual causes: the parameter was replaced by a new "
     "tensor, which has no gradient (W = W - lr * W.grad), instead of updated in place "
     "(W -= lr * W.grad, inside torch.no_grad()); a reset at the start of a step, before any "
     "backward() has filled .grad (check `if p.grad is not None`, set p.grad = None, or "
     "reset after the update); or a loss that does not use that parameter (is it left out "
     "of the prediction?)."),
    (re.compile(r"'NoneType' object has no attribute '(clone|data|item)'|"
                r"for [*-]: 'float' and 'NoneType'"),
     " A parameter's .grad is None: backward() never reached it. Either the loss does not use "
     "that parameter (is it left out of the prediction?), or backward() did not run before."),
    (re.compile(r"'(float|int)' object is not subscriptable"),
     " A number was indexed like a list ([-1], [0]): a value that should be a list, such as "
     "the list of losses a training function returns, is a single number. Check what it "
     "returns: the whole list, not only the last loss."),
    (re.compile(r"leaf Variable that requires grad is being used in an in-place"),
     " Update parameters inside `with torch.no_grad():` (or through p.data), so that autograd "
     "does not record the update."),
)


def error_hint(error_name: str, message: str) -> str:
    """What an error usually means in this course, as a sentence to add (or '')."""
    if error_name in _HINTS:
        return _HINTS[error_name]
    return next((hint for pattern, hint in _MESSAGE_HINTS if pattern.search(message)), "")


def _sentence(text: str | None) -> str:
    """`text` ending with exactly one full stop."""
    return (text or "").rstrip().rstrip(".") + "."


def _section(cell: CellResult) -> str:
    return f", under \u201c{cell.section}\u201d" if cell.section else ""
