"""A student's notebook as the grader will find it: its bytes, or why there are none.

The grade of a notebook depends only on what `load_notebook` reads at
`STUDENT/NAME.ipynb` (the kernel sees no other file of the student's), so this is what the
digest of a submission covers and what a cluster task carries to a worker, which lays it out
again so that the grader reads the same thing there (grader/cluster/job.py). Nothing is read
through a link (unfollowed.py): a notebook that is a link, or lies below one, is LINK.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from grader.execution.loading import NOTEBOOK_LIMIT
from grader.submissions.students import Student
from grader.submissions.unfollowed import ABSENT, FILE, FOLDER, LINK, SPECIAL, look

__all__ = ["ABSENT", "FILE", "FOLDER", "LINK", "SPECIAL", "SubmittedNotebook", "lay_out",
           "link_message", "student_notebook", "submitted_notebook"]


@dataclass(frozen=True)
class SubmittedNotebook:
    name: str  # e.g. 01_tensors_and_loss.ipynb
    kind: str  # FILE, ABSENT, FOLDER, SPECIAL or LINK
    content: bytes = b""
    link: str = ""  # for a LINK: the part of the student's path that is a link
    # (st_dev, st_ino, st_nlink) of a FILE where it was read: hard links are flagged (links.py)
    identity: tuple[int, int, int] | None = field(default=None, compare=False)


def submitted_notebook(folder: Path, name: str) -> SubmittedNotebook:
    """`folder/name`, `name` looked at without following a link (`folder` is the TA's)."""
    return _read(folder, name, name)


def student_notebook(student: Student, name: str, read: bool = True) -> SubmittedNotebook:
    """A student's notebook, every level below the submissions folder looked at without
    following a link: their folder, `assignments/`, the notebook (`read=False`: what it is,
    not its bytes). A link is named from the student's folder (`assignments/01_x.ipynb`)."""
    if student.link:  # their folder, or its assignments/, is a link: nothing below is read
        return SubmittedNotebook(name, LINK, link=student.link)
    if student.root is None:
        return _read(student.notebooks, name, name, read)
    relative = (student.notebooks / name).relative_to(student.root)
    found = _read(student.root, relative.as_posix(), name, read)
    own = found.link.partition("/")[2]  # below the student's own folder
    return dataclasses.replace(found, link=own) if own else found


def _read(root: Path, relative: str, name: str, read: bool = True) -> SubmittedNotebook:
    # past the limit, the loader reads no further either
    found = look(root, relative, read=NOTEBOOK_LIMIT + 1 if read else None)
    return SubmittedNotebook(name, found.kind, found.content, found.where, found.identity)


def link_message(where: str) -> str:
    """What a student is told of a link in their submission."""
    return (f"`{where}` is a link: not graded. The grader never follows a link (it could "
            "lead to anyone's files): submit the files themselves")


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
    elif notebook.kind == LINK:  # a link to nothing: refused as a link, as it was
        path.symlink_to(f"{notebook.name}.link")
    assert notebook.kind in (FILE, FOLDER, SPECIAL, LINK, ABSENT), notebook.kind
