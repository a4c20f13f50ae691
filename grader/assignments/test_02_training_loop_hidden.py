"""Assignment 2, hidden tests: run by the TA and CI, never shipped to or shown to students.

Hidden tests live in their own `*_hidden.py` modules so that `grader release --student-kit`
can leave them out whole, with the scenarios and inputs they use."""

import pytest

from grader.assignments.test_02_training_loop import PARAMETER_TOLERANCE, _step_inputs
from grader.checks import expect_close, expect_training_converged

pytestmark = [pytest.mark.assignment("02_training_loop.ipynb"), pytest.mark.hidden]

MANY_STEPS = """
losses = [train_step(X, y, W, b, 0.05) for _ in range(200)]
result = {"losses": losses, "W": W, "b": b}
"""


@pytest.mark.points(2)
def test_train_step_repeated_trains_a_model_on_unseen_data(submission, reference):
    """train_step called 200 times fits a line the notebook never saw."""
    describe = "calling train_step 200 times on the grader's data"
    inputs = _step_inputs()
    inputs["y"] = 3.0 * inputs["X"] - 1.0  # a line the notebook never saw
    expected = reference.scenario(MANY_STEPS, ["train_step"], describe, **inputs)
    found = submission.scenario(MANY_STEPS, ["train_step"], describe, **inputs)
    threshold = max(2 * expected["losses"][-1], 1e-3)
    expect_training_converged(found["losses"], threshold, "the losses of 200 train_step calls",
                              epochs=200, hint="Each call should take one step of gradient "
                              "descent on the X and y it is given, and nothing more.")
    for name in ("W", "b"):
        expect_close(found[name], expected[name], f"{name} after 200 train_step calls",
                     rtol=0.0, atol=PARAMETER_TOLERANCE)
