"""A corpus case: a student-like notebook made from a solution by small edits, and its verdict.

Each case names the tests that must fail, with a word or phrase their message must contain
(the cause, in the student's terms); every other test of the assignment must pass. A case may
also give the points a failed test still earns (partial credit; none otherwise), and phrases no
message may contain (a cause that is not there, which a careless grader would name).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell


@dataclass(frozen=True)
class Edit:
    """Replace `old` by `new` in the cell with id `cell` (`old` must occur exactly once).

    With `insert_after`, a new code cell with source `new` is inserted after that cell instead.
    """

    cell: str
    old: str = ""
    new: str = ""
    insert_after: bool = False


@dataclass(frozen=True)
class Case:
    name: str
    notebook: str  # file name in solutions/
    edits: tuple[Edit, ...]
    fails: dict[str, str] = field(default_factory=dict)  # test function -> text in its message
    why: str = ""  # one line: the mistake or the valid alternative
    scores: dict[str, float] = field(default_factory=dict)  # failed test -> partial points
    never_said: tuple[str, ...] = ()  # causes that are not there: no message may name them

    def build(self, solutions: Path, folder: Path) -> Path:
        notebook = nbformat.read(solutions / self.notebook, as_version=4)
        for edit in self.edits:
            _apply(notebook, edit, self.name)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / self.notebook
        nbformat.write(notebook, path)
        return path


def _apply(notebook: NotebookNode, edit: Edit, case: str) -> None:
    index = next((i for i, c in enumerate(notebook.cells) if c.get("id") == edit.cell), None)
    if index is None:
        raise ValueError(f"case {case}: no cell with id {edit.cell!r}")
    if edit.insert_after:
        cell = new_code_cell(edit.new)
        cell.id = f"{edit.cell}-extra-{index}"
        notebook.cells.insert(index + 1, cell)
        return
    source = notebook.cells[index].source
    if source.count(edit.old) != 1:
        raise ValueError(f"case {case}: {edit.old!r} occurs {source.count(edit.old)} times "
                         f"in cell {edit.cell!r}, expected once")
    notebook.cells[index].source = source.replace(edit.old, edit.new)
