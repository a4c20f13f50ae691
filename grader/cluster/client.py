"""The TA's side of `grader grade --scheduler`: one Dask task per student to grade, each
record written (atomically, as a local batch does) as soon as its task returns.

A kill of this process, of a worker or of the scheduler loses nothing that finished: every
record is on disk as it arrives, and the same command resumes. A worker that dies has its task
run again elsewhere (attempts.py); an error of the kit on a worker, or a worker whose course or
kit is not this one's, stops the run as it stops a local batch.
"""

from __future__ import annotations

import socket
import sys
import uuid
from pathlib import Path
from typing import Any

from grader.batch.inputs import as_read
from grader.batch.one_student import BatchSettings, student_folder, write_record
from grader.batch.plan import Plan, plan_class
from grader.batch.progress import Progress
from grader.batch.run import (
    ClassRun,
    assignments,
    check_reference_once,
    summary,
    write_book,
)
from grader.batch.shards import Shard
from grader.cluster.attempts import killed_workers_reason
from grader.cluster.job import ReferenceAnswers, make_job, pass_answers
from grader.cluster.worker import grade_on_worker
from grader.errors import GraderError, UserError
from grader.submissions.students import Student

CONNECT_TIMEOUT = "30s"  # to reach the scheduler


def grade_on_cluster(submissions: Path, settings: BatchSettings, scheduler: str,
                     force: bool = False, shard: Shard | None = None) -> ClassRun:
    distributed = _distributed()
    notebooks = assignments(settings)
    plan = plan_class(submissions, settings, notebooks, force, shard)
    progress = Progress(len(plan.students), len(plan.students) - len(plan.todo))
    plan.announce()
    if plan.todo:
        _check_reachable(scheduler)  # before the reference check: say so at once
        if settings.warm:  # the reference check is forked from here: before the client's threads
            from grader.preforked.warm_start import warm_start
            from grader.settings import execution_settings

            warm_start(execution_settings(settings.values))
        check_reference_once(settings, progress)
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        except OSError as exc:
            raise UserError(f"could not reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            progress.note(f"grading {len(plan.todo)} students on {scheduler} "
                          f"({len(client.scheduler_info()['workers'])} workers now)")
            try:
                _grade(client, distributed, plan, settings, notebooks, progress)
            except KeyboardInterrupt:
                print(f"\ninterrupted: {progress.done} of {len(plan.students)} students graded "
                      "and kept; run the same command again to grade the rest", file=sys.stderr)
                raise
    return ClassRun(write_book(settings, plan.students), len(plan.todo))


def _grade(client: Any, distributed: Any, plan: Plan, settings: BatchSettings,
           notebooks: list[str], progress: Progress) -> None:
    run = uuid.uuid4().hex[:12]
    # A task, not scattered data: the scheduler keeps it in the graph and makes it again if
    # every worker holding it dies. Each worker fetches it once.
    answers = client.submit(pass_answers, ReferenceAnswers.read(settings.cache),
                            key=f"torch-grader-{run}-answers", pure=False)
    expected = plan.shared.course_part
    # A job carries the notebooks as read now: the record holds their digest (as_read).
    jobs = {student.name: make_job(run, student, settings, notebooks, expected)
            for student in plan.todo}
    tasks = {client.submit(grade_on_worker, jobs[student.name], answers,
                           key=f"torch-grader-{run}-{index}", pure=False): student
             for index, student in enumerate(plan.todo)}
    for task in distributed.as_completed(list(tasks)):
        student = tasks.pop(task)
        outcome = _outcome(task, student, distributed)
        task.release()  # done: a worker's death must not make it again
        record = outcome["record"]
        if record.get("kit_error"):
            client.cancel(list(tasks))
            raise GraderError(f"grading stopped while grading {student.name} "
                              f"({record['reason']}). Students graded so far are kept: fix the "
                              "cause and run the same command again")
        job = jobs.pop(student.name)
        record["inputs"] = as_read(plan.inputs[student.name],
                                   dict(zip(notebooks, job.notebooks, strict=True)))
        _write_student(settings, student, record, outcome["files"])
        progress.advance(student.name, summary(record))
        write_book(settings, plan.students)


def _outcome(task: Any, student: Student, distributed: Any) -> dict[str, Any]:
    from distributed.scheduler import KilledWorker

    try:
        return task.result()
    except KilledWorker:  # the scheduler gave up first (its allowed-failures is below ours)
        return {"record": {"student": student.name, "results": None, "seconds": 0.0,
                           "reason": killed_workers_reason()}, "files": {}}
    except (distributed.client.FutureCancelledError, OSError) as exc:
        raise GraderError(f"lost the Dask scheduler or this run's tasks while grading "
                          f"{student.name} ({type(exc).__name__}: {exc}). Students graded so "
                          "far are kept: run the same command again to grade the rest") from None
    except Exception as exc:  # the task itself failed on the worker (not the student's notebook)
        raise GraderError(f"the cluster task of {student.name} failed ({type(exc).__name__}: "
                          f"{exc}). Students graded so far are kept: fix the cause and run the "
                          "same command again") from None


def _write_student(settings: BatchSettings, student: Student, record: dict[str, Any],
                   files: dict[str, bytes]) -> None:
    """The student's files as a local run leaves them, the record last."""
    folder = student_folder(settings, student)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "grade.json").unlink(missing_ok=True)
    for stale in folder.iterdir():
        if stale.is_file() and stale.name not in files:
            stale.unlink()
    for name, content in files.items():
        temporary = folder / f"{name}.tmp"
        temporary.write_bytes(content)
        temporary.replace(folder / name)
    write_record(folder, record)


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


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UserError("grading on a Dask cluster needs Dask's distributed: pip install "
                        "'torch-grader[dask]' (here and on every worker)") from None
    return distributed
