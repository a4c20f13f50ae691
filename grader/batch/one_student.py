"""Grade one student in a child process with a time budget; always leave a finished record.

Processes are started and polled from the main thread (no thread pool): the Linux
parent-death signal set in the child is tied to the thread that started it.

The record (`grade.json`) is written atomically and last: a student whose record exists is
done, whatever happened to the batch afterwards (Ctrl-C, kill -9).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.batch.students import Student
from grader.selfcheck.locate import KIT_ROOT, graded_tests_for

RECORD = "grade.json"
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class BatchSettings:
    out: Path
    solutions: Path
    budget: float  # seconds for one student, all notebooks
    cache: Path
    assignments: tuple[str, ...] = ()  # only these (names without .ipynb); empty: all


def student_folder(settings: BatchSettings, student: Student) -> Path:
    return settings.out / "students" / student.name


def is_done(settings: BatchSettings, student: Student) -> bool:
    return (student_folder(settings, student) / RECORD).exists()


def read_record(settings: BatchSettings, student: Student) -> dict[str, Any]:
    return json.loads((student_folder(settings, student) / RECORD).read_text(encoding="utf-8"))


class GradingRun:
    """One student's grading process, started now; `poll()` until it returns the record."""

    def __init__(self, settings: BatchSettings, student: Student) -> None:
        self.settings = settings
        self.student = student
        self.folder = student_folder(settings, student)
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in ("results.json", "summary.md", RECORD):
            (self.folder / stale).unlink(missing_ok=True)
        self.started = time.monotonic()
        self._log = open(self.folder / "pytest.log", "w", encoding="utf-8")  # noqa: SIM115
        self.process = subprocess.Popen(
            _command(settings, student, self.folder), cwd=KIT_ROOT, stdout=self._log,
            stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent,
            env={k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")})

    def poll(self) -> dict[str, Any] | None:
        """The student's record once grading ended (or ran out of time), else None."""
        code = self.process.poll()
        if code is None:
            if time.monotonic() - self.started <= self.settings.budget:
                return None
            self.stop()
            return self._finish(f"grading took longer than the budget of "
                                f"{self.settings.budget:.0f} s and was stopped")
        reason = None if code in (0, 1) else f"grading failed (pytest exit code {code})"
        return self._finish(reason)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._log.close()

    def _finish(self, reason: str | None) -> dict[str, Any]:
        self._log.close()
        results_file = self.folder / "results.json"
        results = None
        if reason is None:
            if results_file.exists():
                results = json.loads(results_file.read_text(encoding="utf-8"))
            else:
                reason = "grading stopped before writing results; see pytest.log"
        record = {"student": self.student.name, "results": results, "reason": reason,
                  "seconds": round(time.monotonic() - self.started, 2)}
        _write_atomically(self.folder / RECORD, json.dumps(record, indent=2))
        return record


def _command(settings: BatchSettings, student: Student, folder: Path) -> list[str]:
    tests = [str(path) for name in settings.assignments
             for path in graded_tests_for(f"{name.removesuffix('.ipynb')}.ipynb")]
    tests = tests or [str(KIT_ROOT / "grader" / "assignments")]
    return [
        sys.executable, "-m", "pytest", *tests, "-q",
        "-p", "no:xdist", "-p", "no:cacheprovider", "-p", "no:randomly", f"--rootdir={KIT_ROOT}",
        f"--grader-notebooks={student.notebooks}", f"--grader-solutions={settings.solutions}",
        f"--grader-report={folder}", f"--grader-cache-dir={settings.cache}",
    ]


def _die_with_parent() -> None:
    """Linux: the child is killed if the batch process dies, even by kill -9."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6").prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
