"""Code that only works on the notebook's own data: a row count typed in (`/ 3`, `reshape(3,
1)`, `torch.ones(100)`), or read from the notebook's data inside a function (`len(X_train)`).

The grader calls functions with inputs of other sizes than the notebook's; a value that is
exactly the right one scaled by (rows given) / (rows of the notebook's data), or an error that
quotes the notebook's row count, is named as such, with the place it comes from.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from grader.checks.causes import Suspect
from grader.errors import Cause, CodeRaised, Feedback


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
                    _scaled(expected, rows, k), rtol=1e-4, atol=1e-7)
            for k in dict.fromkeys(notebook_rows) if k not in (rows, 0)]


def _scaled(expected: Any, rows: int, k: int) -> Callable[[], Any]:
    return lambda: expected * rows / k


def place_of(submission: Any, function: str, number: int) -> str:
    """`, in `f` (code cell 4: `loss = r.T @ r / 3`)`: where `function` is defined and, if one
    line of it holds `number` as a literal of its own, that line. Empty if the grader cannot
    tell (the reference has no cells to point at)."""
    diagnosis = getattr(submission, "diagnosis", None)
    if diagnosis is None:
        return ""
    cells = diagnosis.defining_cells(function)
    if not cells:
        return ""
    cell = cells[-1]
    position = next(i for i, c in enumerate(diagnosis.result.cells, 1) if c is cell)
    line = typed_line(function_source(cell.source, function), number)
    return f", in `{function}` (code cell {position}{f': `{line}`' if line else ''})"


def function_source(source: str, function: str) -> str:
    """The source of `def function` in a cell (the whole cell if it cannot be parsed)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    lines = source.splitlines()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == function:
            return "\n".join(lines[node.lineno - 1:node.end_lineno])
    return source


def typed_line(source: str, number: int) -> str | None:
    """The one line of code that holds `number` as a literal of its own, if exactly one does."""
    literal = re.compile(rf"(?<![\w.]){number}(?:\.0*)?(?![\w.])")
    lines = [line.strip() for line in source.splitlines()
             if literal.search(line.split("#", 1)[0])]
    return lines[0] if len(lines) == 1 else None


def mentions_rows(error_message: str, notebook_rows: Sequence[int], rows: int) -> int | None:
    """The notebook's row count, if an error raised on `rows` rows quotes it: "shape '[3, 1]'
    is invalid for input of size 4", "(4x1 and 3x1)"."""
    numbers = {int(n) for n in re.findall(r"\d+", error_message)}
    return next((k for k in notebook_rows if k != rows and k in numbers), None)


T = TypeVar("T")


def sized_call(call: Callable[[], T], rows: int, notebook_rows: Sequence[int], function: str,
               submission: Any, at_notebook_size: Callable[[], object] | None = None) -> T:
    """`call()` (the grader's call of `function` on data of `rows` rows). If the student's code
    raises an error that quotes the notebook's row count, and runs on data of the notebook's
    own size (`at_notebook_size`, when given), the message says the code only works there."""
    try:
        return call()
    except CodeRaised as raised:
        count = mentions_rows(raised.error_message, notebook_rows, rows)
        if count is None:
            raise
        if at_notebook_size is not None:
            try:
                at_notebook_size()
            except Feedback:
                raise raised from None  # it fails on the notebook's size too
        raise Feedback(
            f"{raised} The error quotes {count}, the number of rows of the notebook's data, "
            f"and the grader's data had {rows}: it works only on data of the notebook's size, "
            f"with the row count typed in{place_of(submission, function, count)}."
            " Use the size of the data it receives: len(x), x.shape[0], or -1 in reshape.",
            cause=Cause.ROWS_TYPED_IN) from None
