"""Build tiny notebooks in code, so each test shows the cells it runs."""

from __future__ import annotations

import json
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


def template_with_first_cell(template: Path, source: str) -> str:
    """The JSON of `template` with its first code cell replaced by `source`."""
    notebook = json.loads(template.read_text(encoding="utf-8"))
    first_code = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    first_code["source"] = source
    return json.dumps(notebook)



def parent_of(pid: int | None) -> int:
    """The parent of a process, as /proc tells the grader (not as a sandboxed kernel sees it)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])
