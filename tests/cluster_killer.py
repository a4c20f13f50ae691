"""Preloaded into the test's Dask workers (`dask worker --preload`): grading the student named
KILLER kills the worker process grading it, as a notebook that brought its machine down
would (the nanny starts a new worker each time)."""

from __future__ import annotations

import os
import signal

import grader.cluster.worker as worker

KILLER = "student_who_kills_workers"
_grade = getattr(worker, "_grade_unpatched", worker._grade)  # the preload may run twice
worker._grade_unpatched = _grade  # type: ignore[attr-defined]


def _grade_or_die(job, answers):  # type: ignore[no-untyped-def]
    if job.student == KILLER:
        os.kill(os.getpid(), signal.SIGKILL)
    return _grade(job, answers)


worker._grade = _grade_or_die
