"""What a TA should look at in a submission besides its grade: a link (never followed, not
graded) and a notebook that is the same file as a classmate's or as the reference solution
(two names of one file, a hard link: same device and inode).

Flags are facts of what was submitted, so they are part of a student's inputs (inputs.py):
a classmate who hands in a hard link to your notebook later flags, and regrades, you too.
They are looked for across the whole class, whatever shard grades whom.
"""

from __future__ import annotations

import os
from pathlib import Path

from grader.reports.sanitize import one_line
from grader.submissions.students import Student
from grader.submissions.submitted import FILE, LINK, link_message, student_notebook

SOLUTION = "the reference solution"


def link_reason(student: Student) -> str:
    """The reason a student whose folder (or its `assignments`) is a link has no grade."""
    return link_message(one_line(student.link))


def class_flags(students: list[Student], notebooks: list[str], solutions: Path
                ) -> dict[str, list[str]]:
    """Student name -> what to look at in their submission (empty: nothing)."""
    flags: dict[str, list[str]] = {student.name: [] for student in students}
    owners: dict[tuple[int, int], list[tuple[str, str]]] = {}  # file -> (owner, notebook)
    for student in students:
        if student.link:
            flags[student.name].append(link_reason(student))
            continue
        for name in notebooks:
            found = student_notebook(student, name, read=False)
            if found.kind == LINK:
                flags[student.name].append(link_message(one_line(found.link)))
            elif found.kind == FILE and found.identity and found.identity[2] > 1:
                owners.setdefault(found.identity[:2], []).append((student.name, name))
    for name in notebooks:
        with_solution = owners.get(_identity(solutions / name) or (-1, -1))
        if with_solution:
            with_solution.append((SOLUTION, name))
    for same in owners.values():
        for owner, notebook in same:
            if owner == SOLUTION:
                continue
            others = [_whose(other, name) for other, name in same if (other, name) !=
                      (owner, notebook)]
            if others:
                flags[owner].append(f"`{notebook}` is the same file as {', '.join(others)} (a "
                                    "hard link): graded, but look at where it came from")
    return flags


def _whose(owner: str, notebook: str) -> str:
    if owner == SOLUTION:
        return f"{SOLUTION} `{notebook}`"
    return f"{one_line(owner)}'s `{notebook}`"


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino
