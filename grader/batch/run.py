"""Grade every student: up to `jobs` at a time, resuming where an earlier run stopped.

First the reference solutions are graded like a student (preflight.py): a setup problem stops
the batch before anyone is recorded. An error of the kit while a student is graded stops the
batch too, that student unrecorded (the next run grades them): nobody gets points that depend
on the kit.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from grader.batch.gradebook import write_gradebook
from grader.batch.one_student import BatchSettings, GradingRun, is_done, read_record
from grader.batch.preflight import check_reference
from grader.batch.progress import Progress
from grader.batch.students import Student, find_students
from grader.errors import GraderError

TICK = 1.0  # seconds between two updates of the live progress line, at most


def grade_class(submissions: Path, settings: BatchSettings, jobs: int = 0,
                force: bool = False) -> list[dict[str, Any]]:
    students = find_students(submissions)
    jobs = jobs or os.cpu_count() or 1
    todo = [s for s in students if force or not is_done(settings, s)]
    progress = Progress(len(students), len(students) - len(todo))
    if len(todo) < len(students):
        print(f"resuming: {len(students) - len(todo)} of {len(students)} students already "
              "graded (--force regrades them)", file=sys.stderr)
    if settings.warm and todo:
        from grader.preforked.warm_start import warm_start

        warm_start()
    if todo:
        progress.note("checking the reference solutions (they must pass their own tests)")
        seconds = check_reference(settings, _assignments(settings))
        progress.note(f"the reference solutions pass their tests ({seconds:.1f} s)")
    running: list[GradingRun] = []
    try:
        _start_next(settings, todo, running, jobs)
        while running:
            _wait_for_an_exit(running)
            finished = [(run, record) for run in running if (record := run.poll()) is not None]
            for run, _ in finished:
                running.remove(run)
            broken = next((record for _, record in finished if record.get("kit_error")), None)
            if broken is not None:
                _stop(running, progress)
                raise GraderError(f"grading stopped while grading {broken['student']} "
                                  f"({broken['reason']}). Students graded so far are kept: fix "
                                  "the cause and run the same command again")
            _start_next(settings, todo, running, jobs)  # the next students first, the book after
            for run, record in finished:
                progress.advance(run.student.name, _summary(record))
            if finished:
                _write_book(settings, students)
            progress.running([(run.student.name, run.notebook(), run.elapsed)
                              for run in running])
    except KeyboardInterrupt:
        _stop(running, progress)
        print(f"\ninterrupted: {progress.done} of {len(students)} students graded and kept; "
              "run the same command again to grade the rest", file=sys.stderr)
        raise
    progress.running([])
    return _write_book(settings, students)


def _assignments(settings: BatchSettings) -> list[str]:
    named = [f"{name.removesuffix('.ipynb')}.ipynb" for name in settings.assignments]
    return named or settings.course.graded_notebooks()


def _start_next(settings: BatchSettings, todo: list[Student], running: list[GradingRun],
                jobs: int) -> None:
    while todo and len(running) < jobs:
        running.append(GradingRun(settings, todo.pop(0)))


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


def _write_book(settings: BatchSettings, students: list[Student]) -> list[dict[str, Any]]:
    records = [read_record(settings, s) for s in students if is_done(settings, s)]
    assignments = tuple(Path(name).stem for name in _assignments(settings))
    write_gradebook(records, settings.out / "gradebook.csv", assignments)
    return records


def _summary(record: dict[str, Any]) -> str:
    if record["reason"]:
        return f"not graded: {record['reason']}"
    tests = record["results"]["tests"]
    possible = sum(t["max_score"] for t in tests)
    return f"{record['results']['score']:g}/{possible:g} in {record['seconds']:.1f} s"
