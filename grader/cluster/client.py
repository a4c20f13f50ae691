"""The TA's side of `grader grade --scheduler`: the Dask executor, one task per student to
grade, each student's files laid out in their folder as soon as its task returns.

A kill of this process, of a worker or of the scheduler loses nothing that finished: the class
run writes every record as it arrives, and the same command resumes. A worker that dies has
its task run again elsewhere (attempts.py); an error of the kit on a worker, or a worker whose
course or kit is not this one's, is a kit failure, which stops the run as it stops a local one.
"""

from __future__ import annotations

import dataclasses
import socket
import uuid
from collections.abc import Generator
from types import ModuleType
from typing import Any

from grader.cluster.attempts import killed_workers_record
from grader.cluster.job import ReferenceAnswers, from_wire, make_job, pass_answers
from grader.cluster.worker import grade_on_worker
from grader.errors import GraderError, UserError
from grader.executors.inputs import ClassInputs, notebook_digests
from grader.executors.one_student import BatchSettings
from grader.executors.protocol import KitFailure, Observer
from grader.preforked.forked_pytest import Starter, start_pytest
from grader.records import RECORD, StudentRecord
from grader.submissions.students import Student

CONNECT_TIMEOUT = "30s"  # to reach the scheduler


class DaskExecutor:
    def __init__(self, settings: BatchSettings, scheduler: str) -> None:
        self.settings = settings
        self.scheduler = scheduler
        self.distributed = _distributed()  # missing: said before anything is planned
        self._read: dict[str, dict[str, str]] = {}  # student -> notebook digests, as sent

    def prepare(self, observer: Observer) -> Starter:
        """The scheduler answers (said at once, before the reference check); the reference
        check forks from here, so this process's imports and fork server come first, before
        the Dask client's threads exist."""
        _check_reachable(self.scheduler)
        if self.settings.warm:
            from grader.preforked.warm_start import warm_start
            from grader.settings import execution_settings

            warm_start(execution_settings(self.settings.values))
        return start_pytest

    def grade(self, students: list[Student], shared: ClassInputs, observer: Observer
              ) -> Generator[StudentRecord | KitFailure, None, None]:
        try:
            client = self.distributed.Client(self.scheduler, timeout=CONNECT_TIMEOUT)
        except OSError as exc:
            raise UserError(f"could not reach the Dask scheduler at {self.scheduler}: "
                            f"{exc}") from None
        with client:
            observer.note(f"grading {len(students)} students on {self.scheduler} "
                          f"({len(client.scheduler_info()['workers'])} workers now)")
            tasks = self._submit(client, students, shared)
            try:
                for task in self.distributed.as_completed(list(tasks)):
                    student = tasks.pop(task)
                    outcome, files = _outcome(task, student, self.distributed)
                    task.release()  # done: a worker's death must not make it again
                    if isinstance(outcome, StudentRecord):
                        _lay_out(self.settings, student, files)
                        outcome = dataclasses.replace(
                            outcome, notebooks_read=self._read.pop(student.name, {}))
                    yield outcome
            except GeneratorExit:  # the class run stopped (a kit failure): grade nobody else
                client.cancel(list(tasks))
                raise

    def _submit(self, client: Any, students: list[Student], shared: ClassInputs
                ) -> dict[Any, Student]:
        """A task per student, and the reference answers once: task -> its student."""
        run = uuid.uuid4().hex[:12]
        # A task, not scattered data: the scheduler keeps it in the graph and makes it again
        # if every worker holding it dies. Each worker fetches it once.
        answers = client.submit(pass_answers, ReferenceAnswers.read(self.settings.cache),
                                key=f"torch-grader-{run}-answers", pure=False)
        notebooks = self.settings.notebooks()
        # A job carries the notebooks as read now: its record holds their digests (as_read).
        jobs = [make_job(run, student, self.settings, notebooks, shared.course_part)
                for student in students]
        self._read = {job.student: notebook_digests(dict(zip(notebooks, job.notebooks,
                                                             strict=True)))
                      for job in jobs}
        return {client.submit(grade_on_worker, job, answers,
                              key=f"torch-grader-{run}-{index}", pure=False): student
                for index, (job, student) in enumerate(zip(jobs, students, strict=True))}


def _outcome(task: Any, student: Student, distributed: ModuleType
             ) -> tuple[StudentRecord | KitFailure, dict[str, bytes]]:
    from distributed.scheduler import KilledWorker

    try:
        return from_wire(task.result())
    except KilledWorker:  # the scheduler gave up first (its allowed-failures is below ours)
        return killed_workers_record(student.name), {}
    except (distributed.client.FutureCancelledError, OSError) as exc:
        raise GraderError(f"lost the Dask scheduler or this run's tasks while grading "
                          f"{student.name} ({type(exc).__name__}: {exc}). Students graded so "
                          "far are kept: run the same command again to grade the rest") from None
    except Exception as exc:  # the task itself failed on the worker (not the student's notebook)
        raise GraderError(f"the cluster task of {student.name} failed ({type(exc).__name__}: "
                          f"{exc}). Students graded so far are kept: fix the cause and run the "
                          "same command again") from None


def _lay_out(settings: BatchSettings, student: Student, files: dict[str, bytes]) -> None:
    """The student's files as a local run leaves them; no record until the class run writes
    it (a stale one goes first: it must not stand for these files)."""
    folder = settings.folder(student)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RECORD).unlink(missing_ok=True)
    for stale in folder.iterdir():
        if stale.is_file() and stale.name not in files:
            stale.unlink()
    for name, content in files.items():
        temporary = folder / f"{name}.tmp"
        temporary.write_bytes(content)
        temporary.replace(folder / name)


def _check_reachable(scheduler: str) -> None:
    """A plain connection to a tcp:// scheduler (no thread: the reference check forks next)."""
    scheme, _, rest = scheduler.rpartition("://")
    host, _, port = rest.rpartition(":")
    if scheme not in ("", "tcp") or not port.isdigit():
        return  # another transport: the Dask client says what is wrong, if anything
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=10).close()
    except OSError as exc:
        raise UserError(f"could not reach the Dask scheduler at {scheduler} ({exc}): start it "
                        "(`dask scheduler`) or give its address, tcp://HOST:PORT") from None


def _distributed() -> ModuleType:
    try:
        import distributed
    except ImportError:
        raise UserError("grading on a Dask cluster needs Dask's distributed: pip install "
                        "'torch-grader[dask]' (here and on every worker)") from None
    return distributed
