"""What a TA should look at in a submission besides its grade: a link anywhere in the student's
folder (never followed; a notebook that is one is not graded), a notebook that is the same file
as a classmate's or as the reference solution (two names of one file, a hard link: same device
and inode), and a folder whose name looks like a classmate's (`Alice`, `alice`, `alice` with a
zero-width space: the gradebook and an LMS could take one for the other).

Flags are facts of what was submitted, so they are part of a student's inputs (inputs.py):
a classmate who hands in a hard link to your notebook later flags, and regrades, you too.
They are looked for across the whole class, whatever shard grades whom.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from grader.course.matching import files_in
from grader.reports.sanitize import one_line
from grader.submissions.students import Student
from grader.submissions.submitted import FILE, LINK, link_message, student_notebook
from grader.submissions.unfollowed import CUT, walk

SOLUTION = "the reference solution"
NOT_LOOKED_INTO = (".git",)  # a cloned repository's own store: no submission in it


def link_reason(student: Student) -> str:
    """The reason a student whose folder (or its `assignments`) is a link has no grade."""
    return link_message(one_line(student.link))


def class_flags(students: list[Student], notebooks: list[str], solutions: Path,
                course_notebooks: Sequence[str] = ()) -> dict[str, list[str]]:
    """Student name -> what to look at in their submission (empty: nothing). `notebooks`:
    those graded; `course_notebooks`: every graded notebook of the course, which decide which
    file of a folder is which (`02_x (1).ipynb` is 02_x.ipynb: grader/course/matching.py)."""
    flags: dict[str, list[str]] = {student.name: [] for student in students}
    owners: dict[tuple[int, int], list[tuple[str, str]]] = {}  # file -> (owner, notebook)
    for student in students:
        if student.link:
            flags[student.name].append(link_reason(student))
            continue
        files = files_in(student.notebooks, course_notebooks or notebooks)
        for name in notebooks:
            file = files.get(name, name)
            found = student_notebook(student, file, read=False)
            if found.kind == LINK:
                flags[student.name].append(link_message(one_line(found.link)))
            elif found.kind == FILE and found.identity and found.identity[2] > 1:
                owners.setdefault(found.identity[:2], []).append((student.name, file))
        flags[student.name] += _links_inside(student, flags[student.name])
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
    for name, others in _look_alike(students).items():
        named = ", ".join(f"`{one_line(other)}`" for other in others)
        flags[name].append(f"its folder's name looks like {named}, another student's: "
                              "check which submission is whose")
    return flags


def _links_inside(student: Student, already: list[str]) -> list[str]:
    """Every other link in the student's folder, at any depth (none is followed: a link
    could lead to anyone's files), named from the student's folder."""
    found: list[str] = []
    for where, item in walk(student.folder, skip=NOT_LOOKED_INTO):
        if item.kind == CUT:
            found.append(f"the folder holds more files or deeper folders than the grader looks "
                         f"through: not looked at past `{one_line(where)}`")
        elif item.kind == LINK and link_message(one_line(where)) not in [*already, *found]:
            found.append(link_message(one_line(where)))
    return found


def _look_alike(students: list[Student]) -> dict[str, list[str]]:
    """Student -> the others whose folder names read the same once case, width, accents'
    encoding, invisible characters and runs of white space are set aside."""
    by_key: dict[str, list[str]] = {}
    for student in students:
        by_key.setdefault(_reading(student.folder.name), []).append(student.name)
    return {name: [other for other in names if other != name]
            for names in by_key.values() if len(names) > 1 for name in names}


def _reading(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)
    text = "".join(char for char in text if unicodedata.category(char)[0] != "C")
    return " ".join(text.casefold().split())


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
