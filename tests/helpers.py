"""Build tiny notebooks in code, so each test shows the cells it runs."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def write_notebook(path: Path, *cell_sources: str, markdown_first: str | None = None) -> Path:
    """Write a notebook with one code cell per source (after an optional markdown cell)."""
    cells = [new_markdown_cell(markdown_first)] if markdown_first is not None else []
    cells += [new_code_cell(source) for source in cell_sources]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path
