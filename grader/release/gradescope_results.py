"""A grading run's results.json made into Gradescope's results.json, with the fields of its
documented format (https://gradescope-autograders.readthedocs.io/en/latest/specs/):

    score, execution_time, output, output_format, test_output_format, test_name_format,
    stdout_visibility, extra_data, tests: [name, name_format, number, score, max_score,
    status, output, output_format, visibility, extra_data]

Tests are named by their title (the docstring's first line) and numbered "assignment.test";
hidden tests keep their visibility (after_published: shown once grades are published). The
top-level output, which students always see, counts only the visible tests' points.
"""

from __future__ import annotations

from typing import Any

from grader.reports.grade import in_words, read_grade
from grader.reports.sanitize import clean

FORMAT = "text"  # Gradescope escapes it: a student's message can never become markup
STDOUT_VISIBILITY = "hidden"  # pytest's output, for the instructor only


def gradescope_results(results: dict[str, Any], notes: list[str], seconds: float
                       ) -> dict[str, Any]:
    tests = _tests(results)
    return {
        "score": round(sum(t["score"] for t in tests), 4),
        "execution_time": round(seconds),
        "output": _summary(results, notes),
        "output_format": FORMAT,
        "test_output_format": FORMAT,
        "test_name_format": FORMAT,
        "stdout_visibility": STDOUT_VISIBILITY,
        "extra_data": dict(results.get("extra_data") or {}),
        "tests": tests,
    }


def failure_results(message: str, seconds: float) -> dict[str, Any]:
    """A result for a submission that could not be graded: 0, and why."""
    return {"score": 0.0, "execution_time": round(seconds), "output": message,
            "output_format": FORMAT, "test_output_format": FORMAT, "test_name_format": FORMAT,
            "stdout_visibility": STDOUT_VISIBILITY, "extra_data": {"graded": False},
            "tests": []}


def _tests(results: dict[str, Any]) -> list[dict[str, Any]]:
    default_visibility = results.get("visibility", "visible")
    numbers: dict[str, int] = {}
    converted: list[dict[str, Any]] = []
    for test in results.get("tests", []):
        assignment, _, function = str(test.get("name", "")).partition(": ")
        extra = dict(test.get("extra_data") or {})
        index = numbers.setdefault(assignment, len(numbers) + 1)
        position = sum(1 for t in converted if t["extra_data"]["assignment"] == assignment) + 1
        score, max_score = float(test.get("score") or 0), float(test.get("max_score") or 0)
        title = extra.get("title") or in_words(function)
        converted.append({
            "name": clean(f"{assignment}: {title}", 300),
            "name_format": FORMAT,
            "number": f"{index}.{position}",
            "score": score,
            "max_score": max_score,
            "status": test.get("status") or ("passed" if score >= max_score else "failed"),
            "output": str(test.get("output") or ""),
            "output_format": FORMAT,
            "visibility": test.get("visibility", default_visibility),
            "extra_data": {**extra, "assignment": assignment, "test": function},
        })
    return converted


def _summary(results: dict[str, Any], notes: list[str]) -> str:
    """Per assignment, the points of the tests a student may see now, and how many hidden
    tests wait for publication; then the notes on how the submission was read."""
    grade = read_grade(results)
    lines = []
    for assignment in grade.assignments:
        line = f"{assignment.name}: {assignment.earned:g} / {assignment.possible:g}"
        if assignment.hidden:
            count = len(assignment.hidden)
            line += (f" on the visible tests; {count} hidden test{'s' * (count != 1)} "
                     f"({assignment.hidden_points:g} points) shown once grades are published")
        lines.append(line)
    return "\n".join([*lines, *notes]) or "no test ran"
