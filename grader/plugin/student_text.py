"""How text from a grading run is made safe for a student to read (see reports/sanitize.py):
one cleaner per pytest run, knowing the run's folders."""

from __future__ import annotations

import tempfile
from collections.abc import Callable

import pytest

from grader.plugin.options import course_of, session_config
from grader.reports.sanitize import LIMIT, Redactor, clean, student_paths

TRACEBACK_LIMIT = 20_000  # characters of an unexpected error's traceback, for the TA
_KEY = pytest.StashKey[Redactor]()


def student_text(config: pytest.Config) -> Callable[..., str]:
    """`safe(text, limit=LIMIT)`: `text` redacted and cleaned."""
    redact = _redactor(config)

    def safe(text: str, limit: int = LIMIT) -> str:
        return clean(redact(text), limit)

    return safe


def _redactor(config: pytest.Config) -> Redactor:
    if _KEY not in config.stash:
        session = session_config(config)
        others = [str(p) for p in (session.solutions, session.cache.directory,
                                   config.getoption("grader_report")) if p]
        paths = student_paths(str(session.submissions), str(course_of(config).root), others)
        paths[tempfile.gettempdir()] = "<tmp>"
        config.stash[_KEY] = Redactor(paths)
    return config.stash[_KEY]
