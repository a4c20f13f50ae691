"""A class's results, summed up: score distributions, each test's pass rate, its failures
grouped by cause, and who has no grade. Plain data, rendered by the HTML and Markdown pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.reports.class_report.causes import FailureGroup, group_failures
from grader.reports.class_report.histogram import Bin, histogram
from grader.reports.class_report.records import ClassRecords, GradedTestResult, ReportedStudent

TOTAL = "total"


@dataclass(frozen=True)
class Distribution:
    name: str  # an assignment, or TOTAL
    possible: float
    scores: list[float]  # one per graded student who has this assignment's results
    bins: list[Bin]

    @property
    def mean(self) -> float:
        return sum(self.scores) / len(self.scores) if self.scores else 0.0

    @property
    def median(self) -> float:
        ordered = sorted(self.scores)
        if not ordered:
            return 0.0
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


@dataclass
class PerTestSummary:
    assignment: str
    function: str
    title: str
    max_score: float
    hidden: bool
    graded: int = 0  # students who got a verdict on this test
    passed: int = 0
    partial: int = 0  # failed with part of the points (a graded band)
    failures: list[tuple[str, GradedTestResult]] = field(default_factory=list)
    groups: list[FailureGroup] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.graded - self.passed

    @property
    def partial_words(self) -> str:
        """`, 2 of them with part of the points` (empty when none had part of them)."""
        return f", {self.partial} of them with part of the points" if self.partial else ""

    @property
    def pass_rate(self) -> float:
        return self.passed / self.graded if self.graded else 0.0


@dataclass(frozen=True)
class ClassSummary:
    students: int
    graded: list[ReportedStudent]
    without_grade: list[ReportedStudent]
    distributions: list[Distribution]  # TOTAL first, then each assignment
    tests: list[PerTestSummary]  # in the order of the results: assignment, then test
    unreadable: list[str]

    def tests_of(self, assignment: str) -> list[PerTestSummary]:
        return [t for t in self.tests if t.assignment == assignment]

    @property
    def assignments(self) -> list[str]:
        return [d.name for d in self.distributions if d.name != TOTAL]

    @property
    def most_failed(self) -> list[PerTestSummary]:
        """Tests someone failed, the most failed first."""
        failed = [t for t in self.tests if t.failed]
        return sorted(failed, key=lambda t: -t.failed)


def summarise(records: ClassRecords) -> ClassSummary:
    graded = records.graded
    assignments = records.assignments()
    distributions = [_distribution(TOTAL, graded, None)]
    distributions += [_distribution(a, [s for s in graded if a in s.assignments()], a)
                      for a in assignments]
    return ClassSummary(students=len(records.students), graded=graded,
                        without_grade=records.without_grade, distributions=distributions,
                        tests=_tests(graded), unreadable=records.unreadable)


def _distribution(name: str, students: list[ReportedStudent], assignment: str | None
                  ) -> Distribution:
    scores = [s.score(assignment) for s in students]
    possible = max((s.possible(assignment) for s in students), default=0.0)
    return Distribution(name, possible, scores, histogram(scores, possible))


def _tests(graded: list[ReportedStudent]) -> list[PerTestSummary]:
    summaries: dict[str, PerTestSummary] = {}
    for student in graded:
        for test in student.tests:
            summary = summaries.setdefault(test.key, PerTestSummary(
                test.assignment, test.function, test.title, test.max_score, test.hidden))
            summary.max_score = max(summary.max_score, test.max_score)
            summary.graded += 1
            if test.passed:
                summary.passed += 1
            else:
                summary.partial += test.score > 0
                summary.failures.append((student.name, test))
    for summary in summaries.values():
        summary.groups = group_failures(summary.failures)
    return sorted(summaries.values(), key=lambda t: t.assignment)  # stable: results' order
