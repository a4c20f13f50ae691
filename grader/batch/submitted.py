"""A student's notebook as the grader will find it: its bytes, or why there are none.

The grade of a notebook depends only on what `load_notebook` reads at
`STUDENT/NAME.ipynb` (the kernel sees no other file of the student's), so this is what the
digest of a submission covers and what a cluster task carries to a worker, which lays it out
again so that the grader reads the same thing there (grader/cluster/job.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FILE, ABSENT, FOLDER, OUTSIDE = "file", "absent", "folder", "link-outside"


@dataclass(frozen=True)
class SubmittedNotebook:
    name: str  # e.g. 01_tensors_and_loss.ipynb
    kind: str  # FILE, ABSENT, FOLDER, or OUTSIDE (a link out of the student's folder: refused)
    content: bytes = b""


def submitted_notebook(folder: Path, name: str) -> SubmittedNotebook:
    path = folder / name
    if not path.resolve().is_relative_to(folder.resolve()):
        return SubmittedNotebook(name, OUTSIDE)
    if path.is_dir():
        return SubmittedNotebook(name, FOLDER)
    try:
        return SubmittedNotebook(name, FILE, path.read_bytes())
    except OSError:
        return SubmittedNotebook(name, ABSENT)


def lay_out(notebook: SubmittedNotebook, folder: Path) -> None:
    """Put `notebook` in `folder` so that the grader reads there what it read where it came
    from."""
    path = folder / notebook.name
    if notebook.kind == FILE:
        path.write_bytes(notebook.content)
    elif notebook.kind == FOLDER:
        path.mkdir()
    elif notebook.kind == OUTSIDE:
        path.symlink_to(folder.parent / f"outside-{notebook.name}")  # refused, as it was
