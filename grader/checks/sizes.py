"""Code that only works on the notebook's own data: a row count typed in (`/ 3`, `reshape(3,
1)`, `torch.ones(100)`), or read from the notebook's data inside a function (`len(X_train)`).

The grader calls functions with inputs of other sizes than the notebook's; a value that is
exactly the right one scaled by (rows given) / (rows of the notebook's data), or an error that
quotes the notebook's row count, is named as such, with the place it comes from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from grader.checks.causes import Suspect
from grader.errors import Cause


def scales_with_rows(expected: Any, rows: int, notebook_rows: Sequence[int], what: str,
                     fix: str, where: str = "") -> list[Suspect]:
    """Suspects for a mean computed over the notebook's row count k instead of the `rows` it
    was given: `expected * rows / k`. `what`: the quantity ("the mean squared error");
    `fix`: how to divide by the right count; `where`: the place, as `place_of` gives it."""
    return [Suspect(Cause.ROWS_TYPED_IN,
                    f"It scales with the number of rows: on these {rows} rows it is {rows}/{k} "
                    f"of {what}, as if divided by {k}, the number of rows of the notebook's "
                    f"data, instead of by the {rows} rows it is given{where}. Divide by the "
                    f"number of rows of the data it receives ({fix}): the grader calls it on "
                    "data of other sizes.",
                    lambda k=k: expected * rows / k, rtol=1e-4, atol=1e-7)
            for k in dict.fromkeys(notebook_rows) if k not in (rows, 0)]


def place_of(submission: Any, function: str, number: int) -> str:
    """`, in `f` (code cell 4: `loss = r.T @ r / 3`)`: where `function` is defined and, if one
    line of it holds `number` on its own, that line. Empty if the grader cannot tell."""
    diagnosis = getattr(submission, "diagnosis", None)
    cells = diagnosis.defining_cells(function) if diagnosis is not None else []
    if not cells:
        return ""
    cell = cells[-1]
    line = typed_line(cell.source, number)
    quoted = f": `{line}`" if line else ""
    return f", in `{function}` (code cell {_position(diagnosis, cell)}{quoted})"


def typed_line(source: str, number: int) -> str | None:
    """The one line of code that holds `number` as a literal of its own, if exactly one does."""
    literal = re.compile(rf"(?<![\w.]){number}(?:\.0*)?(?![\w.])")
    lines = [line.strip() for line in source.splitlines()
             if literal.search(line.split("#", 1)[0])]
    return lines[0] if len(lines) == 1 else None


def mentions_rows(error_message: str, notebook_rows: Sequence[int], rows: int) -> int | None:
    """The notebook's row count, if an error raised on `rows` rows quotes it (and not `rows`
    alone): "shape '[3, 1]' is invalid for input of size 4"."""
    numbers = {int(n) for n in re.findall(r"(?<![\w.])(\d+)(?![\w.])", error_message)}
    return next((k for k in notebook_rows if k != rows and k in numbers), None)


def _position(diagnosis: Any, cell: Any) -> int:
    return next(i for i, c in enumerate(diagnosis.result.cells, 1) if c is cell)
