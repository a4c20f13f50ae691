"""A run's results.json (Gradescope format) read back as small dataclasses for reports.

Tests whose visibility is "hidden", "after_due_date" or "after_published" are kept apart:
reports meant for students say that they exist and what they are worth, never how they went.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from grader.reports.sanitize import clean

HIDDEN_VISIBILITIES = frozenset({"hidden", "after_due_date", "after_published"})

_PYTEST_ERROR_LINE = re.compile(r"^E {1,3}(.*)$")
MESSAGE_LIMIT = 2000  # characters of one failure message in a report


@dataclass(frozen=True)
class GradedTest:
    assignment: str
    title: str        # the test in words: "test_loss_is_mse" -> "loss is mse"
    score: float
    max_score: float
    passed: bool
    hidden: bool
    message: str      # readable, no traceback; "" when it passed


@dataclass(frozen=True)
class AssignmentGrade:
    name: str
    tests: list[GradedTest]

    @property
    def visible(self) -> list[GradedTest]:
        return [test for test in self.tests if not test.hidden]

    @property
    def hidden(self) -> list[GradedTest]:
        return [test for test in self.tests if test.hidden]

    @property
    def earned(self) -> float:
        return sum(test.score for test in self.visible)

    @property
    def possible(self) -> float:
        return sum(test.max_score for test in self.visible)

    @property
    def hidden_points(self) -> float:
        return sum(test.max_score for test in self.hidden)


@dataclass(frozen=True)
class Grade:
    assignments: list[AssignmentGrade]
    seconds: float | None = None
    hidden_not_run: int = 0             # hidden tests a student-facing run skipped
    hidden_points_not_run: float = 0.0

    @property
    def earned(self) -> float:
        """Points earned on the tests a student may see."""
        return sum(a.earned for a in self.assignments)

    @property
    def possible(self) -> float:
        return sum(a.possible for a in self.assignments)

    @property
    def hidden_count(self) -> int:
        return sum(len(a.hidden) for a in self.assignments)

    @property
    def hidden_points(self) -> float:
        return sum(a.hidden_points for a in self.assignments)


def read_grade(results: dict[str, Any]) -> Grade:
    default_visibility = results.get("visibility", "visible")
    by_assignment: dict[str, list[GradedTest]] = {}
    for test in results.get("tests", []):
        result = _test_result(test, default_visibility)
        by_assignment.setdefault(result.assignment, []).append(result)
    extra = results.get("extra_data") or {}
    seconds = results.get("execution_time")
    return Grade(
        assignments=[AssignmentGrade(name, tests) for name, tests in sorted(by_assignment.items())],
        seconds=float(seconds) if isinstance(seconds, int | float) else None,
        hidden_not_run=int(extra.get("hidden_tests_not_run", 0) or 0),
        hidden_points_not_run=float(extra.get("hidden_points_not_run", 0) or 0),
    )


def _test_result(test: dict[str, Any], default_visibility: str) -> GradedTest:
    assignment, _, name = str(test.get("name", "")).rpartition(": ")
    score = float(test.get("score") or 0)
    max_score = float(test.get("max_score") or 0)
    status = test.get("status")
    passed = status == "passed" if status else score >= max_score
    return GradedTest(
        assignment=assignment or "tests",
        title=clean(_title(test) or in_words(name), 200),
        score=score,
        max_score=max_score,
        passed=passed,
        hidden=test.get("visibility", default_visibility) in HIDDEN_VISIBILITIES,
        message="" if passed else readable_message(str(test.get("output") or "")),
    )


def _title(test: dict[str, Any]) -> str | None:
    extra = test.get("extra_data")
    title = extra.get("title") if isinstance(extra, dict) else None
    return title if isinstance(title, str) and title.strip() else None


def in_words(name: str) -> str:
    """test_train_step_resets_gradients[case 1] -> "train step resets gradients [case 1]"."""
    function, bracket, parameters = name.partition("[")
    words = function.removeprefix("test_").replace("_", " ").strip()
    return f"{words} [{parameters}" if bracket else words


def readable_message(output: str) -> str:
    """The failure's message without a traceback: the kit's own messages are kept whole;
    from pytest's report of an unexpected error, only its `E   ` lines (the error itself)."""
    text = clean(output, limit=len(output) + 1).strip()
    errors = [m.group(1) for line in text.splitlines() if (m := _PYTEST_ERROR_LINE.match(line))]
    if errors:
        text = "\n".join(errors).strip()
    elif "Traceback (most recent call last)" in text:
        text = next((line.strip() for line in reversed(text.splitlines()) if line.strip()), "")
    return clean(text, MESSAGE_LIMIT)
