"""What the class run asks of an executor, and what an executor tells whoever watches.

An executor grades students and hands back their outcomes; it never plans, never writes a
record, never calls back into the class run (grader/batch/run.py), which does all of that once
whichever executor the command chose.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Protocol

from grader.executors.inputs import ClassInputs
from grader.preforked.forked_pytest import Starter
from grader.records import StudentRecord
from grader.submissions.students import Student


@dataclass(frozen=True)
class KitFailure:
    """A student whose grading hit an error of the kit (of its setup, of a worker): the class
    run stops and records nothing for them (the next run grades them), rather than giving
    points that depend on the kit."""

    student: str
    reason: str  # "not graded: an error of the grader ...": what the run's stop quotes


class Observer(Protocol):
    """Whoever watches a class being graded (grader/batch/progress.py)."""

    def note(self, text: str) -> None:
        """A line about the run (where it grades, what it checked)."""

    def running(self, runs: list[tuple[str, str, float]]) -> None:
        """(student, notebook, seconds) of the students being graded now; [] when none."""


class Executor(Protocol):
    """Grades a class's students: on this machine (grader/executors/local.py) or on a Dask
    cluster (grader/cluster/client.py)."""

    def prepare(self, observer: Observer) -> Starter:
        """Get ready to grade, before the class run checks the reference solutions on this
        machine; returns how that check's grading process is started."""

    def grade(self, students: list[Student], shared: ClassInputs, observer: Observer
              ) -> Generator[StudentRecord | KitFailure, None, None]:
        """Grade `students`, yielding each one's outcome as it arrives. When a record is
        yielded the student's files (results.json, summary.md, pytest.log, own-code.json) are
        in their folder under OUT, and no stale record is there: the record is the caller's
        to write, with its inputs. Closing the iterator stops every grading still running."""
