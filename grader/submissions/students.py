"""Find the students in a submissions folder, and where each one's notebooks are.

Nothing below the submissions folder is followed if it is a link: a student folder that is a
link (to a classmate's folder, to the solutions), or whose `assignments` is one, is a student
whose submission is not graded, and the record says which part is a link.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

INNER = "assignments"  # a cloned repository's notebooks folder


@dataclass(frozen=True)
class Student:
    name: str
    notebooks: Path  # the folder holding the student's .ipynb files
    root: Path | None = None  # the submissions folder: every level below it is the student's
    link: str = ""  # the part of the student's folder that is a link: nothing is graded


def find_students(submissions: Path) -> list[Student]:
    """One student per sub-folder: the notebooks directly, or a cloned repo with assignments/.
    A sub-folder that is a link to a folder is a student too, never graded."""
    students = []
    with os.scandir(submissions) as entries:
        folders = sorted((e.name, e.is_symlink()) for e in entries
                         if not e.name.startswith(".") and e.is_dir(follow_symlinks=True))
    for name, is_link in folders:
        folder = submissions / name
        shown = student_name(folder)
        if is_link:
            students.append(Student(shown, folder, submissions, link=shown))
            continue
        inner = folder / INNER
        try:
            kind = os.lstat(inner)
        except FileNotFoundError:
            students.append(Student(shown, folder, submissions))
            continue
        if stat.S_ISLNK(kind.st_mode):
            students.append(Student(shown, folder, submissions, link=INNER))
        elif stat.S_ISDIR(kind.st_mode):
            students.append(Student(shown, inner, submissions))
        else:
            students.append(Student(shown, folder, submissions))
    return students


def student_name(folder: Path) -> str:
    """The folder's name as text that any file can hold: bytes that are not UTF-8 (a name
    from an archive) are written `\\xNN`, never kept as surrogates that no UTF-8 file, CSV
    or terminal can write (the batch stopped at the gradebook)."""
    return os.fsencode(folder.name).decode("utf-8", errors="backslashreplace")
