"""Each student's own code, saved beside their record at grading time
(OUT/students/NAME/own-code.json), so that `grader report OUT` compares the class from the
records alone, without the submissions folder or the solutions.

The batch saves it for every student it grades, and for the reference solutions it checks
first (OUT/reference-check/own-code.json): their own code is the text inside the solution
markers. The file is the TA's: it holds only its own student's code, and nothing of it goes
into results.json or summary.md.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from grader.similarity.own_code import OwnCell, OwnCode, own_code, template_cells
from grader.submissions.submitted import FILE, submitted_notebook

OWN_CODE = "own-code.json"
FORMAT = 1


def save_own_code(folder: Path, notebooks: Path, solutions: Path, names: list[str]) -> None:
    """Write FOLDER/own-code.json: the own code of each notebook NAME in `notebooks`."""
    assignments = {Path(name).stem: _extract(notebooks, solutions, name) for name in names}
    content = {"format": FORMAT, "assignments": {
        name: {"problem": code.problem,
               "cells": [{"number": c.number, "source": c.source, "own": c.own,
                          "added": c.added} for c in code.cells]}
        for name, code in assignments.items()}}
    temporary = folder / f".{OWN_CODE}.tmp"
    temporary.write_text(json.dumps(content), encoding="utf-8")
    os.replace(temporary, folder / OWN_CODE)


def read_own_code(folder: Path) -> dict[str, OwnCode] | None:
    """assignment -> own code, from FOLDER/own-code.json; None if there is none (graded by a
    kit before this one) or it cannot be read."""
    try:
        content = json.loads((folder / OWN_CODE).read_text(encoding="utf-8"))
        if content.get("format") != FORMAT:
            return None
        return {str(name): _read(part) for name, part in content["assignments"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


def _extract(notebooks: Path, solutions: Path, name: str) -> OwnCode:
    template = _template(solutions / name)
    if template is None:
        return OwnCode((), f"the reference solution {name} could not be read")
    submitted = submitted_notebook(notebooks, name)
    if submitted.kind != FILE:
        return OwnCode((), f"no notebook {name}")
    try:
        notebook = json.loads(submitted.content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return OwnCode((), f"{name} is not a notebook (not JSON)")
    if not isinstance(notebook, dict):
        return OwnCode((), f"{name} is not a notebook")
    return own_code(notebook, template)


def _template(path: Path) -> dict[str, str] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return _template_of(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _template_of(path: str, mtime_ns: int, size: int) -> dict[str, str] | None:
    """The template's cells of the solution at `path` as it is now (its time and size key the
    cache: a batch reads each solution once, not once per student)."""
    try:
        solution = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    return template_cells(solution) if isinstance(solution, dict) else None


def _read(part: dict[str, Any]) -> OwnCode:
    cells = tuple(OwnCell(int(c["number"]), str(c["source"]),
                          tuple((int(first), int(last)) for first, last in c["own"]),
                          bool(c["added"])) for c in part.get("cells", []))
    problem = part.get("problem")
    return OwnCode(cells, str(problem) if problem else None)
