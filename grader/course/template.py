"""Turn one solution notebook into the student's template, in memory.

Conventions (nbgrader's ClearSolutions, with the choices below):

- A `### BEGIN SOLUTION` ... `### END SOLUTION` region (see `markers.py`) becomes
  `# YOUR CODE HERE` / `raise NotImplementedError()` in a code cell and `YOUR ANSWER HERE`
  in any other cell (markdown, raw), indented like the BEGIN line.
- A *solution cell* with no region is blanked whole, to the same stubs. A cell is a solution
  cell when its `tags` include `solution` or its `nbgrader` metadata has `solution: true`.
- Regions are cleared in every cell, solution cell or not (nbgrader would refuse a region
  outside a solution cell; we do not ask authors for nbgrader metadata).
- Outputs and execution counts are cleared. Cell ids, cell metadata (tags, nbgrader) and the
  notebook's metadata are kept as they are (nbgrader drops `celltoolbar`; we do not).
- Unlike nbgrader, which silently drops a stray `### END SOLUTION`, every unpaired or nested
  marker is an error.
"""

from __future__ import annotations

import copy

from nbformat import NotebookNode

from grader.course.markers import CODE_STUB, TEXT_STUB, MarkerError, clear_regions
from grader.course.template_error import ReleaseError

SOLUTION_TAG = "solution"


def is_solution_cell(cell: NotebookNode) -> bool:
    metadata = cell.get("metadata", {})
    nbgrader = metadata.get("nbgrader", {})
    return SOLUTION_TAG in metadata.get("tags", []) or nbgrader.get("solution", False) is True


def template_source(cell: NotebookNode) -> str:
    """The cell's text as students see it; raises MarkerError if its markers do not pair up."""
    stub = CODE_STUB if cell.cell_type == "code" else TEXT_STUB
    cleared = clear_regions(cell.source, stub)
    if cleared.regions == 0 and is_solution_cell(cell):
        return "\n".join(stub)
    return cleared.source


def release_notebook(notebook: NotebookNode, name: str = "notebook") -> NotebookNode:
    """A copy of `notebook` with solutions and outputs cleared; `name` labels errors."""
    template = copy.deepcopy(notebook)
    for number, cell in enumerate(template.cells, start=1):
        try:
            cell.source = template_source(cell)
        except MarkerError as exc:
            raise ReleaseError(exc.problem, notebook=name, cell=number, line=exc.line) from None
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return template
