"""Grade one student in a child process with a time budget: their record, or a kit failure.

Processes are started and polled from the main thread (no thread pool): the Linux
parent-death signal set in the child is tied to the thread that started it.

The grading process writes the student's files (results.json, summary.md, pytest.log) in their
folder; the record (`grade.json`) is the class run's to write, last (grader/records.py).
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.course import Course
from grader.executors.inputs import notebook_digests
from grader.executors.protocol import KitFailure
from grader.plugin.own_process import PLUGIN_ARGS, pytest_environment
from grader.plugin.progress import PROGRESS_ENV
from grader.plugin.score_reporter import KIT_ERROR_FILE, NOT_GRADED_FILE
from grader.preforked.forked_pytest import Starter
from grader.processes import wait_for_any
from grader.records import RECORD, StudentRecord, student_folder
from grader.sandbox.cgroups import owner_of, remove_student
from grader.sandbox.policy import MODE_ENV
from grader.settings import pytest_arguments
from grader.similarity.saved import save_own_code
from grader.submissions.snapshot import Snapshot, take_snapshot
from grader.submissions.students import Student

# pytest's log capture: it adds and removes a handler on every logger at each phase of each
# test (a tenth of a grading process's own CPU), for logs the records never show.
LEAN = ("-p", "no:logging")
PROGRESS_FILE = "progress"  # the notebook being graded, written by the grading process


@dataclass(frozen=True)
class BatchSettings:
    course: Course
    out: Path
    solutions: Path
    values: dict[str, Any]  # every setting, resolved (grader/settings.py)
    cache: Path
    assignments: tuple[str, ...] = ()  # only these (names without .ipynb); empty: all
    # Warm: grading processes forked from the batch, kernels from one shared fork server.
    # Cold: a fresh `python -m pytest` per student, every kernel started from scratch.
    warm: bool = True

    @property
    def budget(self) -> float:
        """Seconds for one student, all notebooks."""
        return float(self.values["budget"])

    def notebooks(self) -> list[str]:
        """The notebooks graded: those named with --assignment, else every one with tests."""
        named = [f"{name.removesuffix('.ipynb')}.ipynb" for name in self.assignments]
        return named or self.course.graded_notebooks()

    def folder(self, student: Student) -> Path:
        return student_folder(self.out, student.name)


class GradingRun:
    """One student's grading process, started now; `poll()` until it returns the outcome.

    A run that hit an error of the kit (kit-error.txt, pytest exit status 3) ends in a
    `KitFailure`: the student is not graded, rather than given points that depend on the kit.
    `budget`: seconds before it is stopped and recorded as such; None: no limit."""

    def __init__(self, settings: BatchSettings, student: Student, start: Starter,
                 budget: float | None, folder: Path | None = None) -> None:
        self.settings = settings
        self.student = student
        self.budget = budget
        self.folder = folder or settings.folder(student)
        # A student of a class folder is graded from a copy of their notebooks read now (a
        # folder swapped meanwhile for a link, or a notebook for another, changes nothing);
        # the record holds the digests of those bytes.
        self._snapshot: Snapshot | None = None
        self.notebooks_read: dict[str, str] = {}
        if student.root is not None:
            self._snapshot = take_snapshot(student, settings.notebooks(),
                                           settings.course.graded_notebooks())
            self.notebooks_read = notebook_digests(self._snapshot.read)
            student = self._snapshot.student
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in ("results.json", "summary.md", RECORD, KIT_ERROR_FILE, NOT_GRADED_FILE):
            (self.folder / stale).unlink(missing_ok=True)
        save_student_code(settings, student, self.folder)
        self.started = time.monotonic()
        self._log = open(self.folder / "pytest.log", "w", encoding="utf-8")  # noqa: SIM115
        (self.folder / PROGRESS_FILE).unlink(missing_ok=True)
        env = {**pytest_environment(), PROGRESS_ENV: str(self.folder / PROGRESS_FILE),
               MODE_ENV: settings.values["sandbox"]}  # a cluster worker's daemon: per mode
        self.process = start(_pytest_args(settings, student, self.folder),
                             str(settings.course.root), self._log, env, settings.warm)
        # Its kernels' groups (a CPU share and a memory cap for all of them together) are
        # named after it; they go with it, whatever ends it (grader/sandbox/cgroups.py).
        pid = self.process.pid
        self._owner = owner_of(pid) if sys.platform == "linux" and pid is not None else None

    def poll(self) -> StudentRecord | KitFailure | None:
        """The outcome once grading ended (or ran out of time), else None."""
        code = self.process.poll()
        if code is None:
            if self.budget is None or time.monotonic() - self.started <= self.budget:
                return None
            self.stop()
            return self._finish(f"grading took longer than the budget of "
                                f"{self.budget:.0f} s and was stopped")
        kit_error = self.folder / KIT_ERROR_FILE
        if self.process.lost:  # whoever forked it (the daemon) went away
            kit_error.write_text("the grading daemon stopped before the grading process "
                                 "ended", encoding="utf-8")
        if kit_error.exists():
            self._release()
            return KitFailure(self.student.name, "not graded: an error of the grader, not of "
                              f"the notebook: {kit_error.read_text(encoding='utf-8')}")
        not_graded = self.folder / NOT_GRADED_FILE
        if not_graded.exists():  # this student alone: the class goes on, the next run retries
            return self._finish(f"not graded: {not_graded.read_text(encoding='utf-8')}",
                                retry=True)
        reason = None if code in (0, 1) else f"grading failed (pytest exit code {code})"
        return self._finish(reason)

    @property
    def elapsed(self) -> float:
        return round(time.monotonic() - self.started, 2)

    def notebook(self) -> str:
        """The notebook being graded now ("" before the first test)."""
        try:
            return (self.folder / PROGRESS_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    def wait(self, seconds: float) -> None:
        """Until the grading process ends, `seconds` at most."""
        wait_for_any([self.process], seconds)

    def stop(self) -> None:
        self.process.kill_group()
        self.process.wait()
        self._release()

    def _release(self) -> None:
        if self._snapshot is not None:
            self._snapshot.remove()
            self._snapshot = None
        if self._owner is not None:
            remove_student(self._owner)
            self._owner = None
        self._log.close()
        self.process.close()

    def _finish(self, reason: str | None, retry: bool = False) -> StudentRecord:
        self._release()
        results_file = self.folder / "results.json"
        results = None
        if reason is None:
            if results_file.exists():
                results = json.loads(results_file.read_text(encoding="utf-8"))
            else:
                reason = "grading stopped before writing results; see pytest.log"
        return StudentRecord(self.student.name, results, reason, self.elapsed, retry=retry,
                             notebooks_read=self.notebooks_read)


def save_student_code(settings: BatchSettings, student: Student, folder: Path) -> None:
    """The student's own code beside the record, for the similarity section of the TA's class
    report (grader/similarity/saved.py); no part of the grade. Read from the same files the
    grading reads, before the grading starts."""
    save_own_code(folder, student.notebooks, settings.solutions, settings.notebooks())


def _pytest_args(settings: BatchSettings, student: Student, folder: Path) -> list[str]:
    course = settings.course
    tests = [str(path) for name in settings.assignments
             for path in course.tests_for(f"{name.removesuffix('.ipynb')}.ipynb")]
    tests = tests or [str(course.tests)]
    return [
        *tests, "-q", *PLUGIN_ARGS, "-p", "no:cacheprovider", *LEAN,
        f"--rootdir={course.root}", f"--grader-notebooks={student.notebooks}",
        f"--grader-solutions={settings.solutions}", f"--grader-report={folder}",
        f"--grader-cache-dir={settings.cache}", *pytest_arguments(settings.values),
        *([] if settings.warm else ["--grader-cold-kernels"]),
    ]
