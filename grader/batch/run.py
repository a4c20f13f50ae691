"""Grade every student: up to `jobs` at a time, resuming where an earlier run stopped."""

from __future__ import annotations

import os
import select
import sys
import time
from pathlib import Path
from typing import Any

from grader.batch.gradebook import write_gradebook
from grader.batch.one_student import BatchSettings, GradingRun, is_done, read_record
from grader.batch.progress import Progress
from grader.batch.students import Student, find_students

POLL_SECONDS = 0.2  # at most: a student's exit wakes the batch at once


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
    running: list[GradingRun] = []
    try:
        _start_next(settings, todo, running, jobs)
        while running:
            _wait_for_an_exit(running)
            finished = [(run, record) for run in running if (record := run.poll()) is not None]
            for run, _ in finished:
                running.remove(run)
            _start_next(settings, todo, running, jobs)  # the next students first, the book after
            for run, record in finished:
                progress.advance(run.student.name, _summary(record))
            if finished:
                _write_book(settings, students)
    except KeyboardInterrupt:
        for run in running:
            run.stop()
        print(f"\ninterrupted: {progress.done} of {len(students)} students graded and kept; "
              "run the same command again to grade the rest", file=sys.stderr)
        raise
    return _write_book(settings, students)


def _start_next(settings: BatchSettings, todo: list[Student], running: list[GradingRun],
                jobs: int) -> None:
    while todo and len(running) < jobs:
        running.append(GradingRun(settings, todo.pop(0)))


def _wait_for_an_exit(running: list[GradingRun]) -> None:
    exits = [run.exit_fd for run in running if run.exit_fd is not None]
    if len(exits) == len(running):
        select.select(exits, [], [], POLL_SECONDS)
    else:
        time.sleep(POLL_SECONDS)


def _write_book(settings: BatchSettings, students: list[Student]) -> list[dict[str, Any]]:
    records = [read_record(settings, s) for s in students if is_done(settings, s)]
    write_gradebook(records, settings.out / "gradebook.csv")
    return records


def _summary(record: dict[str, Any]) -> str:
    if record["reason"]:
        return f"0 points: {record['reason']}"
    tests = record["results"]["tests"]
    possible = sum(t["max_score"] for t in tests)
    return f"{record['results']['score']:g}/{possible:g} in {record['seconds']:.1f} s"
