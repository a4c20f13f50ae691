"""The task a Dask worker runs for one student: grade them as a local batch would, and send
back the record and the student's files.

A Dask worker has threads, so it cannot fork grading processes itself: it asks this machine's
check daemon (grader/daemon/), a single-threaded process that imported pytest, torch and the
grader once, to fork one per task; the kernels come from the daemon's fork server. Every worker
process of a machine (of one user, kit and environment) shares that daemon, as the grading
processes of a local `-j N` batch share the batch process and its fork server.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from grader.cluster.attempts import count_attempt, count_finished, killed_workers_record
from grader.cluster.job import GradingJob, ReferenceAnswers, to_wire
from grader.course import COURSE_ENV
from grader.course.config import read_course
from grader.daemon.remote import start_in_daemon
from grader.executors.inputs import class_inputs
from grader.executors.one_student import BatchSettings, GradingRun
from grader.executors.protocol import KitFailure
from grader.submissions.students import Student
from grader.submissions.submitted import lay_out

WAIT = 1.0  # seconds between two looks at the grading process (it wakes up when it ends)


def grade_on_worker(job: GradingJob, answers: ReferenceAnswers) -> dict[str, Any]:
    """The student's record (or the kit's failure) and the files of their folder, as plain
    data (grader/cluster/job.py's `to_wire`)."""
    attempt = count_attempt(job)
    if attempt is None:
        return to_wire(killed_workers_record(job.student), {})
    try:
        graded = _grade(job, answers)
    except Exception as exc:  # an error of the kit on this worker: the client stops the batch
        return to_wire(KitFailure(job.student, f"not graded: an error of the grader on a "
                                               f"worker: {type(exc).__name__}: {exc}"), {})
    count_finished(job, attempt)
    return graded


class WorkerMismatch(Exception):
    """This worker's course or kit is not the client's: its grades could differ."""


def _grade(job: GradingJob, answers: ReferenceAnswers) -> dict[str, Any]:
    course_root, solutions = _course_paths(job)
    course = read_course(course_root)
    mine = class_inputs(course, solutions, list(job.assignments), job.values).course_part
    differing = [key for key in job.expected if job.expected[key] != mine.get(key)]
    if differing:
        raise WorkerMismatch(
            f"the worker's {' and '.join(differing)} "
            f"{'differs' if len(differing) == 1 else 'differ'} from the client's (course at "
            f"{course_root}): install the same kit and give every worker the same course, at "
            f"the client's path or at ${COURSE_ENV}")
    scratch = Path(tempfile.mkdtemp(prefix=f"{job.run}-", dir=_worker_folder()))
    try:
        cache = _worker_folder() / "reference-cache"
        answers.write(cache)
        submission = scratch / "submission" / "student"  # any name: messages never show it
        submission.mkdir(parents=True)
        for notebook in job.notebooks:
            lay_out(notebook, submission)
        settings = BatchSettings(course=course, out=scratch / "out", solutions=solutions,
                                 values=job.values, cache=cache,
                                 assignments=tuple(Path(n).stem for n in job.assignments),
                                 warm=job.warm)
        run = GradingRun(settings, Student(job.student, submission), start_in_daemon,
                         budget=settings.budget)
        while (outcome := run.poll()) is None:
            run.wait(WAIT)
        files = {path.name: path.read_bytes() for path in sorted(run.folder.iterdir())
                 if path.is_file()}
        return to_wire(outcome, files)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _course_paths(job: GradingJob) -> tuple[Path, Path]:
    """The course's folder and the solutions' on this worker: the client's, or $GRADER_COURSE
    (solutions inside the course then move with it)."""
    root, solutions = Path(job.course_root), Path(job.solutions)
    moved = os.environ.get(COURSE_ENV)
    if not moved:
        return root, solutions
    new_root = Path(moved).resolve()
    if solutions.is_relative_to(root):
        solutions = new_root / solutions.relative_to(root)
    return new_root, solutions


def _worker_folder() -> Path:
    folder = Path(tempfile.gettempdir()) / f"grader-worker-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder
