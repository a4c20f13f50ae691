"""Explain, in words a student can act on, why a name is missing or may be wrong, or why a call
of the student's code raised.

Cells are named the same way in every message: "code cell K", counting code cells from the
top as Jupyter numbers them after *Restart and run all* (In [K]), with the cell's first line
quoted. A missing name is blamed on the cell that *defines* it, never on a later cell that
only uses or updates it (`weight -= lr * weight.grad` does not define `weight`).

A blank is the template's own marker line (`raise NotImplementedError()`, as `grader release`
writes it) raising, not any NotImplementedError: PyTorch raises one of its own for a module
without a `forward` method, and that is quoted and traced to the class, like any other error
of PyTorch or Python, to the cell that defines the object it names.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from grader.course.markers import CODE_STUB
from grader.errors import Cause
from grader.execution.result import CellResult, CellStatus, NotebookResult
from grader.probing.bindings import names_bound, names_defined
from grader.probing.error_hints import NO_MODULE, error_hint

_UNDEFINED = re.compile(r"name '(\w+)' is not defined")
_MISSING_METHOD = re.compile(r"Module \[(\w+)\] is missing the required \"(\w+)\" function")
_QUOTED = re.compile(r"\[(\w+)\]|'(\w+)'|\"(\w+)\"|\b(\w+)\(\)")
BLANK = CODE_STUB[-1]  # the template's marker line: `raise NotImplementedError()`
NOT_IMPLEMENTED = "not implemented yet"


@dataclass(frozen=True)
class Diagnosed:
    """What went wrong, in words, and the cause as data."""

    text: str
    cause: Cause


def holds_blank(source: str) -> bool:
    """Whether a cell still holds the template's marker line."""
    return any(line.strip() == BLANK for line in source.splitlines())


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

    def missing(self, name: str, _seen: frozenset[str] = frozenset()) -> Diagnosed:
        """Why `name` is not defined after the run."""
        if self.result.problem and not self.result.cells:
            return Diagnosed(f"the notebook could not be graded: {self.result.problem}",
                             Cause.NOTEBOOK_NOT_RUN)
        definers = self._definers(name)
        failed = [c for c in definers if c.status is not CellStatus.OK]
        if failed:
            return self.cell_failure(failed[0], name, _seen | {name})
        if definers:
            return Diagnosed(
                f"`{name}` is not defined after running the notebook, although "
                f"{self.label(definers[-1])} assigns it. Is the assignment inside an `if` that "
                "did not run, or deleted later with `del`?", Cause.MISSING_NAME)
        imported = self._failed_import_of(name)
        if imported is not None:
            return self.cell_failure(imported, name, _seen | {name})
        blanks = [c for c in self.result.cells if self._blank_behind(c) is c]
        if blanks:
            return Diagnosed(f"{NOT_IMPLEMENTED}: `{name}` is not defined. Fill the blank in "
                             f"{self._listing(blanks)}: it still raises NotImplementedError.",
                             Cause.NOT_IMPLEMENTED)
        return Diagnosed(
            f"no cell defines `{name}`. The grader looks for a variable or function with "
            "exactly this name: check its spelling, and that you did not rename it.",
            Cause.MISSING_NAME)

    def failed_definition(self, name: str) -> Diagnosed | None:
        """Why a cell that defines or changes `name` did not finish, or None if all did."""
        if all(c.status is CellStatus.OK for c in self.result.cells):
            return None  # asked for every value read: no cell to read when none failed
        failed = [c for c in self.defining_cells(name) if c.status is not CellStatus.OK]
        if not failed:
            return None
        return self.cell_failure(failed[-1], name, frozenset({name}))

    def cell_failure(self, cell: CellResult, name: str, seen: frozenset[str]) -> Diagnosed:
        """Why `cell` (which defines `name`) did not finish, following NameErrors to their root
        and blanks to the cell that holds them."""
        role = ("defines" if name in names_defined(cell.source) else
                "changes" if name in names_bound(cell.source) else "should define")
        blank = self._blank_behind(cell)
        if blank is cell:
            return Diagnosed(f"{NOT_IMPLEMENTED}: fill the blank in {self.label(cell)}"
                             f"{_section(cell)}, then delete its `{BLANK}` line.",
                             Cause.NOT_IMPLEMENTED)
        if blank is not None:
            return Diagnosed(f"{NOT_IMPLEMENTED}: fill the blank in {self.label(blank)}"
                             f"{_section(blank)} ({self.label(cell)} uses it to "
                             f"{_verb(role)} `{name}`).", Cause.NOT_IMPLEMENTED)
        undefined = _UNDEFINED.search(cell.error_message or "")
        if cell.error_name == "NameError" and undefined:
            missing = undefined.group(1)
            root = self._root_of_undefined(missing, seen)
            if root is not None:
                if root.cause is Cause.NOT_IMPLEMENTED:
                    return Diagnosed(f"{root.text} ({self.label(cell)} needs it to "
                                     f"{_verb(role)} `{name}`.)", root.cause)
                return Diagnosed(f"{self.label(cell)} could not {_verb(role)} `{name}`: "
                                 f"{root.text}", root.cause)
            blank = self._blank_definer(missing)
            if blank is not None and blank is not cell:
                return Diagnosed(f"{NOT_IMPLEMENTED}: fill the blank in {self.label(blank)}"
                                 f"{_section(blank)} ({self.label(cell)} needs `{missing}` to "
                                 f"{_verb(role)} `{name}`).", Cause.NOT_IMPLEMENTED)
            return Diagnosed(
                f"{self.label(cell)}, which {role} `{name}`, stopped with NameError: name "
                f"'{missing}' is not defined. No cell before it defines `{missing}`: is it "
                "a typo, or a name from another notebook?", Cause.CELL_ERROR)
        if cell.status is CellStatus.ERROR:
            error, message = cell.error_name or "", cell.error_message or ""
            # Where the object the error names is defined says more than "a cell failed
            # before it": that earlier failure is usually the same error.
            origin = self._origin(cell, message) or self._earlier_failure(cell)
            return Diagnosed(
                f"{self.label(cell)}, which {role} `{name}`, stopped with {error}: "
                f"{_sentence(message)}{error_hint(error, message)}{origin}", Cause.CELL_ERROR)
        cause = Cause.KERNEL_DIED if cell.status in (CellStatus.KERNEL_DIED,
                                                     CellStatus.NOT_RUN) else Cause.CELL_TIMEOUT
        return Diagnosed(f"{self.label(cell)}, which {role} `{name}`, {cell.status.value}: "
                         f"{_sentence(cell.note)}", cause)

    def raised(self, error: Mapping[str, str], what: str, function: str) -> Diagnosed:
        """Why the grader's call of the student's code (`what`, of `function`) raised: a blank
        (the marker line raised), a name an earlier failure left undefined, or PyTorch's or
        Python's own error, quoted and traced to the cell that defines what it names."""
        name, message = error.get("name", "?"), error.get("message", "")
        line, raised_in = (error.get("line") or "").strip(), error.get("function", "")
        # The blank is in the function that raised, not necessarily the one called.
        if raised_in and raised_in.isidentifier() and self.defining_cells(raised_in):
            function = raised_in
        cells = self.defining_cells(function) if function else []
        if name == "NotImplementedError" and not message.strip() and (
                line == BLANK or any(holds_blank(c.source) for c in cells)):
            place = f" in {self.label(cells[-1])}" if cells else ""
            return Diagnosed(f"{NOT_IMPLEMENTED}: fill the blank in `{function}`{place}.",
                             Cause.NOT_IMPLEMENTED)
        where = f" at `{line}`" if line else ""
        said = f"{what} raised {name}: {message.rstrip().rstrip('.')}{where}."
        undefined = _UNDEFINED.search(message)
        if name == "NameError" and undefined:
            root = self._root_of_undefined(undefined.group(1), frozenset())
            if root is not None:
                return Diagnosed(f"{said} {_capital(root.text)}", root.cause)
        return Diagnosed(f"{said}{error_hint(name, message)}{self._origin(None, message)}",
                         Cause.CODE_RAISED)

    def _root_of_undefined(self, name: str, seen: frozenset[str]) -> Diagnosed | None:
        """Why `name` is undefined, when a cell should have defined it (or imported it) and
        failed; None if no cell even tries (a typo, or a name of another notebook)."""
        if name in seen:
            return None
        if self._definers(name) or self._failed_import_of(name) is not None:
            root = self.missing(name, seen)
            return root if root.cause is not Cause.MISSING_NAME else None
        return None

    def _blank_definer(self, name: str) -> CellResult | None:
        """The cell that defines `name` in the solution, when the student's is still a blank
        (a later cell that only updates `name` then fails with a NameError of it)."""
        if name not in self.solution_cells:
            return None
        cell = self.result.cell_by_id(self.solution_cells[name])
        return cell if cell is not None and self._blank_behind(cell) is cell else None

    def _failed_import_of(self, name: str) -> CellResult | None:
        """A cell whose import failed on a module named like `name` (`import troch`, then
        `torch` is undefined)."""
        for cell in self.result.cells:
            if cell.error_name not in ("ModuleNotFoundError", "ImportError"):
                continue
            module = NO_MODULE.search(cell.error_message or "")
            if module and difflib.get_close_matches(name, [module.group(1).split(".")[0]], n=1,
                                                    cutoff=0.6):
                return cell
        return None

    def _blank_behind(self, cell: CellResult) -> CellResult | None:
        """The cell whose blank made `cell` raise: itself, if it holds the template's marker
        and raised NotImplementedError without a message (the marker's own); or an earlier
        cell holding the marker and defining a function `cell` uses. None for any other
        error, PyTorch's NotImplementedError included."""
        if cell.error_name != "NotImplementedError" or (cell.error_message or "").strip():
            return None
        if holds_blank(cell.source):
            return cell
        used = set(re.findall(r"\b(\w+)\s*\(", cell.source))
        before = self.result.cells[: self.result.cells.index(cell)]
        blanks = [c for c in before if holds_blank(c.source) and names_defined(c.source) & used]
        return blanks[-1] if blanks else None

    def _origin(self, failing: CellResult | None, message: str) -> str:
        """Where the object an error names is defined: " `Model` is defined in code cell 3
        (...): look there.", or, for a module without `forward`, what its class has instead."""
        method = _MISSING_METHOD.search(message)
        if method:
            return self._missing_method(method.group(1), method.group(2))
        for match in _QUOTED.finditer(message):
            name = next(group for group in match.groups() if group)
            cells = [c for c in self.result.cells if _defines_code(c.source, name)]
            if cells and cells[-1] is not failing:
                return f" `{name}` is defined in {self.label(cells[-1])}: look there."
        return ""

    def _missing_method(self, class_name: str, method: str) -> str:
        for cell in reversed(self.result.cells):
            found = _class_in(cell.source, class_name)
            if found is None:
                continue
            methods, outside = found
            place = f"class `{class_name}` in {self.label(cell)}"
            close = difflib.get_close_matches(method, methods, n=1, cutoff=0.6)
            if close:
                return (f" The {place} defines `{close[0]}`, not `{method}`: an nn.Module runs "
                        f"the method named exactly `{method}` when it is called. Rename it.")
            if method in outside:
                return (f" In {self.label(cell)}, `def {method}` is not indented under class "
                        f"`{class_name}`: indent it so that it is a method of the class.")
            return (f" The {place} has no `{method}` method: an nn.Module runs `{method}(self, "
                    f"x)` when it is called. Define it inside the class.")
        return ""

    def _earlier_failure(self, cell: CellResult) -> str:
        """A pointer to the first cell that failed before `cell`: its error may be the cause."""
        earlier = next((c for c in self.result.cells if c is not cell and c.status is not
                        CellStatus.OK), None)
        if earlier is None or self.result.cells.index(earlier) > self.result.cells.index(cell):
            return ""
        why = earlier.error_name or earlier.status.value
        return (f" {_capital(self.label(earlier))} failed before it ({why}), and this error "
                "may follow from that one: start there.")

    def _listing(self, cells: list[CellResult]) -> str:
        labels = [self.label(c) for c in cells[:3]]
        more = f" and {len(cells) - 3} more" if len(cells) > 3 else ""
        return ", ".join(labels) + more


def _defines_code(source: str, name: str) -> bool:
    """Whether a cell defines a class or function `name` (a method too)."""
    return re.search(rf"^\s*(?:class|def)\s+{re.escape(name)}\b", source, re.MULTILINE) \
        is not None


def _class_in(source: str, class_name: str) -> tuple[list[str], list[str]] | None:
    """The methods of class `class_name` in a cell, and the functions defined at its top
    level; None if the cell does not define the class."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            methods = [n.name for n in node.body
                       if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
            outside = [n.name for n in tree.body
                       if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
            return methods, outside
    return None


def _verb(role: str) -> str:
    return {"defines": "define", "changes": "change"}.get(role, "define")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(text: str | None) -> str:
    """`text` ending with exactly one full stop."""
    return (text or "").rstrip().rstrip(".") + "."


def _section(cell: CellResult) -> str:
    return f", under \u201c{cell.section}\u201d" if cell.section else ""
