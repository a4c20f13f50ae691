"""Which notebook a grading run is on: written to the file named by $GRADER_PROGRESS_FILE
(the batch shows it on its live progress line)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

from grader.plugin.scoring import ASSIGNMENT_KEY

PROGRESS_ENV = "GRADER_PROGRESS_FILE"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item) -> None:
    target = os.environ.get(PROGRESS_ENV)
    assignment = dict(item.user_properties).get(ASSIGNMENT_KEY)
    if target and assignment:
        with contextlib.suppress(OSError):
            Path(target).write_text(f"{assignment}\n", encoding="utf-8")
