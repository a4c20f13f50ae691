"""--grader-profile: where a grading run's time went, per notebook, in REPORT/profile.json.

Registered only when profiling (grader/settings.py's `profile`). Its hooks open a span around
pytest's own phases (collection, each test's protocol, fixtures, test bodies, the session's
end); the grading code opens the others (kernel start, cells, probes, ...:
grader/profiling/spans.py). Spans are exclusive, so the phases add up to the process's time.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from grader.plugin.scoring import ASSIGNMENT_KEY
from grader.plugin.wrappers import Passed
from grader.profiling import spans
from grader.profiling.breakdown import PROFILE_FILE

PROCESS_START = "grading process start"  # from the process's creation to pytest's configure
PYTEST_OWN = "pytest's own work"  # what no other span took: pytest's machinery, per test too


class ProfilePlugin:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.profile = spans.start()
        self.started = time.perf_counter() - spans.seconds_since_process_start()
        self.profile.add(PROCESS_START, time.perf_counter() - self.started)
        self._root = contextlib.ExitStack()
        self._root.enter_context(self.profile.span(PYTEST_OWN))

    @pytest.hookimpl(wrapper=True)
    def pytest_collection(self, session: pytest.Session) -> Passed[None]:
        with spans.span("collection"):
            return (yield)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None
                                ) -> Passed[object]:
        spans.on_notebook(str(dict(item.user_properties).get(ASSIGNMENT_KEY, spans.PROCESS)))
        try:
            with spans.span(PYTEST_OWN):
                return (yield)
        finally:
            spans.on_notebook(spans.PROCESS)

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef: pytest.FixtureDef[Any],
                             request: pytest.FixtureRequest) -> Passed[object]:
        with spans.span("fixtures"):
            return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> Passed[object]:
        with spans.span("checks (test code)"):
            return (yield)

    @pytest.hookimpl(wrapper=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> Passed[None]:
        with spans.span("results writing"):
            return (yield)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self._root.close()
        spans.stop()
        folder = config.getoption("grader_report")
        if folder:
            write_profile(Path(folder), self.profile, time.perf_counter() - self.started)


def write_profile(folder: Path, profile: spans.Profile, seconds: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PROFILE_FILE
    document = {"seconds": round(seconds, 6), "pid": os.getpid(), "spans": profile.to_json(),
                "notes": dict(profile.notes)}
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path
