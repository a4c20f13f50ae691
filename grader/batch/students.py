"""Find the students in a submissions folder, and where each one's notebooks are."""

from __future__ import annotations

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
        students.append(Student(folder.name, inner if inner.is_dir() else folder))
    return students
