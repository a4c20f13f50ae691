"""What a cluster task carries: one student's notebooks, what the worker must check its course
and kit against, and the run's settings; and, once per worker, the reference answers.

Workers need the kit (the same version) and the course (its tests and solutions, byte for byte)
at the client's path, or at $GRADER_COURSE on the worker; they need no shared file system for
the submissions or the output: the notebooks travel with the task, the student's files come
back with its result, and the client writes them.

A task's result is plain data (`to_wire`), as it was before records were typed: a worker with
another kit still reads as one (its error of the kit stops the run; its record is not trusted
as this kit's).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.executors.inputs import student_files
from grader.executors.one_student import BatchSettings
from grader.executors.protocol import KitFailure
from grader.records import StudentRecord
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


def to_wire(outcome: StudentRecord | KitFailure, files: dict[str, bytes]) -> dict[str, Any]:
    """What a task returns: {"record": the record as JSON data, with `kit_error` set on a
    kit failure, "files": {name: bytes} of the student's folder}."""
    if isinstance(outcome, KitFailure):
        return {"record": {"student": outcome.student, "results": None, "seconds": 0.0,
                           "reason": outcome.reason, "kit_error": True}, "files": {}}
    return {"record": outcome.to_dict(), "files": files}


def from_wire(result: dict[str, Any]) -> tuple[StudentRecord | KitFailure, dict[str, bytes]]:
    """A task's result as the client reads it (ValueError where it is not of that form)."""
    record = result["record"]
    if record.get("kit_error"):
        return KitFailure(str(record["student"]), str(record["reason"])), {}
    return StudentRecord.from_dict(record), dict(result["files"])
