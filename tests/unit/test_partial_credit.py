"""Partial credit: a band check earns a share of a test's points, and every output shows the
fraction the same way (score table, results.json, summary.md, Gradescope, gradebook, class
report). No kernels."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from grader.batch.gradebook import gradebook
from grader.checks import expect_above, expect_below
from grader.checks.bands import Band
from grader.errors import Cause, Feedback, PartialCredit
from grader.plugin.results_file import results, write_results
from grader.plugin.scoring import ScoreBoard, ScoredTest, points_of
from grader.records import StudentRecord
from grader.release.gradescope_results import gradescope_results
from grader.reports.class_report.facts import run_facts
from grader.reports.class_report.html_page import html_page
from grader.reports.class_report.markdown_page import markdown_page
from grader.reports.class_report.records import read_records
from grader.reports.class_report.statistics import summarise
from grader.reports.markdown import PARTIAL, markdown_summary


def test_a_loss_at_or_below_full_passes_and_above_zero_earns_nothing() -> None:
    expect_below(0.1, full=0.1, zero=0.5, name="the loss")
    with pytest.raises(Feedback, match="none here") as missed:
        expect_below(0.7, full=0.1, zero=0.5, name="the loss")
    assert not isinstance(missed.value, PartialCredit)
    assert missed.value.cause is Cause.SHORT_OF_TARGET


def test_between_the_ends_the_share_is_linear() -> None:
    with pytest.raises(PartialCredit) as partial:
        expect_below(0.2, full=0.1, zero=0.5, name="the loss", cause=Cause.LOSS_TOO_HIGH)
    assert partial.value.fraction == pytest.approx(0.75)
    assert "75%" in str(partial.value) and "partial credit below 0.5" in str(partial.value)
    assert partial.value.cause is Cause.LOSS_TOO_HIGH
    with pytest.raises(PartialCredit) as accuracy:
        expect_above(0.8, full=0.9, zero=0.5, name="accuracy")
    assert accuracy.value.fraction == pytest.approx(0.75)


def test_a_hint_is_asked_only_when_full_marks_are_missed() -> None:
    asked = []
    expect_below(0.05, full=0.1, zero=0.5, name="the loss", hint=lambda: asked.append(1) or "")
    assert not asked
    with pytest.raises(PartialCredit, match="Train longer"):
        expect_below(0.3, full=0.1, zero=0.5, name="the loss", hint=lambda: "Train longer.")


def test_a_band_needs_two_different_finite_ends_on_the_right_side() -> None:
    for full, zero in ((0.1, 0.1), (0.1, math.inf)):
        with pytest.raises(ValueError):
            Band(full, zero)
    with pytest.raises(ValueError):
        expect_below(0.2, full=0.5, zero=0.1, name="the loss")
    assert Band(0.1, 0.5).fraction(math.nan) == 0.0


def _board() -> ScoreBoard:
    board = ScoreBoard()
    board.tests["a::test_full"] = ScoredTest("01_a", "test_full", 2.0, passed=True)
    board.tests["a::test_band"] = ScoredTest("01_a", "test_band", 2.0, failed=True,
                                            message="the last loss is 0.2: partial credit",
                                            cause="the loss stays too high", fraction=2 / 3)
    board.tests["b::test_zero"] = ScoredTest("02_b", "test_zero", 1.0, failed=True,
                                            message="wrong")
    return board


def test_a_failed_test_with_a_fraction_earns_that_share_to_the_hundredth() -> None:
    board = _board()
    assert board.tests["a::test_band"].earned == 1.33 == points_of(2.0, 2 / 3)
    assert board.totals() == {"01_a": (3.33, 4.0), "02_b": (0.0, 1.0)}
    table = "\n".join(board.lines())
    assert "3.33 / 4" in table and "3.33 / 5" in table


def test_results_json_and_summary_carry_the_fraction(tmp_path: Path) -> None:
    path = write_results(_board(), 1.0, tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == results(_board(), 1.0)
    band = next(t for t in data["tests"] if t["name"].endswith("test_band"))
    assert band["score"] == 1.33 and band["max_score"] == 2.0 and band["status"] == "failed"
    assert data["score"] == 3.33
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "## Grade: 3.33 / 5" in summary
    assert f"1.33 / 2 | {PARTIAL} |" in summary
    assert "(1.33 / 2)" in summary  # in the list of what to fix
    assert markdown_summary(data) == summary


def test_gradescope_keeps_the_fractional_score() -> None:
    converted = gradescope_results(results(_board(), 1.0), [], 1.0)
    assert converted["score"] == 3.33
    band = next(t for t in converted["tests"] if t["extra_data"]["test"] == "test_band")
    assert band["score"] == 1.33 and band["status"] == "failed"
    assert "01_a: 3.33 / 4" in converted["output"]


def _records(tmp_path: Path) -> Path:
    out = tmp_path / "grades"
    for student, fraction in (("alice", 2 / 3), ("bob", 0.0)):
        board = _board()
        board.tests["a::test_band"].fraction = fraction
        folder = out / "students" / student
        folder.mkdir(parents=True)
        (folder / "grade.json").write_text(json.dumps(
            {"student": student, "results": results(board, 1.0), "seconds": 1.0}),
            encoding="utf-8")
    return out


def test_the_gradebook_sums_fractional_points(tmp_path: Path) -> None:
    records = [StudentRecord.from_json(p.read_text()) for p in
               sorted((_records(tmp_path) / "students").glob("*/grade.json"))]
    book = gradebook(records).set_index("student")
    assert book.loc["alice", "01_a: test_band"] == 1.33
    assert book.loc["alice", "01_a"] == 3.33 and book.loc["alice", "total"] == 3.33
    assert book.loc["bob", "total"] == 2.0


def test_the_class_report_counts_partial_credit_and_fractional_scores(tmp_path: Path) -> None:
    summary = summarise(read_records(_records(tmp_path)))
    band = next(t for t in summary.tests if t.function == "test_band")
    assert band.partial == 1 and band.passed == 0 and band.failed == 2
    total = next(d for d in summary.distributions if d.name == "total")
    assert sorted(total.scores) == [2.0, 3.33]
    assert sum(b.count for b in total.bins) == 2


def test_both_class_report_pages_say_how_many_failed_with_part_of_the_points(
        tmp_path: Path) -> None:
    records = read_records(_records(tmp_path))
    summary, facts = summarise(records), run_facts(records, 1)
    said = "failed by 2 of 2 students, 1 of them with part of the points"
    assert said in markdown_page(summary, facts).lower()
    assert said in html_page(summary, facts, {}).lower()
