"""Grade one student in a child process with a time budget; always leave a finished record.

Processes are started and polled from the main thread (no thread pool): the Linux
parent-death signal set in the child is tied to the thread that started it.

The record (`grade.json`) is written atomically and last: a student whose record exists is
done, whatever happened to the batch afterwards (Ctrl-C, kill -9).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from grader.batch.inputs import as_read
from grader.course import Course
from grader.plugin.own_process import PLUGIN_ARGS, pytest_environment
from grader.plugin.progress import PROGRESS_ENV
from grader.plugin.score_reporter import KIT_ERROR_FILE, NOT_GRADED_FILE
from grader.preforked.forked_pytest import start_pytest
from grader.sandbox.cgroups import owner_of, remove_student
from grader.sandbox.policy import MODE_ENV
from grader.settings import pytest_arguments
from grader.similarity.saved import save_own_code
from grader.submissions.snapshot import Snapshot, take_snapshot
from grader.submissions.students import Student

RECORD = "grade.json"
RETRY = "retry"  # in a record: not graded for a reason that may pass; the next run grades again
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


def student_folder(settings: BatchSettings, student: Student) -> Path:
    return settings.out / "students" / student.name


def is_done(settings: BatchSettings, student: Student) -> bool:
    return (student_folder(settings, student) / RECORD).exists()


def read_record(settings: BatchSettings, student: Student) -> dict[str, Any]:
    return json.loads((student_folder(settings, student) / RECORD).read_text(encoding="utf-8"))


def is_current(settings: BatchSettings, student: Student, digest: str) -> bool:
    """Graded already, from the same inputs (grader/batch/inputs.py); a student whose kernels
    could not start (RETRY) is graded again."""
    if not is_done(settings, student):
        return False
    try:
        record = read_record(settings, student)
    except (OSError, ValueError):
        return False  # a record this kit cannot read: grade again
    return not record.get(RETRY) and (record.get("inputs") or {}).get("digest") == digest


class GradingProcess(Protocol):
    """What a run needs of its grading process: a forked child, a Popen, or one the check
    daemon forked (grader/daemon/remote.py)."""

    pid: int

    def poll(self) -> int | None: ...

    def wait(self) -> int: ...


# How a run starts its grading process: (pytest args, cwd, log, env, fork) -> the process.
Starter = Callable[[list[str], str, IO[str], dict[str, str], bool], GradingProcess]


class GradingRun:
    """One student's grading process, started now; `poll()` until it returns the record.

    A run that hit an error of the kit (kit-error.txt, pytest exit status 3) returns a record
    with `kit_error` set, which is not written: the student is not graded, rather than given
    points that depend on the kit."""

    def __init__(self, settings: BatchSettings, student: Student,
                 budget: float | None = -1.0, folder: Path | None = None,
                 inputs: dict[str, Any] | None = None, start: Starter = start_pytest) -> None:
        self.settings = settings
        self.student = student
        # A student of a class folder is graded from a copy of their notebooks read now (a
        # folder swapped meanwhile for a link, or a notebook for another, changes nothing).
        self._snapshot: Snapshot | None = None
        if student.root is not None:
            self._snapshot = take_snapshot(student, graded_notebooks(settings),
                                           settings.course.graded_notebooks())
            student = self._snapshot.student
            if inputs is not None:
                inputs = as_read(inputs, self._snapshot.read)
        self.inputs = inputs  # what the grade is computed from, kept in the record
        self.budget = settings.budget if budget == -1.0 else budget  # None: no time limit
        self.folder = folder or student_folder(settings, student)
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
        self._owner = owner_of(self.process.pid) if sys.platform == "linux" else None
        # Readable once the process has exited: the batch sleeps on these instead of polling.
        own_fd = getattr(self.process, "exit_fd", None)
        self._owns_fd = own_fd is None
        self.exit_fd: int | None = own_fd if own_fd is not None else \
            os.pidfd_open(self.process.pid) if hasattr(os, "pidfd_open") else None

    def poll(self) -> dict[str, Any] | None:
        """The student's record once grading ended (or ran out of time), else None."""
        code = self.process.poll()
        if code is None:
            if self.budget is None or time.monotonic() - self.started <= self.budget:
                return None
            self.stop()
            return self._finish(f"grading took longer than the budget of "
                                f"{self.budget:.0f} s and was stopped")
        kit_error = self.folder / KIT_ERROR_FILE
        if getattr(self.process, "lost", False):  # the daemon that forked it went away
            kit_error.write_text("the grading daemon stopped before the grading process "
                                 "ended", encoding="utf-8")
        if kit_error.exists():
            self._release()
            return {"student": self.student.name, "results": None, "seconds": self.elapsed,
                    "reason": f"not graded: an error of the grader, not of the notebook: "
                              f"{kit_error.read_text(encoding='utf-8')}", "kit_error": True}
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
        if self.exit_fd is not None:
            select.select([self.exit_fd], [], [], seconds)
        else:
            time.sleep(seconds)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            if hasattr(self.process, "kill_group"):
                self.process.kill_group()
            elif hasattr(os, "killpg"):
                os.killpg(self.process.pid, signal.SIGKILL)  # its kernels too
            else:
                self.process.kill()  # type: ignore[attr-defined]
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
        if self.exit_fd is not None and self._owns_fd:
            os.close(self.exit_fd)
        self.exit_fd = None

    def _finish(self, reason: str | None, retry: bool = False) -> dict[str, Any]:
        self._release()
        results_file = self.folder / "results.json"
        results = None
        if reason is None:
            if results_file.exists():
                results = json.loads(results_file.read_text(encoding="utf-8"))
            else:
                reason = "grading stopped before writing results; see pytest.log"
        record = {"student": self.student.name, "results": results, "reason": reason,
                  "seconds": self.elapsed,
                  **({"inputs": self.inputs} if self.inputs is not None else {}),
                  **({RETRY: True} if retry else {})}
        write_record(self.folder, record)
        return record


def save_student_code(settings: BatchSettings, student: Student, folder: Path) -> None:
    """The student's own code beside the record, for the similarity section of the TA's class
    report (grader/similarity/saved.py); no part of the grade. Read from the same files the
    grading reads, before the grading starts."""
    names = [f"{name.removesuffix('.ipynb')}.ipynb" for name in settings.assignments]
    save_own_code(folder, student.notebooks, settings.solutions,
                  names or settings.course.graded_notebooks())


def graded_notebooks(settings: BatchSettings) -> list[str]:
    """The notebooks a run grades: those named with --assignment, else every one with tests."""
    named = [f"{name.removesuffix('.ipynb')}.ipynb" for name in settings.assignments]
    return named or settings.course.graded_notebooks()


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


def write_record(folder: Path, record: dict[str, Any]) -> None:
    _write_atomically(folder / RECORD, json.dumps(record, indent=2))


def record_ungraded(settings: BatchSettings, student: Student, reason: str,
                    inputs: dict[str, Any]) -> dict[str, Any]:
    """The record of a student there is nothing to grade of (their folder is a link), written
    without a grading process; files of an earlier grade go."""
    folder = student_folder(settings, student)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in ("results.json", "summary.md", "pytest.log", RECORD):
        (folder / stale).unlink(missing_ok=True)
    record = {"student": student.name, "results": None, "reason": reason, "seconds": 0.0,
              "inputs": inputs}
    write_record(folder, record)
    return record


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
