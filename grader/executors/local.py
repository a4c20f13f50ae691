"""The local executor: up to `jobs` students graded at once, each in a grading process of this
machine.

Grading processes are forked warm, from the machine's daemon or from the batch itself
(starter.py), or started fresh with --cold; their kernels come from one shared fork server.
The batch sleeps on the processes' exit fds (pidfds) rather than polling, shows who is being
graded on a live line, stops a student at the budget (recorded as such), and stops every
grading process at once when the run stops (an error of the kit, Ctrl-C): each dies with the
batch anyway, even by kill -9 (their parent-death signal).
"""

from __future__ import annotations

import os
from collections.abc import Generator

from grader.execution.kernel_spec import sandbox_policy
from grader.executors.inputs import ClassInputs
from grader.executors.one_student import BatchSettings, GradingRun
from grader.executors.protocol import KitFailure, Observer
from grader.executors.starter import grading_starter
from grader.preforked.forked_pytest import Starter, start_pytest
from grader.processes import wait_for_any
from grader.profiling import spans
from grader.records import StudentRecord
from grader.settings import execution_settings
from grader.submissions.students import Student

TICK = 1.0  # seconds between two updates of the live progress line, at most


class LocalExecutor:
    def __init__(self, settings: BatchSettings, jobs: int = 0) -> None:
        self.settings = settings
        self.jobs = jobs or os.cpu_count() or 1
        self.start: Starter = start_pytest

    def prepare(self, observer: Observer) -> Starter:
        """Find where grading processes come from (the daemon, started if needed, or this
        process: its imports and fork server are paid now); say which sandbox kernels get."""
        self.start = grading_starter(self.settings)
        if self.settings.warm and self.start is start_pytest:
            from grader.preforked.warm_start import warm_start

            with spans.span("warm start (imports, fork server)"):
                warm_start(execution_settings(self.settings.values))
        _say_sandbox(self.settings, observer)
        return self.start

    def grade(self, students: list[Student], shared: ClassInputs, observer: Observer
              ) -> Generator[StudentRecord | KitFailure, None, None]:
        todo = list(students)
        running: list[GradingRun] = []
        try:
            self._start_next(todo, running)
            while running:
                with spans.span("waiting for the grading processes"):
                    wait_for_any([run.process for run in running], TICK)
                finished = [(run, outcome) for run in running
                            if (outcome := run.poll()) is not None]
                for run, _ in finished:
                    running.remove(run)
                # Records first: those finished are kept even when a kit failure stops the run.
                yield from sorted((outcome for _, outcome in finished),
                                  key=lambda outcome: isinstance(outcome, KitFailure))
                self._start_next(todo, running)
                observer.running([(run.student.name, run.notebook(), run.elapsed)
                                  for run in running])
        finally:  # the run stopped (a kit failure, Ctrl-C) or ended: nothing goes on grading
            for run in running:
                run.stop()
            observer.running([])

    def _start_next(self, todo: list[Student], running: list[GradingRun]) -> None:
        while todo and len(running) < self.jobs:
            student = todo.pop(0)
            with spans.span("starting grading processes"):
                running.append(GradingRun(self.settings, student, self.start,
                                          budget=self.settings.budget))


def _say_sandbox(settings: BatchSettings, observer: Observer) -> None:
    """The sandbox every student's kernels get, and why a layer is missing (once, here: the
    gradebook's sandbox column and each results.json record it too)."""
    from grader.sandbox import describe_sandbox

    policy = sandbox_policy(execution_settings(settings.values))
    observer.note(f"grader: {describe_sandbox(policy)}")
