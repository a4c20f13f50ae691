"""Assignment 3 (lessons 5-6): the training loop with torch.optim.SGD; seeds and reproducibility."""

import pytest
import torch

from grader.checks import (
    expect_close,
    expect_converged_without_accumulation,
    expect_different_for_different_seeds,
    expect_reset_between_steps,
    expect_same_for_same_seed,
    expect_same_values,
    expect_seeded_like_reference,
    expect_tensor_like,
)
from grader.errors import Feedback
from grader.grading.inputs import grader_tensor

pytestmark = pytest.mark.assignment("03_optimizer_and_seeds.ipynb")

EPOCHS = 2000
LOSS_THRESHOLD = 1e-5  # the reference ends at 5.2e-6; 200 epochs end at 0.03, no reset at 19
# Float32 and float64, x * W and X @ W all land within 1e-6 of the reference's W and b; twice
# the epochs moves b by 0.006 and W by 0.003, so 1e-3 still tells them apart.
PARAMETER_TOLERANCE = 1e-3
STEP_LR = 0.05


def _expect_column_data(submission, reference) -> None:
    """The loop's data are (3, 1) columns: (3, 1) predictions against (3,) targets broadcast."""
    for name in ("X_train", "y_train"):
        expected = reference.value(name)
        found = submission.value(name)
        if isinstance(found, torch.Tensor) and found.shape != expected.shape:
            raise Feedback(
                f"`{name}` has shape {tuple(found.shape)}, not {tuple(expected.shape)}, so the "
                f"loss compared (3, 1) predictions with a {tuple(found.shape)} tensor: they "
                "broadcast to (3, 3), every prediction against every target, and training "
                "fits the wrong thing without any error. Make both (3, 1) columns.")


@pytest.mark.points(1)
def test_training_data_are_the_y_equals_2x_columns(submission, reference):
    for name in ("X_train", "y_train"):
        expected = reference.value(name)
        found = expect_tensor_like(submission.value(name), expected, name, check_dtype=False)
        expect_same_values(found, expected, name, hint="Keep the rows in the order given.")


@pytest.mark.points(2)
def test_sgd_loop_records_a_loss_per_epoch_that_ends_below_1e_5(submission, reference):
    losses = submission.value("losses")
    if not isinstance(losses, list):
        raise Feedback(f"`losses` should be a list of floats, found {type(losses).__name__}.")
    _expect_column_data(submission, reference)
    expect_converged_without_accumulation(losses, LOSS_THRESHOLD, "losses", epochs=EPOCHS,
                                          lr=submission.value("lr"),
                                          expected_lr=reference.value("lr"))


@pytest.mark.points(2)
def test_trained_W_and_b_are_near_the_reference(submission, reference):
    _expect_column_data(submission, reference)
    for name in ("W", "b"):
        expect_close(submission.value(name), reference.value(name), name, rtol=0.0,
                     atol=PARAMETER_TOLERANCE,
                     hint=f"Start from zeros and train {EPOCHS} epochs with SGD at lr = 0.01, "
                          "calling optimizer.zero_grad(), cost.backward() and "
                          "optimizer.step() every epoch (resetting gradients each time).")


def _step_inputs() -> dict:
    return {
        "X": grader_tensor(4, 1, seed=51, scale=2.0),
        "y": grader_tensor(4, 1, seed=52, scale=5.0),
        "W": grader_tensor(1, 1, seed=53, requires_grad=True),
        "b": grader_tensor(1, seed=54, requires_grad=True),
    }


# The parameters before, between and after two calls: the gradient each step applied is
# (before - after) / lr, wherever the step resets .grad (before backward, or after step).
TWO_STEPS = f"""
import torch
optimizer = torch.optim.SGD([W, b], lr={STEP_LR})
states = [(W.detach().clone(), b.detach().clone())]
step_losses = []
for _ in range(2):
    step_losses.append(train_step(X, y, W, b, optimizer))
    states.append((W.detach().clone(), b.detach().clone()))
result = {{"W": [s[0] for s in states], "b": [s[1] for s in states], "losses": step_losses}}
"""
TWO_STEPS_DESCRIBE = f"calling train_step twice with the grader's W, b and SGD(lr={STEP_LR})"


def _two_steps(notebook) -> dict:
    return notebook.scenario(TWO_STEPS, ["train_step"], TWO_STEPS_DESCRIBE, **_step_inputs())


@pytest.mark.points(1)
def test_train_step_is_one_step_of_the_optimizer_it_is_given(submission, reference):
    expected, found = _two_steps(reference), _two_steps(submission)
    if not isinstance(found["losses"][0], (int, float)):
        raise Feedback(f"train_step should return the loss as a Python float (cost.item()), "
                       f"found {found['losses'][0]!r}.")
    expect_close(found["losses"][0], expected["losses"][0], "the loss returned by train_step",
                 hint="Return the mean squared error of X @ W + b against y, computed before "
                      "the update, as cost.item().")
    for name in ("W", "b"):
        expect_close(found[name][1], expected[name][1], f"{name} after one train_step",
                     hint="Update through the optimizer that is passed in: optimizer.step() "
                          "after cost.backward() (do not create another optimizer inside).")


@pytest.mark.points(2)
def test_train_step_resets_gradients_between_calls(submission, reference):
    expected, found = _two_steps(reference), _two_steps(submission)
    for name in ("W", "b"):
        first = (expected[name][0] - expected[name][1]) / STEP_LR
        second = (expected[name][1] - expected[name][2]) / STEP_LR
        applied = (found[name][1] - found[name][2]) / STEP_LR
        expect_reset_between_steps("train_step", name, applied, second, first + second)


@pytest.mark.points(2)
def test_seeded_draws_follow_the_seed_and_repeat_the_lecture(submission, reference):
    def draws(notebook, seed: int, n: int) -> dict:
        values = notebook.call("seeded_draws", seed, n).value
        if notebook is submission:
            _expect_numbers(values, n, f"seeded_draws({seed}, {n})")
        return {"draws": values}

    runs = {seed: draws(submission, seed, 2) for seed in (3, 5)}
    expect_different_for_different_seeds(runs, "seeded_draws(seed, 2)")
    expect_same_for_same_seed(runs[3], draws(submission, 3, 2), "seeded_draws(3, 2)")
    for seed, n in ((3, 2), (5, 2), (2024, 4)):
        expect_seeded_like_reference(
            draws(submission, seed, n), draws(reference, seed, n), f"seeded_draws({seed}, {n})",
            hint="Seed first with torch.manual_seed(seed), then call torch.rand(1) n times "
                 "(uniform on [0, 1); torch.randn draws from a normal distribution and gives "
                 "other numbers).")


def _expect_numbers(values, n: int, call: str) -> None:
    if not isinstance(values, (list, tuple)):
        raise Feedback(f"{call} should return a list of {n} floats, found "
                       f"{type(values).__name__}.")
    if len(values) != n:
        raise Feedback(f"{call} should return {n} numbers, one per draw, found {len(values)}.")


def _seed_inputs() -> tuple:
    return grader_tensor(6, 1, seed=61, scale=2.0), grader_tensor(6, 1, seed=62, scale=4.0)


SEED_EPOCHS = 30  # enough steps for a wrong start or a wrong step to show


def _train_from_seed(notebook, seed: int) -> dict:
    X, y = _seed_inputs()
    found = notebook.call("train_from_seed", seed, X, y, SEED_EPOCHS).value
    if not isinstance(found, tuple) or len(found) != 3:
        raise Feedback(f"train_from_seed({seed}, X, y, {SEED_EPOCHS}) should return "
                       f"(W, b, losses), found {found!r}"[:300])
    W, b, losses = found
    if not isinstance(losses, list) or len(losses) != SEED_EPOCHS:
        raise Feedback(f"train_from_seed should return the list of the {SEED_EPOCHS} epochs' "
                       f"losses as its third value, found {losses!r}"[:300])
    return {"W": W, "b": b, "losses": losses}


@pytest.mark.points(2)
def test_train_from_seed_is_identical_for_the_same_seed(submission):
    for seed in (3, 1234):
        call = f"train_from_seed({seed}, X, y, {SEED_EPOCHS})"
        expect_same_for_same_seed(_train_from_seed(submission, seed),
                                  _train_from_seed(submission, seed), call)


@pytest.mark.points(1)
def test_train_from_seed_differs_between_seeds(submission):
    runs = {seed: _train_from_seed(submission, seed) for seed in (11, 12)}
    expect_different_for_different_seeds(runs, f"train_from_seed(seed, X, y, {SEED_EPOCHS})")


@pytest.mark.points(1)
def test_train_from_seed_matches_the_reference(submission, reference):
    for seed in (3, 11):
        expect_seeded_like_reference(
            _train_from_seed(submission, seed), _train_from_seed(reference, seed),
            f"train_from_seed({seed}, X, y, {SEED_EPOCHS})",
            hint="After torch.manual_seed(seed), draw W = torch.randn(1, 1) then "
                 "b = torch.randn(1) (torch.randn, standard normal: torch.rand is uniform and "
                 "gives other values), and train with SGD at lr = 0.01, resetting the "
                 "gradients every epoch.")
