"""A student's own code in one notebook: what they wrote in the template's blanks and in the
cells they added, without the code the template gave everyone.

The template is made from the solution (grader/course/template.py), so it is rebuilt here
from the solution notebook rather than read from the course's released copy. A student's cell
is matched to the template's cell by its cell id (students insert, delete and move cells, so
never by position); a cell whose id the template does not have (added, or pasted into a fresh
notebook, which invents new ids) is matched to the template cell it contains most of, if any,
else it is all the student's. Within a matched cell, the student's lines that a line diff does
not pair with the template's are theirs: the blanks they filled, and any given line they
changed.

Knows nothing of pytest, kernels or the batch: a notebook's JSON in, line ranges out.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import nbformat

from grader.course.markers import MarkerError
from grader.course.template import template_source

SOURCE_LIMIT = 200_000  # characters of one notebook's own code kept; a hostile paste is cut
CONTAINED = 0.5  # a cell without a known id is a template cell's when it holds half its lines


@dataclass(frozen=True)
class OwnCell:
    """One code cell of the student's notebook in which they wrote something."""

    number: int  # the code cell's number in the student's notebook, as Jupyter counts them
    source: str  # the cell's whole text (template lines included, for context)
    own: tuple[tuple[int, int], ...]  # the student's lines: (first, last), 1-based, inclusive
    added: bool  # no template cell matched: a cell of the student's own

    def own_lines(self) -> list[int]:
        return [line for first, last in self.own for line in range(first, last + 1)]


@dataclass(frozen=True)
class OwnCode:
    cells: tuple[OwnCell, ...]
    problem: str | None = None  # why there is no code (no notebook, not a notebook)

    @property
    def text(self) -> str:
        """The own lines alone, cell after cell (what the report shows)."""
        lines = []
        for cell in self.cells:
            source = cell.source.split("\n")
            lines += [source[n - 1] for n in cell.own_lines() if n <= len(source)]
        return "\n".join(lines)


def template_cells(solution: Mapping[str, Any]) -> dict[str, str]:
    """The template's code cells by id, from the solution notebook's JSON."""
    cells: dict[str, str] = {}
    for index, raw in enumerate(_cells(solution)):
        if raw.get("cell_type") != "code":
            continue
        cell = nbformat.from_dict({**raw, "source": _text(raw.get("source"))})
        try:
            text = template_source(cell)
        except MarkerError:  # `grader release` refuses it; here, the solution's text stands
            text = cell.source
        cells[str(raw.get("id") or f"#{index}")] = text
    return cells


def own_code(notebook: Mapping[str, Any], template: Mapping[str, str]) -> OwnCode:
    """The student's own code in `notebook` (its JSON), against the template's code cells."""
    cells: list[OwnCell] = []
    budget = SOURCE_LIMIT
    code_cells = [c for c in _cells(notebook) if c.get("cell_type") == "code"]
    for number, cell in enumerate(code_cells, start=1):
        source = _text(cell.get("source"))
        if budget <= 0:
            break
        source = source[:budget]
        given = template.get(str(cell.get("id"))) if cell.get("id") is not None else None
        if given is None:
            given = _containing(source, template)
        lines = _own_lines(source, given or "")
        if lines:
            budget -= len(source)
            cells.append(OwnCell(number, source, _ranges(lines), added=given is None))
    return OwnCode(tuple(cells))


def _own_lines(source: str, given: str) -> list[int]:
    """1-based numbers of the non-blank lines of `source` a diff does not pair with `given`."""
    mine = source.split("\n")
    theirs = [line.rstrip() for line in given.split("\n")] if given else []
    matcher = difflib.SequenceMatcher(None, theirs, [line.rstrip() for line in mine],
                                      autojunk=False)
    paired = {j for block in matcher.get_matching_blocks()
              for j in range(block.b, block.b + block.size)}
    return [j + 1 for j, line in enumerate(mine) if j not in paired and line.strip()]


def _containing(source: str, template: Mapping[str, str]) -> str | None:
    """The template cell whose lines `source` holds the most of, if it holds at least half."""
    mine = [line.rstrip() for line in source.split("\n")]
    best, best_share = None, 0.0
    for given in template.values():
        theirs = [line.rstrip() for line in given.split("\n") if line.strip()]
        if not theirs:
            continue
        matcher = difflib.SequenceMatcher(None, theirs, mine, autojunk=False)
        share = sum(b.size for b in matcher.get_matching_blocks()) / len(theirs)
        if share > best_share:
            best, best_share = given, share
    return best if best_share >= CONTAINED else None


def _ranges(lines: list[int]) -> tuple[tuple[int, int], ...]:
    ranges: list[list[int]] = []
    for line in lines:
        if ranges and ranges[-1][1] == line - 1:
            ranges[-1][1] = line
        else:
            ranges.append([line, line])
    return tuple((first, last) for first, last in ranges)


def _cells(notebook: Mapping[str, Any]) -> list[dict[str, Any]]:
    cells = notebook.get("cells") if isinstance(notebook, Mapping) else None
    return [c for c in cells if isinstance(c, dict)] if isinstance(cells, list) else []


def _text(source: object) -> str:
    """A cell's source: nbformat allows a string or a list of strings."""
    if isinstance(source, str):
        return source
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return ""
