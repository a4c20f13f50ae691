"""Cut the solution regions out of one cell's text. Knows nothing of notebooks.

A region starts at a line that reads exactly `### BEGIN SOLUTION` and ends at a line that
reads exactly `### END SOLUTION`, once surrounding whitespace is stripped (case-sensitive,
as nbgrader's ClearSolutions). The whole region, markers included, becomes the stub,
indented like the BEGIN line.
"""

from __future__ import annotations

from dataclasses import dataclass

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
TEXT_STUB = ("YOUR ANSWER HERE",)


class MarkerError(ValueError):
    """The markers of one cell do not pair up. `line` is 1-based within the cell."""

    def __init__(self, line: int, problem: str) -> None:
        self.line = line
        self.problem = problem
        super().__init__(f"line {line}: {problem}")


@dataclass(frozen=True)
class Cleared:
    source: str
    regions: int  # how many BEGIN/END regions were replaced


def clear_regions(source: str, stub: tuple[str, ...]) -> Cleared:
    """Replace every BEGIN/END region of `source` by `stub`; raise MarkerError if unpaired."""
    kept: list[str] = []
    opened_at: int | None = None  # line of the BEGIN of the region we are in
    regions = 0
    for number, line in enumerate(source.split("\n"), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if opened_at is not None:
                raise MarkerError(number, f"`{BEGIN}` inside the region opened on line "
                                          f"{opened_at}: regions cannot nest. "
                                          f"Close the first one with `{END}`.")
            opened_at, regions = number, regions + 1
            indent = line[: len(line) - len(line.lstrip())]
            kept.extend(indent + stub_line for stub_line in stub)
        elif marker == END:
            if opened_at is None:
                raise MarkerError(number, f"`{END}` without a `{BEGIN}` above it. "
                                          "Add the BEGIN marker or delete this line.")
            opened_at = None
        elif opened_at is None:
            kept.append(line)
    if opened_at is not None:
        raise MarkerError(opened_at, f"`{BEGIN}` is never closed. "
                                     f"Add `{END}` after the solution.")
    return Cleared("\n".join(kept), regions)
