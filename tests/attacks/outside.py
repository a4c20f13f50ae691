"""What the grading-mode attack tests check from outside: the targets untouched, the outputs
clean, the grader's environment with a secret in it."""

from __future__ import annotations

import os
import re
from pathlib import Path

from grader.reports.markdown import _CODE_SPAN
from tests.attacks.payload import BIDI, FAKE_SCORE
from tests.corpus.harness import ROOT

SECRET = "ghs_TheGradersSecretToken0123456789"
FORGED = b"forged"


def grading_env(step_summary: Path) -> dict[str, str]:
    """The environment of a grader in CI: a token, the job summary, PYTHONPATH, PWD."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(GITHUB_TOKEN=SECRET, GITHUB_STEP_SUMMARY=str(step_summary),
               PYTHONPATH=str(ROOT), PWD=str(ROOT))
    return env


def touched(aims: dict[str, object]) -> list[str]:
    """The attack targets that show a trace of the attacker (they must all be clean)."""
    problems = []
    for key in ("solution", "hidden_tests", "test_module", "late_module", "gradebook",
                "grade_json", "autograde_json", "step_summary", "classmate"):
        path = Path(str(aims[key]))
        if path.exists() and FORGED in path.read_bytes():
            problems.append(f"{key}: {path} was written to")
    for key in ("conftest", "root_conftest", "pth", "outside_file"):
        if Path(str(aims[key])).exists():
            problems.append(f"{key}: {aims[key]} was created")
    if (Path(str(aims["cache"])) / "00.json").exists():
        problems.append("the reference cache got an entry from the notebook")
    return problems


def unsafe_text(text: str, markdown: bool = False) -> list[str]:
    """What text shown to a person must never hold (and, in Markdown, raw HTML)."""
    problems = []
    if SECRET in text:
        problems.append("the grader's secret token")
    if "\x1b" in text or "\x9b" in text:
        problems.append("an escape sequence")
    if "\r" in text:
        problems.append("a carriage return")
    if BIDI in text or "\u202e" in text:
        problems.append("a bidi override")
    if re.search(r"^\s*" + re.escape(FAKE_SCORE), text, re.MULTILINE):
        problems.append("a line that starts like the score")
    outside_code = _CODE_SPAN.sub("", text)  # a code span shows its text as it is
    if markdown and re.search(r"(?<!\\)<(img|details|b)\b", outside_code):
        problems.append("raw HTML")
    if len(text) > 200_000:
        problems.append(f"{len(text)} characters")
    return problems
