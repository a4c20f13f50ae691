"""Collects every test report (also from xdist workers) and prints the grade at the end."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from grader.course import CourseNotFound
from grader.execution.kernel_spec import sandbox_policy
from grader.plugin.options import course_of, session_config
from grader.plugin.results_file import write_results
from grader.plugin.scoring import ScoreBoard
from grader.sandbox import record

HIDDEN_MANIFEST = "hidden_tests.json"  # in a student kit's tests folder: what it does not ship


def _hidden_manifest(config: pytest.Config) -> dict[str, dict[str, float]]:
    try:
        manifest = course_of(config).tests / HIDDEN_MANIFEST
    except CourseNotFound:
        return {}
    return json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}


class ScoreReporter:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.board = ScoreBoard(shipped_without=_hidden_manifest(config))
        self.started = time.monotonic()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.board.record(report)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if hasattr(self.config, "workerinput"):
            return
        lines = self.board.lines()
        if lines:
            terminalreporter.write_sep("=", "grade")
            for line in lines:
                terminalreporter.write_line(line)

    def pytest_sessionfinish(self) -> None:
        folder = self.config.getoption("grader_report")
        if folder and not hasattr(self.config, "workerinput"):
            sandbox = record(sandbox_policy(session_config(self.config).settings))
            write_results(self.board, time.monotonic() - self.started, Path(folder), sandbox)
