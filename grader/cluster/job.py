"""What a cluster task carries: one student's notebooks, what the worker must check its course
and kit against, and the run's settings; and, once per worker, the reference answers.

Workers need the kit (the same version) and the course (its tests and solutions, byte for byte)
at the client's path, or at $GRADER_COURSE on the worker; they need no shared file system for
the submissions or the output: the notebooks travel with the task, the student's files come
back with its result, and the client writes them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.batch.inputs import student_files
from grader.batch.one_student import BatchSettings
from grader.submissions.students import Student
from grader.submissions.submitted import SubmittedNotebook, student_notebook


@dataclass(frozen=True)
class GradingJob:
    run: str  # this run's id: attempts are counted per run and student
    student: str
    notebooks: tuple[SubmittedNotebook, ...]
    course_root: str
    solutions: str
    assignments: tuple[str, ...]  # notebook names graded
    values: dict[str, Any]  # the run's settings, as the client resolved them
    warm: bool
    expected: dict[str, Any]  # ClassInputs.course_part: the kit, the tests, the reference


def make_job(run: str, student: Student, settings: BatchSettings, notebooks: list[str],
             expected: dict[str, Any]) -> GradingJob:
    # Each notebook travels under its own name (`02_x (1).ipynb`): the worker's grading run
    # matches it to its assignment as the local one does.
    files = student_files(student, tuple(settings.course.graded_notebooks()))
    return GradingJob(
        run=run, student=student.name,
        notebooks=tuple(student_notebook(student, files.get(name, name)) for name in notebooks),
        course_root=str(settings.course.root), solutions=str(settings.solutions),
        assignments=tuple(notebooks), values=settings.values, warm=settings.warm,
        expected=expected)


@dataclass(frozen=True)
class ReferenceAnswers:
    """The reference cache the client's preflight filled (OUT/reference-cache): sent to every
    worker once, so that no student's time budget pays for running the solutions there."""

    files: tuple[tuple[str, bytes], ...]  # path in the cache -> content
    digest: str

    @classmethod
    def read(cls, cache: Path) -> ReferenceAnswers:
        files = tuple((p.relative_to(cache).as_posix(), p.read_bytes())
                      for p in sorted(cache.rglob("*.json")) if p.is_file())
        digest = hashlib.sha256()
        for name, content in files:
            digest.update(name.encode() + b"\0" + content)
        return cls(files, digest.hexdigest())

    def write(self, cache: Path) -> None:
        """Into a worker's cache: answers are named by their key, so existing ones are kept."""
        for name, content in self.files:
            path = cache / name
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_suffix(".part")
                temporary.write_bytes(content)
                temporary.replace(path)


def pass_answers(answers: ReferenceAnswers) -> ReferenceAnswers:
    """The task that holds the answers on the cluster (recomputable, unlike scattered data)."""
    return answers
