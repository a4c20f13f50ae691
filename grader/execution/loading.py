"""Read a notebook file and say in plain words why it cannot be graded, if it cannot."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat import NotebookNode

NOTEBOOK_LIMIT = 50 * 1024 * 1024  # bytes; the course's notebooks are a few kilobytes
CELL_LIMIT = 10_000  # cells; the course's notebooks have a few dozen (each costs the grader)


class UnreadableNotebook(Exception):
    """The file is missing, not JSON, or not a valid notebook. The message is for the student."""


def load_notebook(path: Path, within: Path | None = None) -> NotebookNode:
    """The notebook at `path`; with `within` (a student's folder), only if it really lies
    there: a link to a file elsewhere (the solutions, a classmate's notebook) is refused."""
    if within is not None and not path.resolve().is_relative_to(within.resolve()):
        raise UnreadableNotebook(
            f"{path.name} is a link to a file outside your submission: submit the notebook "
            "itself, not a link to one")
    if not path.exists():
        raise UnreadableNotebook(f"the notebook {path.name} was not found in {path.parent}")
    if path.is_dir():
        raise UnreadableNotebook(f"{path.name} is a folder, not a notebook file")
    if not path.is_file():  # a FIFO would block the grader's read forever, a device not end
        raise UnreadableNotebook(f"{path.name} is not a regular file (a pipe, a socket or a "
                                 "device): submit the notebook file itself")
    if path.stat().st_size > NOTEBOOK_LIMIT:
        raise _too_big(path.name, path.stat().st_size)
    try:
        with path.open("rb") as handle:  # at most the limit, even if the file grows meanwhile
            data = handle.read(NOTEBOOK_LIMIT + 1)
        if len(data) > NOTEBOOK_LIMIT:
            raise _too_big(path.name, len(data))
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableNotebook(f"{path.name} could not be read as text: {exc}") from None
    if not text.strip():
        raise UnreadableNotebook(f"{path.name} is an empty file, not a notebook")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableNotebook(
            f"{path.name} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). "
            "Was it edited outside Jupyter, or saved half-way? Re-save it from Jupyter."
        ) from None
    except RecursionError:  # [[[[...]]]] nested deeper than Python's parser goes
        raise UnreadableNotebook(
            f"{path.name} is JSON nested far deeper than a notebook: re-save it from Jupyter"
        ) from None
    cells = raw.get("cells") if isinstance(raw, dict) else None
    if isinstance(cells, list) and len(cells) > CELL_LIMIT:
        raise UnreadableNotebook(
            f"{path.name} has {len(cells)} cells, more than the grader runs ({CELL_LIMIT}): "
            "merge them, or remove what the assignment does not ask for")
    try:
        notebook = nbformat.reads(json.dumps(raw), as_version=4)
        nbformat.validate(notebook)
    except Exception as exc:  # nbformat raises several types for malformed notebooks
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UnreadableNotebook(
            f"{path.name} is JSON but not a valid Jupyter notebook ({reason})"
        ) from None
    if not any(cell.cell_type == "code" for cell in notebook.cells):
        raise UnreadableNotebook(f"{path.name} has no code cells: there is nothing to run")
    return notebook


def _too_big(name: str, size: int) -> UnreadableNotebook:
    return UnreadableNotebook(
        f"{name} is {size / 2**20:.0f} MB, more than the grader reads "
        f"({NOTEBOOK_LIMIT / 2**20:.0f} MB): clear its outputs (Edit > Clear Outputs of "
        "All Cells), save, and submit it again")
