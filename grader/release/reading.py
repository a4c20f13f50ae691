"""Read a solution notebook, refusing anything that would not give the same template twice."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import nbformat.reader
from nbformat import NotebookNode

from grader.course.template_error import ReleaseError


def read_solution(path: Path) -> NotebookNode:
    """Parse and validate one nbformat 4 notebook; raise ReleaseError saying what is wrong."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReleaseError(f"cannot be read as text: {exc}", notebook=name) from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReleaseError(f"is not valid JSON (column {exc.colno}: {exc.msg}). "
                           "Re-save it from Jupyter.", notebook=name, line=exc.lineno) from None
    _check_stable_ids(raw, name)
    try:
        notebook = nbformat.reader.reads(text)
        nbformat.validate(notebook)
    except Exception as exc:  # nbformat raises several types for malformed notebooks
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ReleaseError(f"is JSON but not a valid notebook ({reason})",
                           notebook=name) from None
    return notebook


def _check_stable_ids(raw: object, name: str) -> None:
    """nbformat invents random cell ids when they are missing: templates would never match."""
    if not isinstance(raw, dict) or raw.get("nbformat") != 4:
        raise ReleaseError("is not an nbformat 4 notebook. Open it in a recent Jupyter and "
                           "save it again.", notebook=name)
    if raw.get("nbformat_minor", 0) < 5:
        return  # before 4.5, cells have no ids and none are invented
    for number, cell in enumerate(raw.get("cells", []), start=1):
        if isinstance(cell, dict) and "id" not in cell:
            raise ReleaseError("has no cell id, so each release would invent a new one. "
                               "Open the notebook in Jupyter and save it again.",
                               notebook=name, cell=number)
