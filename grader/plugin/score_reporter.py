"""Collects every test report (also from xdist workers) and prints the grade at the end."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from grader.course import CourseNotFound
from grader.errors import PartialCredit
from grader.execution.kernel_spec import sandbox_policy
from grader.execution.start import KERNEL_NOT_STARTED
from grader.grading.session import GradingSession
from grader.plugin.options import course_of, session_config
from grader.plugin.results_file import write_results
from grader.plugin.scoring import (
    CAUSE_KEY,
    FRACTION_KEY,
    KIT_ERROR_CAUSE,
    MESSAGE_KEY,
    ScoreBoard,
    text_property,
)
from grader.plugin.wrappers import Passed
from grader.sandbox import record

HIDDEN_MANIFEST = "hidden_tests.json"  # in a student kit's tests folder: what it does not ship


def _hidden_manifest(config: pytest.Config) -> dict[str, dict[str, float]]:
    try:
        manifest = course_of(config).tests / HIDDEN_MANIFEST
    except CourseNotFound:
        return {}
    return json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}


KIT_ERROR_FILE = "kit-error.txt"  # in the report folder, instead of results.json
NOT_GRADED_FILE = "not-graded.txt"  # instead of results.json: no kernel would start (load)
SESSION_KEY = pytest.StashKey[GradingSession]()  # this process's grading session, if any


class ScoreReporter:
    """The grade of the run. An error of the kit or its setup (GraderError) gives no grade at
    all: no score table, no results.json (kit-error.txt says why), pytest's exit status 3. A
    student is never given points that depend on a kit error."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.board = ScoreBoard(shipped_without=_hidden_manifest(config))
        self.started = time.monotonic()
        self.kit_error: str | None = None
        self.not_started: str | None = None  # no kernel would start: no grade, try later

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]
                                  ) -> Passed[pytest.TestReport]:
        """A check that gave partial credit: the share of the points it earns travels with
        the report (also from xdist workers), as data."""
        report: pytest.TestReport = yield
        excinfo = call.excinfo
        if excinfo is not None and report.failed and isinstance(excinfo.value, PartialCredit):
            report.user_properties.append((FRACTION_KEY, float(excinfo.value.fraction)))
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.board.record(report)
        properties = dict(report.user_properties)
        if report.failed and properties.get(CAUSE_KEY) == KIT_ERROR_CAUSE:
            self.kit_error = self.kit_error or text_property(properties.get(MESSAGE_KEY))
        if report.failed and properties.get(CAUSE_KEY) == KERNEL_NOT_STARTED:
            self.not_started = self.not_started or text_property(properties.get(MESSAGE_KEY))

    @property
    def no_grade(self) -> str | None:
        return self.kit_error or self.not_started

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if hasattr(self.config, "workerinput"):
            return
        if self.kit_error:
            terminalreporter.write_sep("=", "no grade: an error of the grader, not the notebook")
            terminalreporter.write_line(self.kit_error)
            return
        if self.not_started:
            terminalreporter.write_sep("=", "no grade: a kernel could not start")
            terminalreporter.write_line(self.not_started)
            return
        lines = self.board.lines()
        if lines:
            terminalreporter.write_sep("=", "grade")
            for line in lines:
                terminalreporter.write_line(line)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if hasattr(self.config, "workerinput"):
            return
        if self.no_grade:
            session.exitstatus = pytest.ExitCode.INTERNAL_ERROR
        folder = self.config.getoption("grader_report")
        if not folder:
            return
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in (KIT_ERROR_FILE, NOT_GRADED_FILE):
            (Path(folder) / stale).unlink(missing_ok=True)
        if self.no_grade:
            (Path(folder) / "results.json").unlink(missing_ok=True)
            which = KIT_ERROR_FILE if self.kit_error else NOT_GRADED_FILE
            (Path(folder) / which).write_text(self.no_grade, encoding="utf-8")
            return
        settings = session_config(self.config).settings
        sandbox = record(sandbox_policy(settings))
        session_ = self.config.stash.get(SESSION_KEY, None)
        extra: dict[str, object] = {"seed": settings.seed}
        if session_:
            extra["reference_runs"] = session_.reference_runs
        write_results(self.board, time.monotonic() - self.started, Path(folder), sandbox, extra)
