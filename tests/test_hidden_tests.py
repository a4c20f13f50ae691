"""Hidden tests: a student-facing run says they exist and were not run, never their code,
inputs or expected values; the TA's run scores them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus.harness import SOLUTIONS, grade

NOTEBOOK = "02_training_loop.ipynb"
HIDDEN = "test_train_step_repeated_trains_a_model_on_unseen_data"


@pytest.mark.parametrize("student_run", [False, True], ids=["ta_run", "student_run"])
def test_hidden_tests_are_scored_for_the_ta_and_only_counted_for_the_student(
        student_run: bool, reference_cache: Path) -> None:
    extra = ("--grader-student", "-rA") if student_run else ()
    graded = grade(SOLUTIONS, reference_cache, *extra, notebooks=(NOTEBOOK,))
    if student_run:
        assert HIDDEN not in graded.verdicts
        assert "1 hidden test worth 2 points not run here" in graded.stdout
        for secret in ("200 times", "3.0 * inputs", "MANY_STEPS", "losses = [train_step"):
            assert secret not in graded.stdout
    else:
        assert graded.verdicts[HIDDEN].status == "passed"
        assert graded.verdicts[HIDDEN].score == 2
