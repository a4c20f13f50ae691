"""A student's notebook as the grader will find it: its bytes, or why there are none.

The grade of a notebook depends only on what `load_notebook` reads at
`STUDENT/NAME.ipynb` (the kernel sees no other file of the student's), so this is what the
digest of a submission covers and what a cluster task carries to a worker, which lays it out
again so that the grader reads the same thing there (grader/cluster/job.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from grader.execution.loading import NOTEBOOK_LIMIT

FILE, ABSENT, FOLDER, OUTSIDE = "file", "absent", "folder", "link-outside"
SPECIAL = "not-a-file"  # a FIFO, socket or device: never read (a FIFO would block forever)


@dataclass(frozen=True)
class SubmittedNotebook:
    name: str  # e.g. 01_tensors_and_loss.ipynb
    kind: str  # FILE, ABSENT, FOLDER, SPECIAL or OUTSIDE (a link out of the student's folder)
    content: bytes = b""


def submitted_notebook(folder: Path, name: str) -> SubmittedNotebook:
    path = folder / name
    if not path.resolve().is_relative_to(folder.resolve()):
        return SubmittedNotebook(name, OUTSIDE)
    if path.is_dir():
        return SubmittedNotebook(name, FOLDER)
    if path.exists() and not path.is_file():
        return SubmittedNotebook(name, SPECIAL)
    try:
        with path.open("rb") as handle:  # past the limit, the loader reads no further either
            return SubmittedNotebook(name, FILE, handle.read(NOTEBOOK_LIMIT + 1))
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
    elif notebook.kind == SPECIAL:
        os.mkfifo(path)
    elif notebook.kind == OUTSIDE:
        path.symlink_to(folder.parent / f"outside-{notebook.name}")  # refused, as it was
