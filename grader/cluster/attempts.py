"""A task whose worker died is tried once more, elsewhere; a third start means the student's
grading has killed two workers: they are recorded as such, and the class goes on.

Dask itself reschedules a task whose worker died, up to the scheduler's `allowed-failures`
(default 3) before failing it with KilledWorker, which the client records the same way. The
count of starts lives on the scheduler (its metadata), per run and student.
"""

from __future__ import annotations

from grader.cluster.job import GradingJob
from grader.records import StudentRecord

MAX_ATTEMPTS = 2  # the first, and one more after a worker died


def count_attempt(job: GradingJob) -> int | None:
    """This start's number, or None past MAX_ATTEMPTS."""
    from distributed import get_client

    client = get_client()
    key = ["torch-grader", job.run, job.student]
    attempt = int(client.get_metadata(key, 0)) + 1
    client.set_metadata(key, attempt)
    return attempt if attempt <= MAX_ATTEMPTS else None


def killed_workers_reason() -> str:
    return (f"not graded: the grading of this student stopped {MAX_ATTEMPTS} cluster workers "
            "(each died while grading it), so it was not tried again; see the workers' logs")


def killed_workers_record(student: str) -> StudentRecord:
    """The record of a student whose grading killed MAX_ATTEMPTS workers: no grade."""
    return StudentRecord(student, results=None, reason=killed_workers_reason(), seconds=0.0)
