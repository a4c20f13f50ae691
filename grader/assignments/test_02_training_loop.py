"""Assignment 2 (lessons 3-4): the training loop by hand; why gradients must be reset."""

import pytest

from grader.checks import expect_close, expect_reset_between_steps, expect_training_converged
from grader.errors import Feedback
from grader.grading.inputs import grader_tensor

pytestmark = pytest.mark.assignment("02_training_loop.ipynb")

EPOCHS = 1000
LOSS_THRESHOLD = 0.1  # the reference ends at 0.0503; without resetting gradients, 27.2
PARAMETER_TOLERANCE = 0.05  # float32 training for 1000 steps: same algorithm lands within 1e-3


@pytest.mark.points(2)
def test_training_loop_records_a_loss_per_epoch_that_ends_below_the_threshold(submission):
    losses = submission.value("losses")
    if not isinstance(losses, list):
        raise Feedback(f"`losses` should be a list of floats, found {type(losses).__name__}.")
    expect_training_converged(losses, LOSS_THRESHOLD, "losses", epochs=EPOCHS)


@pytest.mark.points(2)
def test_trained_parameters_are_near_the_reference(submission, reference):
    for name in ("W", "b"):
        expect_close(submission.value(name), reference.value(name), name, rtol=0.0,
                     atol=PARAMETER_TOLERANCE,
                     hint=f"Train {EPOCHS} epochs with lr = 0.01 from the seeded start, "
                          "resetting gradients every epoch.")


@pytest.mark.points(1)
def test_accumulated_grad_shows_gradients_adding_up(submission, reference):
    for calls in (1, 3, 21):
        expected = reference.call("accumulated_grad", calls).value
        found = submission.call("accumulated_grad", calls).value
        expect_close(found, expected, f"accumulated_grad({calls})",
                     hint=f"Each (2 * w).backward() adds 2 to w.grad: after {calls} calls "
                          "without resetting it holds their sum.")


def _step_inputs() -> dict:
    return {
        "X": grader_tensor(4, 1, seed=41, scale=2.0),
        "y": grader_tensor(4, 1, seed=42, scale=10.0),
        "W": grader_tensor(1, 1, seed=43, requires_grad=True),
        "b": grader_tensor(1, seed=44, requires_grad=True),
    }


@pytest.mark.points(1)
def test_train_step_is_one_step_of_gradient_descent(submission, reference):
    inputs = _step_inputs()
    args = (inputs["X"], inputs["y"], inputs["W"], inputs["b"], 0.05)
    expected, found = reference.call("train_step", *args), submission.call("train_step", *args)
    expect_close(found.value, expected.value, "the loss returned by train_step",
                 hint="Return loss.item(), the loss computed before the update.")
    for position, name in ((2, "W"), (3, "b")):
        expect_close(found.args[position], expected.args[position],
                     f"{name} after one train_step", hint="Update in place: p -= lr * p.grad.")


TWO_STEPS = """
train_step(X, y, W, b, 0.05)
first = (W.grad.clone(), b.grad.clone())
train_step(X, y, W, b, 0.05)
result = {"W": W.grad, "b": b.grad, "first_W": first[0], "first_b": first[1]}
"""


@pytest.mark.points(2)
def test_train_step_resets_gradients_between_calls(submission, reference):
    describe = "calling train_step twice from the same start"
    expected = reference.scenario(TWO_STEPS, ["train_step"], describe, **_step_inputs())
    found = submission.scenario(TWO_STEPS, ["train_step"], describe, **_step_inputs())
    for name in ("W", "b"):
        summed = expected[name] + expected[f"first_{name}"]
        expect_reset_between_steps("train_step", name, found[name], expected[name], summed)

