"""Assignment 2 (lessons 3-4): the training loop by hand; why gradients must be reset."""

from functools import lru_cache

import pytest
import torch

from grader.checks import expect_close, expect_steps_independent
from grader.checks.bands import Band
from grader.checks.causes import Suspect, hint_for
from grader.checks.explanation import Explanation
from grader.checks.gradient_descent import Descent
from grader.checks.gradients import scaled_move
from grader.checks.linear_mistakes import mistaken_losses
from grader.checks.loss_functions import mse_suspects, notebook_data_suspect
from grader.checks.loss_record import (
    expect_finite,
    expect_last_below,
    expect_one_per_epoch,
    expect_recorded_end,
    expect_recorded_start,
    one_number,
    recorded_numbers,
)
from grader.checks.sizes import place_of
from grader.checks.trained_line import (
    trained_W_and_b,
)
from grader.checks.training import line_training, line_training_hint
from grader.errors import Cause, Feedback
from grader.grading.inputs import grader_int, grader_tensor

pytestmark = pytest.mark.assignment("02_training_loop.ipynb")

EPOCHS = 1000
LR = 0.01
SEED = 0  # the training cell's given start: torch.manual_seed(0), then W, then b
# The reference ends at 0.0503. Partial credit below 0.5: 800 epochs end at 0.13 (94 %), 500
# at 0.56 (none); without resetting gradients the loss stays at 27.2.
LOSS_BAND = Band(full=0.1, zero=0.5)
PARAMETER_TOLERANCE = 0.05  # float32 training for 1000 steps: same algorithm lands within 1e-3
NOTEBOOK_ROWS = (3,)  # the study hours: a row count typed in works on them only
STEP_LR = 0.05  # the grader's calls of train_step
LOOP = ("The lesson's loop: 1000 epochs at lr = 0.01 from the seeded start, each one "
        "predicting, computing the MSE, calling backward(), updating W and b against their "
        "gradients, and resetting the gradients.")


def lesson_run(reference) -> Descent:
    """The training the lesson asks for, run by the grader from the cell's seeded start."""
    generator = torch.Generator().manual_seed(SEED)
    W = torch.randn(1, 1, generator=generator)
    b = torch.randn(1, generator=generator)
    return Descent(reference.value("X_train"), reference.value("y_train"), W, b, LR, EPOCHS)


@lru_cache(maxsize=4)
def _explained(submission, reference) -> Explanation | None:
    """The usual mistakes that reproduce the notebook's training (run only on a failure)."""
    return line_training(submission, lesson_run(reference), PARAMETER_TOLERANCE)


def _hint(submission, reference):
    return line_training_hint(submission, lambda: lesson_run(reference),
                              lambda: _explained(submission, reference), LOOP)


@pytest.mark.points(2)
def test_training_loop_records_a_loss_per_epoch_that_ends_below_the_threshold(submission,
                                                                             reference):
    """losses holds 1000 numbers, the loss of every epoch of the training, ending at 0.1 or
    below (partial credit up to 0.5)."""
    values = recorded_numbers(submission.value("losses"), "losses")
    expect_one_per_epoch(values, EPOCHS, "losses",
                         explained=lambda: _explained(submission, reference) or "")
    run = lesson_run(reference)
    expect_recorded_start(values[0], run.start_loss(), run.loss_after_one_step(), "losses",
                          mistaken_losses(run),
                          explained=lambda: _explained(submission, reference) or "")
    expect_finite(values, "losses")
    trained = trained_W_and_b(submission)
    expect_recorded_end(values, run.loss_at(trained), "losses", "the trained W and b",
                        explained=lambda: _explained(submission, reference) or "")
    expect_last_below(values, LOSS_BAND, "losses", _hint(submission, reference))


@pytest.mark.points(2)
def test_trained_parameters_are_near_the_reference(submission, reference):
    """The trained W and b are within 0.05 of the reference's (19.74 and 0.59)."""
    found = trained_W_and_b(submission)
    expected = torch.cat([reference.value(n).double().reshape(-1) for n in ("W", "b")])
    for position, name in enumerate(("W", "b")):
        expect_close(found[position], expected[position], name, rtol=0.0,
                     atol=PARAMETER_TOLERANCE, hint=_hint(submission, reference))


# Count the backward() calls of accumulated_grad: the lesson is to watch .grad grow.
COUNTED = """
import torch
original, calls = torch.autograd.backward, []
def counted(*args, **kwargs):
    calls.append(1)
    return original(*args, **kwargs)
torch.autograd.backward = counted
try:
    value = accumulated_grad(n)
finally:
    torch.autograd.backward = original
result = {"value": value, "backward_calls": len(calls)}
"""


@pytest.mark.points(1)
def test_accumulated_grad_shows_gradients_adding_up(submission, reference):
    """accumulated_grad(n) calls (2 * w).backward() n times and returns w.grad: 2n."""
    for calls in (1, 3, 21, grader_int(4, 40, seed=901)):  # the last: a count of the grader's
        describe = f"calling accumulated_grad({calls})"
        expected = reference.scenario(COUNTED, ["accumulated_grad"], describe, n=calls)
        found = submission.scenario(COUNTED, ["accumulated_grad"], describe, n=calls)
        value = found["value"]
        if isinstance(value, torch.Tensor) and value.numel() == 1:
            value = value.item()
        expect_close(value, expected["value"], f"accumulated_grad({calls})", hint=hint_for(
            value, [Suspect(Cause.NOT_ACCUMULATED,
                            "It is one call's gradient: w.grad was reset between the calls. "
                            "Here, let it accumulate: that is what the function shows.",
                            lambda: 2.0)],
            f"Each (2 * w).backward() adds 2 to w.grad: after {calls} calls it holds their "
            "sum."))
        if found["backward_calls"] != calls:
            raise Feedback(f"accumulated_grad({calls}) called backward() "
                           f"{found['backward_calls']} times: call (2 * w).backward() exactly "
                           f"{calls} times and return what w.grad holds then. The value "
                           "itself is not the point: watching .grad add up is.",
                           cause=Cause.OTHER_BACKWARD_COUNT)


def _step_inputs() -> dict:
    return {
        "X": grader_tensor(4, 1, seed=41, scale=2.0),
        "y": grader_tensor(4, 1, seed=42, scale=10.0),
        "W": grader_tensor(1, 1, seed=43, requires_grad=True),
        "b": grader_tensor(1, seed=44, requires_grad=True),
    }


def _as_number(value: object, what: str) -> float:
    number = one_number(value)  # a tensor or NumPy array of one element is that number
    if number is None:
        raise Feedback(f"{what} should be the loss, a number (loss.item()), found "
                       f"{type(value).__name__}.", cause=Cause.NOT_A_NUMBER)
    return number


@pytest.mark.points(1)
def test_train_step_is_one_step_of_gradient_descent(submission, reference):
    """One train_step call returns the loss before the update and moves W, b in place."""
    inputs = _step_inputs()
    args = (inputs["X"], inputs["y"], inputs["W"], inputs["b"], STEP_LR)
    expected, found = reference.call("train_step", *args), submission.call("train_step", *args)
    loss = _as_number(found.value, "train_step's return value")
    start = inputs["X"] @ inputs["W"].detach() + inputs["b"].detach()
    expect_close(loss, expected.value, "the loss returned by train_step", hint=hint_for(
        loss, [*mse_suspects(start, inputs["y"], NOTEBOOK_ROWS,
                             place_of(submission, "train_step", NOTEBOOK_ROWS[0])),
               notebook_data_suspect("train_step", reference.value("X_train"),
                                     reference.value("y_train"), inputs["W"], inputs["b"])],
        "Return loss.item(), the mean squared error computed before the update."))
    for position, name in ((2, "W"), (3, "b")):
        start = inputs[name]
        expect_close(found.args[position], expected.args[position],
                     f"{name} after one train_step", hint=hint_for(found.args[position], [
                         Suspect(Cause.NOT_IN_PLACE,
                                 f"{name} did not move: the update made a new tensor "
                                 f"({name} = {name} - ...) instead of changing the one passed "
                                 f"in. Update in place: {name} -= lr * {name}.grad, inside "
                                 "torch.no_grad().", lambda s=start: s)],
                         scaled_move(name, start, found.args[position], expected.args[position],
                                     lr=STEP_LR) or "Update in place: p -= lr * p.grad."))


# Two calls from one state, and one call from where the first ended (on fresh tensors).
TWO_STEPS = """
import torch
def fresh(t):
    return t.detach().clone().requires_grad_(True)
def state(W, b):
    return {"W": W.detach().clone(), "b": b.detach().clone()}
W1, b1 = fresh(W), fresh(b)
start = state(W1, b1)
train_step(X, y, W1, b1, 0.05)
after_one = state(W1, b1)
train_step(X, y, W1, b1, 0.05)
after_two = state(W1, b1)
W2, b2 = fresh(after_one["W"]), fresh(after_one["b"])
train_step(X, y, W2, b2, 0.05)
result = {"start": start, "after_one": after_one, "after_two": after_two,
          "single_second": state(W2, b2)}
"""


@pytest.mark.points(2)
def test_train_step_resets_gradients_between_calls(submission):
    """Two train_step calls move W and b as two separate single calls would."""
    found = submission.scenario(TWO_STEPS, ["train_step"],
                                "calling train_step twice from the same start",
                                **_step_inputs())
    expect_steps_independent("train_step", found["start"], found["after_one"],
                             found["after_two"], found["single_second"])
