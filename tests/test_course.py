"""The shipped course: solutions get full marks, untouched templates get 0 with clean messages,
and the templates are exactly what `grader release` makes of the solutions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader.release import release
from tests.corpus.harness import ASSIGNMENTS, SOLUTIONS, Graded, grade


@pytest.fixture(scope="module")
def graded_solutions(reference_cache: Path) -> Graded:
    return grade(SOLUTIONS, reference_cache)


@pytest.fixture(scope="module")
def graded_templates(reference_cache: Path) -> Graded:
    return grade(ASSIGNMENTS, reference_cache)


def test_solutions_get_full_marks(graded_solutions: Graded) -> None:
    earned, possible = graded_solutions.score
    assert possible > 0
    assert earned == possible, graded_solutions.stdout
    assert graded_solutions.exit_code == 0


def test_every_notebook_in_solutions_is_graded(graded_solutions: Graded) -> None:
    rows = (re.fullmatch(r"(\S+)\s+[\d.]+ / [\d.]+", line.strip())
            for line in graded_solutions.stdout.splitlines())  # the score table's rows
    graded_assignments = {row[1] for row in rows if row and row[1] != "total"}
    assert graded_assignments == {p.stem for p in SOLUTIONS.glob("*.ipynb")}


def test_untouched_templates_get_zero_with_a_fill_the_blank_message(
        graded_templates: Graded) -> None:
    earned, possible = graded_templates.score
    assert earned == 0 and possible > 0
    for name, verdict in graded_templates.verdicts.items():
        assert verdict.status == "failed", name
        assert verdict.output.startswith("not implemented yet: fill the blank in"), (
            f"{name}: {verdict.output}")


def test_grading_templates_shows_no_traceback_or_error_of_the_kit(
        graded_templates: Graded) -> None:
    assert graded_templates.exit_code == 1  # tests failed; 2, 3 or 4 would be pytest errors
    for forbidden in ("Traceback", "grader error", "INTERNALERROR", "site-packages"):
        assert forbidden not in graded_templates.stdout


def test_committed_templates_are_what_release_makes_of_the_solutions() -> None:
    outcomes = release(SOLUTIONS, ASSIGNMENTS, check=True)
    assert outcomes and all(outcome.up_to_date for outcome in outcomes), outcomes
