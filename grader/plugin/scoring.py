"""Points per test, a score per assignment, and the table printed at the end of the run."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

POINTS_KEY = "grader_points"
ASSIGNMENT_KEY = "grader_assignment"
MESSAGE_KEY = "grader_message"  # the failure's message alone, without pytest's decorations
CAUSE_KEY = "grader_cause"  # the mistake a check named (Feedback.cause), when it named one
FRACTION_KEY = "grader_fraction"  # the share of its points a failed test still earns (a band)
TITLE_KEY = "grader_title"  # the test's docstring, first line: its name in words
KIT_ERROR_CAUSE = "grader error"  # the cause of a failure that is the kit's, not the student's
HIDDEN_KEY = "grader_hidden"
DECIMALS = 2  # points are shown and summed to the hundredth
HIDDEN_REASON = "hidden test: the grader runs it after you submit"


@dataclass
class ScoredTest:
    assignment: str
    name: str
    points: float
    passed: bool = False
    failed: bool = False
    message: str = ""
    hidden: bool = False
    not_run: bool = False  # a hidden test in a student-facing run
    cause: str | None = None
    title: str | None = None
    fraction: float = 0.0  # of the points, earned by a failed test (partial credit)

    @property
    def counted(self) -> bool:
        return not self.not_run

    @property
    def earned(self) -> float:
        if self.passed and not self.failed:
            return self.points
        return points_of(self.points, self.fraction)


@dataclass
class ScoreBoard:
    tests: dict[str, ScoredTest] = field(default_factory=dict)
    # A student kit ships no hidden tests, only their count and points per assignment.
    shipped_without: dict[str, dict[str, float]] = field(default_factory=dict)

    def record(self, report: pytest.TestReport) -> None:
        """Setup, call and teardown each report: a test earns its points only if none failed."""
        properties = dict(report.user_properties)
        if POINTS_KEY not in properties:
            return
        name = report.nodeid.rpartition("::")[2]
        score = self.tests.setdefault(
            report.nodeid, ScoredTest(str(properties[ASSIGNMENT_KEY]), name,
                                     float(properties[POINTS_KEY]),  # type: ignore[arg-type]
                                     hidden=bool(properties.get(HIDDEN_KEY)),
                                     title=text_property(properties.get(TITLE_KEY))))
        if report.skipped and score.hidden:
            score.not_run = True
        elif report.failed:
            score.failed = True
            score.message = score.message or text_property(properties.get(MESSAGE_KEY)) or \
                report.longreprtext
            score.cause = score.cause or text_property(properties.get(CAUSE_KEY))
            if report.when == "call":
                score.fraction = _fraction_in_range(properties.get(FRACTION_KEY, 0.0))
        elif report.when == "call" and report.passed:
            score.passed = True

    def counted(self) -> list[ScoredTest]:
        return [score for score in self.tests.values() if score.counted]

    def not_run(self) -> list[ScoredTest]:
        return [score for score in self.tests.values() if not score.counted]

    def totals(self) -> dict[str, tuple[float, float]]:
        """assignment -> (earned, possible)."""
        result: dict[str, tuple[float, float]] = {}
        for score in self.counted():
            earned, possible = result.get(score.assignment, (0.0, 0.0))
            result[score.assignment] = (round(earned + score.earned, DECIMALS),
                                        possible + score.points)
        return result

    def lines(self) -> list[str]:
        totals = self.totals()
        if not totals:
            return []
        width = max(len(name) for name in totals) + 2
        rows = [f"{'assignment':<{width}}{'points':>13}"]
        for name in sorted(totals):
            rows.append(f"{name:<{width}}{_points_column(*totals[name])}")
        earned = round(sum(e for e, _ in totals.values()), DECIMALS)
        possible = sum(p for _, p in totals.values())
        rows.append(f"{'total':<{width}}{_points_column(earned, possible)}")
        count, points = self.hidden_not_run()
        if count:
            rows.append(f"{count:g} hidden test{'s' * (count != 1)} worth {points:g} "
                        f"point{'s' * (points != 1)} not run here: the grader runs "
                        f"{'it' if count == 1 else 'them'} after you submit.")
        return rows

    def hidden_not_run(self) -> tuple[float, float]:
        """(tests, points) of hidden tests not run: skipped here, or not shipped at all."""
        skipped = self.not_run()
        graded = {score.assignment for score in self.tests.values()}
        absent = [v for name, v in self.shipped_without.items() if name in graded]
        return (len(skipped) + sum(v["tests"] for v in absent),
                sum(s.points for s in skipped) + sum(v["points"] for v in absent))


def points_of(points: float, fraction: float) -> float:
    """`fraction` of `points`, to the hundredth of a point (1.33 of 2 for two thirds): what
    every output shows and sums, the same number everywhere."""
    return round(points * fraction, DECIMALS)


def _fraction_in_range(value: object) -> float:
    """A share of the points in [0, 1) (a failed test never earns all of them)."""
    try:
        share = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return min(max(share, 0.0), 0.99) if share == share else 0.0


def _points_column(earned: float, possible: float) -> str:
    return f"{earned:>6g} / {possible:<6g}"


def text_property(value: object) -> str | None:
    """A report's property that holds text (user_properties are typed `object`)."""
    return None if value is None else str(value)
