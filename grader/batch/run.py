"""Grade every student: up to `jobs` at a time, resuming where an earlier run stopped.

First the reference solutions are graded like a student (preflight.py): a setup problem stops
the batch before anyone is recorded. An error of the kit while a student is graded stops the
batch too, that student unrecorded (the next run grades them): nobody gets points that depend
on the kit.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.batch.inputs import ClassInputs
from grader.batch.live_book import LiveBook
from grader.batch.one_student import BatchSettings, GradingRun, Starter
from grader.batch.plan import Plan, plan_class
from grader.batch.preflight import check_reference
from grader.batch.progress import Progress
from grader.batch.shards import Shard
from grader.batch.starter import grading_starter
from grader.errors import GraderError
from grader.preforked.forked_pytest import start_pytest
from grader.profiling import spans
from grader.profiling.class_profile import write_class_profile
from grader.settings import execution_settings
from grader.submissions.students import Student

TICK = 1.0  # seconds between two updates of the live progress line, at most
FIRST_STUDENT = "before the first student (from the command's start)"  # in OUT/profile.md


@dataclass(frozen=True)
class ClassRun:
    records: list[dict[str, Any]]  # every student of the run (of its shard) with a record
    graded: int  # students graded by this run (the others were kept from an earlier one)


def grade_class(submissions: Path, settings: BatchSettings, jobs: int = 0,
                force: bool = False, shard: Shard | None = None) -> ClassRun:
    started = time.monotonic()
    profile = spans.start() if settings.values.get("profile") else None
    with spans.span("planning (digests of the inputs)"):
        plan = plan_class(submissions, settings, assignments(settings), force, shard)
    students, todo = plan.students, list(plan.todo)
    jobs = jobs or os.cpu_count() or 1
    progress = Progress(len(students), len(students) - len(todo))
    plan.announce()
    start = grading_starter(settings) if todo else start_pytest
    if settings.warm and todo and start is start_pytest:
        from grader.preforked.warm_start import warm_start

        with spans.span("warm start (imports, fork server)"):
            warm_start(execution_settings(settings.values))
    if todo:
        _say_sandbox(settings, progress)
        with spans.span("reference check"):
            check_reference_once(settings, progress, plan.shared, start)
    running: list[GradingRun] = []
    graded: dict[Path, float] = {}  # report folder -> seconds, for the profile
    book = LiveBook(settings, students, _names(settings))
    try:
        _start_next(settings, plan, todo, running, jobs, start)
        while running:
            with spans.span("waiting for the grading processes"):
                _wait_for_an_exit(running)
            finished = [(run, record) for run in running if (record := run.poll()) is not None]
            for run, record in finished:
                running.remove(run)
                graded[run.folder] = float(record["seconds"])
            broken = next((record for _, record in finished if record.get("kit_error")), None)
            if broken is not None:
                _stop(running, progress)
                raise GraderError(f"grading stopped while grading {broken['student']} "
                                  f"({broken['reason']}). Students graded so far are kept: fix "
                                  "the cause and run the same command again")
            _start_next(settings, plan, todo, running, jobs, start)  # the next, then the book
            for run, record in finished:
                progress.advance(run.student.name, summary(record))
                with spans.span("gradebook writing"):
                    book.finished(run.student, record)
            progress.running([(run.student.name, run.notebook(), run.elapsed)
                              for run in running])
    except KeyboardInterrupt:
        _stop(running, progress)
        print(f"\ninterrupted: {progress.done} of {len(students)} students graded and kept; "
              "run the same command again to grade the rest", file=sys.stderr)
        raise
    progress.running([])
    with spans.span("gradebook writing"):
        records = book.write_from_files()
    if profile is not None:
        spans.stop()
        write_class_profile(settings.out, graded, profile, time.monotonic() - started)
    return ClassRun(records, len(plan.todo))


def assignments(settings: BatchSettings) -> list[str]:
    """The notebooks graded: those named with --assignment, else every one with tests."""
    named = [f"{name.removesuffix('.ipynb')}.ipynb" for name in settings.assignments]
    return named or settings.course.graded_notebooks()


def check_reference_once(settings: BatchSettings, progress: Progress,
                         shared: ClassInputs | None = None,
                         start: Starter = start_pytest) -> None:
    def starting(unchecked: list[str]) -> None:
        which = "" if len(unchecked) == len(assignments(settings)) else \
            f" of {', '.join(Path(name).stem for name in unchecked)}"
        progress.note(f"checking the reference solutions{which} (they must pass their own "
                      "tests)")

    seconds, unchanged = check_reference(settings, assignments(settings), shared, starting,
                                         start)
    total = len(assignments(settings))
    if unchanged == total:
        progress.note("the reference solutions passed their tests before, with the same "
                      "solutions, tests, kit and settings: not checked again")
        return
    again = f"; {unchanged} unchanged since they passed, not checked again" if unchanged else ""
    progress.note(f"the reference solutions pass their tests ({seconds:.1f} s{again})")


def _start_next(settings: BatchSettings, plan: Plan, todo: list[Student],
                running: list[GradingRun], jobs: int, start: Starter) -> None:
    while todo and len(running) < jobs:
        student = todo.pop(0)
        profile = spans.current()
        if profile is not None and FIRST_STUDENT not in profile.marks:
            profile.marks[FIRST_STUDENT] = spans.seconds_since_process_start()
        with spans.span("starting grading processes"):
            running.append(GradingRun(settings, student, inputs=plan.inputs[student.name],
                                      start=start))


def _wait_for_an_exit(running: list[GradingRun]) -> None:
    if len(running) == 1:
        running[0].wait(TICK)
        return
    import select

    exits = [run.exit_fd for run in running if run.exit_fd is not None]
    select.select(exits, [], [], TICK if len(exits) == len(running) else 0.2)


def _stop(running: list[GradingRun], progress: Progress) -> None:
    for run in running:
        run.stop()
    progress.running([])


def write_book(settings: BatchSettings, students: list[Student]) -> list[dict[str, Any]]:
    """The book of every finished student's record on disk; those records."""
    return LiveBook(settings, students, _names(settings)).write_from_files()


def _say_sandbox(settings: BatchSettings, progress: Progress) -> None:
    """The sandbox every student's kernels get, and why a layer is missing (once, here: the
    gradebook's sandbox column and each results.json record it too)."""
    from grader.execution.kernel_spec import sandbox_policy
    from grader.sandbox import describe_sandbox

    policy = sandbox_policy(execution_settings(settings.values))
    progress.note(f"grader: {describe_sandbox(policy)}")


def _names(settings: BatchSettings) -> tuple[str, ...]:
    return tuple(Path(name).stem for name in assignments(settings))


def summary(record: dict[str, Any]) -> str:
    if record["reason"]:
        return f"not graded: {record['reason']}"
    tests = record["results"]["tests"]
    possible = sum(t["max_score"] for t in tests)
    return f"{record['results']['score']:g}/{possible:g} in {record['seconds']:.1f} s"
