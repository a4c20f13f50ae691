"""What `grader grade` left in OUT, as the class report reads it: each student's record
(OUT/students/NAME/grade.json, grader/records.py) with its tests read out of results.json.

A record holds the student's results.json (Gradescope format), or the reason there is none
(a time-out, a crash of the grading process). Reports and exports read them back from disk,
so that they can be rebuilt at any time without grading anyone again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.records import RECORD, STUDENTS, StudentRecord, read_record
from grader.reports.grade import HIDDEN_VISIBILITIES, in_words


@dataclass(frozen=True)
class GradedTestResult:
    assignment: str
    function: str  # "test_loss_is_mse[case 1]"
    title: str  # the test in words: its docstring's first line when results carry it
    score: float
    max_score: float
    passed: bool
    hidden: bool
    message: str  # the failure's message as results.json has it ("" when it passed)
    cause: str | None  # the mistake the check named (extra_data.cause), if it named one

    @property
    def key(self) -> str:
        return f"{self.assignment}: {self.function}"


@dataclass(frozen=True)
class ReportedStudent:
    """A student as the report shows them: their tests, or why they have none."""

    name: str  # the student's folder name: student-controlled, escape before showing
    tests: tuple[GradedTestResult, ...]
    reason: str | None  # why there is no grade; None when graded
    results: dict[str, Any] | None
    flags: tuple[str, ...] = ()  # what to look at in the submission (grader/batch/flags.py)

    @property
    def graded(self) -> bool:
        return self.reason is None and self.results is not None

    def assignments(self) -> list[str]:
        return sorted({test.assignment for test in self.tests})

    def score(self, assignment: str | None = None) -> float:
        return sum(t.score for t in self.tests if assignment in (None, t.assignment))

    def possible(self, assignment: str | None = None) -> float:
        return sum(t.max_score for t in self.tests if assignment in (None, t.assignment))


@dataclass(frozen=True)
class ClassRecords:
    students: list[ReportedStudent]
    unreadable: list[str]  # record files that could not be read, as paths relative to OUT

    @property
    def graded(self) -> list[ReportedStudent]:
        return [s for s in self.students if s.graded]

    @property
    def without_grade(self) -> list[ReportedStudent]:
        return [s for s in self.students if not s.graded]

    def assignments(self) -> list[str]:
        return sorted({a for student in self.students for a in student.assignments()})


def read_records(out: Path) -> ClassRecords:
    """Every student's record under OUT/students, in name order."""
    students, unreadable = [], []
    for path in sorted((out / STUDENTS).glob(f"*/{RECORD}")):
        try:
            students.append(reported(read_record(path.parent)))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            unreadable.append(str(path.relative_to(out)))
    return ClassRecords(students, unreadable)


def reported(record: StudentRecord) -> ReportedStudent:
    results = record.results
    reason = record.reason
    if results is None and not reason:
        reason = "no results were recorded"
    tests = tuple(read_test_result(test, (results or {}).get("visibility", "visible"))
                  for test in (results or {}).get("tests", []))
    return ReportedStudent(name=record.student, tests=tests, reason=reason or None,
                           results=results, flags=tuple(record.flags))


def read_test_result(test: dict[str, Any], default_visibility: str = "visible") -> GradedTestResult:
    assignment, _, function = str(test.get("name", "")).partition(": ")
    if not function:  # a name without an assignment
        assignment, function = "tests", assignment
    score, max_score = float(test.get("score") or 0), float(test.get("max_score") or 0)
    status = test.get("status")
    passed = status == "passed" if status else score >= max_score
    extra = test.get("extra_data") or {}
    title = test.get("title") or extra.get("title") or in_words(function)
    cause = extra.get("cause")
    return GradedTestResult(
        assignment=assignment, function=function, title=str(title), score=score,
        max_score=max_score, passed=passed,
        hidden=test.get("visibility", default_visibility) in HIDDEN_VISIBILITIES,
        message="" if passed else str(test.get("output") or ""),
        cause=str(cause) if cause and not passed else None)
