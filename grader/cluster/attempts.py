"""A task whose worker died is tried once more, elsewhere; a third start means the student's
grading has killed two workers: they are recorded as such, and the class goes on.

Dask itself reschedules a task whose worker died, up to the scheduler's `allowed-failures`
(default 3) before failing it with KilledWorker, which the client records the same way. The
count lives on the scheduler (its metadata), per run and student, and counts the starts that
did not finish: a task that finished on a worker that died before its result was fetched (a
classmate's grading killed it) runs again without counting against the student.
"""

from __future__ import annotations

from grader.cluster.job import GradingJob
from grader.records import StudentRecord

MAX_ATTEMPTS = 2  # the first, and one more after a worker died


def count_attempt(job: GradingJob) -> int | None:
    """This start's number (earlier starts that did not finish, plus one), or None past
    MAX_ATTEMPTS."""
    from distributed import get_client

    client = get_client()
    attempt = int(client.get_metadata(_key(job), 0)) + 1
    client.set_metadata(_key(job), attempt)
    return attempt if attempt <= MAX_ATTEMPTS else None


def count_finished(job: GradingJob, attempt: int) -> None:
    """This start finished: it no longer counts as one that died."""
    from distributed import get_client

    get_client().set_metadata(_key(job), attempt - 1)


def _key(job: GradingJob) -> list[str]:
    return ["torch-grader", job.run, job.student]


def killed_workers_reason() -> str:
    return (f"not graded: the grading of this student stopped {MAX_ATTEMPTS} cluster workers "
            "(each died while grading it), so it was not tried again; see the workers' logs")


def killed_workers_record(student: str) -> StudentRecord:
    """The record of a student whose grading killed MAX_ATTEMPTS workers: no grade."""
    return StudentRecord(student, results=None, reason=killed_workers_reason(), seconds=0.0)
