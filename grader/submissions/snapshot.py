"""What a student handed in, read once, without following a link, into a folder of the
grader's own: the grade is of those bytes, whatever the student's folder holds a moment later.

A submissions folder can change while a class is graded (a student who can still write to it,
a sync that is not finished): a notebook swapped for another between the digest of the run's
plan and the grading, or an `assignments` folder swapped for a link to the solutions, would be
graded as read then, through the link, while the record named what was read before. So the
batch reads each graded notebook once, lays it out here (grader/submissions/submitted.py:
a link stays a link to nothing, a pipe a pipe), grades this copy, and records the digest of
these very bytes; a cluster task carries the same reading to its worker.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.course.matching import files_in
from grader.submissions.students import Student
from grader.submissions.submitted import SubmittedNotebook, lay_out, student_notebook


@dataclass(frozen=True)
class Snapshot:
    student: Student  # the student, their notebooks in the grader's folder
    read: dict[str, SubmittedNotebook]  # assignment (02_x.ipynb) -> what was read for it
    folder: Path  # the grader's folder, removed by `remove`

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def read_submission(student: Student, notebooks: Sequence[str],
                    course_notebooks: Sequence[str]) -> dict[str, SubmittedNotebook]:
    """Assignment -> the student's notebook graded as it, read now (each under the name it
    was handed in as: `02_x (1).ipynb` is 02_x.ipynb, grader/course/matching.py)."""
    files = {} if student.link else files_in(student.notebooks, course_notebooks)
    return {name: student_notebook(student, files.get(name, name)) for name in notebooks}


def take_snapshot(student: Student, notebooks: Sequence[str],
                  course_notebooks: Sequence[str]) -> Snapshot:
    """The student's graded notebooks, read now and laid out in a new folder of the grader's
    (no kernel reads it: the sandbox hides the folder above the notebooks it grades)."""
    read = read_submission(student, notebooks, course_notebooks)
    folder = Path(tempfile.mkdtemp(prefix="grader-submitted-"))
    inner = folder / "student"  # any name: messages name the notebook, never its folder
    inner.mkdir()
    for found in read.values():
        if not (inner / found.name).exists() and not (inner / found.name).is_symlink():
            lay_out(found, inner)
    return Snapshot(Student(student.name, inner), read, folder)
