"""Find the students in a submissions folder, and where each one's notebooks are."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Student:
    name: str
    notebooks: Path  # the folder holding the student's .ipynb files


def find_students(submissions: Path) -> list[Student]:
    """One student per sub-folder: the notebooks directly, or a cloned repo with assignments/."""
    students = []
    for folder in sorted(p for p in submissions.iterdir() if p.is_dir()):
        if folder.name.startswith("."):
            continue
        inner = folder / "assignments"
        students.append(Student(student_name(folder), inner if inner.is_dir() else folder))
    return students


def student_name(folder: Path) -> str:
    """The folder's name as text that any file can hold: bytes that are not UTF-8 (a name
    from an archive) are written `\\xNN`, never kept as surrogates that no UTF-8 file, CSV
    or terminal can write (the batch stopped at the gradebook)."""
    return os.fsencode(folder.name).decode("utf-8", errors="backslashreplace")
