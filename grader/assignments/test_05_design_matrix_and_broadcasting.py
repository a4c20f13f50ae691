"""Assignment 5 (lesson 9): the design matrix [1, x]; a loss on matching shapes, not (N, N)."""

import pytest
import torch

from grader.checks import (
    expect_close,
    expect_design_matrix,
    expect_matching_shapes_loss,
    expect_not_broadcast,
    expect_tensor_like,
    expect_training_converged,
)
from grader.checks.broadcasting import broadcast_mse
from grader.errors import Feedback
from grader.grading.inputs import grader_tensor
from grader.probing.wire import ModuleSnapshot

pytestmark = pytest.mark.assignment("05_design_matrix_and_broadcasting.ipynb")

N = 100
EPOCHS = 100
LOSS_THRESHOLD = 0.2  # the reference ends at 0.1527 (noise variance 0.16); broadcast: 15.6
WEIGHT_TOLERANCE = 0.01  # the reference has converged to 1e-6; 20 epochs are still 0.05 off
TRUE_WEIGHT = (2.5, 4.0)
DATA_HINT = ("Seed with torch.manual_seed(202150754), draw x with torch.randn(100) and sort it, "
             "then the noise 0.4 * torch.randn(100), in that order.")


@pytest.mark.points(2)
def test_design_matrix_puts_a_column_of_ones_before_x(submission, reference):
    for rows, seed in ((5, 51), (8, 52), (3, 53)):
        x = grader_tensor(rows, seed=seed, scale=2.0)
        expected = reference.call("design_matrix", x).value
        found = submission.call("design_matrix", x).value
        expect_design_matrix(found, expected, "design_matrix(x)",
                             hint="The second column is x itself, in the order given.")


@pytest.mark.points(1)
def test_data_are_the_seeded_lesson_data_with_flat_targets(submission, reference):
    expect_design_matrix(submission.value("X"), reference.value("X"), "X", hint=DATA_HINT)
    expected_y = reference.value("y")
    found_y = expect_tensor_like(submission.value("y"), expected_y, "y", check_dtype=False)
    expect_close(found_y, expected_y, "y", hint=DATA_HINT + " Then y = X @ W_true + noise.")


def _loss_inputs(rows: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    y_hat = grader_tensor(rows, 1, seed=seed, scale=3.0, requires_grad=True)
    y = grader_tensor(rows, seed=seed + 1, scale=3.0, shift=1.0)
    return y_hat, y


@pytest.mark.points(3)
def test_mse_loss_pairs_each_prediction_with_its_own_target(submission, reference):
    for rows, seed, column in ((8, 61, False), (12, 63, False), (8, 65, True)):
        y_hat, y = _loss_inputs(rows, seed)
        y = y.reshape(-1, 1) if column else y
        name = f"mse_loss(y_hat, y) for y_hat {tuple(y_hat.shape)} and y {tuple(y.shape)}"
        expected = reference.call("mse_loss", y_hat, y).value
        found = submission.call("mse_loss", y_hat, y).value
        if not isinstance(found, torch.Tensor) or found.numel() != 1:
            raise Feedback(f"{name} should return a tensor with one value (so that backward() "
                           f"works), found {found!r}"[:300])
        expect_matching_shapes_loss(
            found.reshape(()), expected, broadcast_mse(y_hat, y), name,
            rows=rows,
            hint="Pair prediction i with target i: ((y_hat.reshape(-1) - y.reshape(-1)) ** 2)"
                 ".mean().")


@pytest.mark.points(1)
def test_initial_loss_is_the_loss_on_matching_shapes(submission, reference):
    expect_matching_shapes_loss(
        submission.value("initial_loss"), reference.value("initial_loss"),
        reference.value("broadcast_loss"), "initial_loss", rows=N,
        hint="Start from the weight [[-5.0, 10.0]] on the seeded data; it should be about "
             f"109.81. {DATA_HINT}")


@pytest.mark.points(1)
def test_training_records_a_loss_per_epoch_that_ends_below_the_threshold(submission,
                                                                         reference):
    losses = submission.value("losses")
    if not isinstance(losses, list) or not losses:
        raise Feedback(f"`losses` should be a list with one float per epoch, found {losses!r}"
                       [:300])
    expect_not_broadcast(losses[0], reference.value("broadcast_loss"), "the first recorded loss",
                         rows=N)
    try:
        expect_training_converged(losses, LOSS_THRESHOLD, "losses", epochs=EPOCHS)
    except Feedback as failure:
        if _same_data(submission, reference):
            raise
        raise Feedback(f"{failure} Your `X` and `y` also differ from the lesson's data (see the "
                       f"data test), and the settings were chosen for those: {DATA_HINT}"
                       ) from None


def _same_data(submission, reference) -> bool:
    """Whether the notebook's X and y are the lesson's (within float32 rounding)."""
    for name in ("X", "y"):
        try:
            found = submission.value(name)
        except Feedback:
            return False
        expected = reference.value(name)
        if not isinstance(found, torch.Tensor) or found.shape != expected.shape:
            return False
        if not torch.allclose(found.double(), expected.double(), rtol=1e-4, atol=1e-5):
            return False
    return True


@pytest.mark.points(2)
def test_learned_weight_approaches_the_true_weight(submission, reference):
    submission.value("losses")  # reports a training cell that stopped with an error
    model = submission.value("model")
    if not isinstance(model, ModuleSnapshot) or "weight" not in model.state:
        raise Feedback(f"`model` should be the nn.Linear(2, 1, bias=False) you trained, found "
                       f"{getattr(model, 'type_name', type(model).__name__)}.")
    if "bias" in model.state:
        raise Feedback("`model` has a bias: create it with nn.Linear(2, 1, bias=False). The "
                       "column of ones already plays the bias's role.")
    expected = reference.value("model").state["weight"]
    weight = expect_tensor_like(model.state["weight"], expected, "model.weight",
                                check_dtype=False)
    # Trained on the (N, N) broadcast, the best line is flat at the mean of y: [mean(y), 0].
    flat_fit = torch.tensor([[reference.value("y").double().mean().item(), 0.0]])
    expect_not_broadcast(weight, flat_fit, "model.weight after training", rows=N,
                         rtol=0.0, atol=WEIGHT_TOLERANCE)
    expect_close(weight, expected, "model.weight after training", rtol=0.0,
                 atol=WEIGHT_TOLERANCE,
                 hint=f"It should approach the true weight {list(TRUE_WEIGHT)} (the reference "
                      f"reaches {[round(v, 4) for v in expected.reshape(-1).tolist()]}). Train "
                      f"{EPOCHS} epochs with SGD at lr = 0.1 from [[-5, 10]], on mse_loss.")
