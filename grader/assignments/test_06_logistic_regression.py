"""Assignment 6 (lesson 10): logistic regression, binary cross-entropy, classes and accuracy.

The trained model is measured by the grader itself: its probabilities on points of the
grader's, and its binary cross-entropy on the training points. What it was trained on is read
from the evidence (the recorded losses, the model's outputs), to name the cause of a miss.
"""

import pytest
import torch

from grader.checks import (
    expect_accuracy,
    expect_class_predictions,
    expect_close,
    expect_cross_entropy_below,
    expect_same_values,
    expect_tensor_like,
)
from grader.checks.classification import (
    END_WITH_SIGMOID,
    binary_cross_entropy,
    outside_unit_interval,
)
from grader.checks.loss_record import (
    expect_below,
    expect_finite,
    expect_one_per_epoch,
    expect_recorded_end,
    recorded_numbers,
)
from grader.errors import Feedback
from grader.grading.inputs import grader_tensor

pytestmark = pytest.mark.assignment("06_logistic_regression.ipynb")

EPOCHS = 1000
LR = 1.0
LOSS_THRESHOLD = 0.03  # the reference ends at 0.0198; lr 0.5 gives 0.038, 100 epochs 0.134
# Probabilities on the grader's points. From any seed the same training lands within 5e-4 of
# the reference, float64 within 1e-6; MSE instead of BCE is 0.11 off, 2000 epochs 0.05.
PROBABILITY_TOLERANCE = 0.01
SAME_LOSS = 0.02  # relative: the last recorded loss against the trained model's own
TRAINING_HINT = ("The lesson's training: 1000 epochs of SGD at lr = 1 on the binary "
                 "cross-entropy of the model's probabilities (F.binary_cross_entropy or "
                 "nn.BCELoss), one full-batch step per epoch, resetting the gradients.")

# The trained model's raw outputs on the grader's points, on the model's device and dtype.
OUTPUTS = """
import torch
parameter = next(model.parameters())
with torch.no_grad():
    result = model(points.to(device=parameter.device, dtype=parameter.dtype)).cpu()
"""


def _outputs(notebook, points: torch.Tensor, describe: str) -> torch.Tensor:
    # Reading `losses` first reports a training cell that stopped with an error (the model
    # would otherwise be graded untrained, with a less useful message).
    notebook.value("losses")
    found = notebook.scenario(OUTPUTS, ["model"], describe, points=points)
    if not isinstance(found, torch.Tensor):
        raise Feedback(f"`model(X)` should return a tensor, found {type(found).__name__}.")
    return found.detach().double()


def _as_probabilities(outputs: torch.Tensor) -> torch.Tensor:
    """The model's probabilities: its outputs, or their sigmoid if it returns logits (that
    mistake is charged once, by the test of the model's probabilities)."""
    return outputs.sigmoid() if outside_unit_interval(outputs) is not None else outputs


def _training_cause(submission, reference) -> str | None:
    """What the evidence says the model was trained on, when it is not what was asked."""
    X, y = reference.value("X_train"), reference.value("y_train").double()
    probabilities = _as_probabilities(_outputs(submission, X, "running your model"))
    try:
        values = recorded_numbers(submission.value("losses"), "losses")
    except Feedback:
        return None
    if not values:
        return None
    last = values[-1]
    if probabilities.shape != y.shape:
        return None
    if _near(last, ((probabilities - y) ** 2).mean().item()) and not _near(
            last, binary_cross_entropy(probabilities, y)):
        return ("Your recorded losses are the mean squared error of the model's "
                "probabilities: it was trained on the MSE, not the binary cross-entropy. "
                "Train with F.binary_cross_entropy (or nn.BCELoss).")
    rows = y.shape[0]
    if _near(last, rows * binary_cross_entropy(probabilities, y)) and not _near(
            last, binary_cross_entropy(probabilities, y)):
        return (f"Your recorded losses are the sum of the binary cross-entropies of the "
                f"{rows} points, {rows} times their mean (reduction='sum', or .sum() instead "
                f"of .mean()): every step was {rows} times larger than the lesson's. Use the "
                "mean: F.binary_cross_entropy (or nn.BCELoss()) with its default "
                "reduction='mean'.")
    if _near(last, binary_cross_entropy(probabilities.sigmoid(), y)):
        return ("Your recorded losses are the binary cross-entropy of sigmoid(model(X)): the "
                "sigmoid is applied twice. nn.BCEWithLogitsLoss and "
                "F.binary_cross_entropy_with_logits apply one themselves, for a model without "
                "a sigmoid; your model already ends with one: use F.binary_cross_entropy "
                "(or nn.BCELoss) on its output.")
    if len(values) != EPOCHS:
        return f"Your model was trained for {len(values)} epochs (one loss each): use {EPOCHS}."
    try:
        lr = submission.value("lr")
    except Feedback:
        return None
    if isinstance(lr, (int, float)) and abs(float(lr) - LR) > 1e-12:
        return f"Your lr is {lr:g}: the lesson trains at lr = {LR:g}."
    return None


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= SAME_LOSS * abs(b) + 1e-6


@pytest.mark.points(1)
def test_training_data_are_the_six_points_in_order(submission, reference):
    """X_train (6, 2) and y_train (6, 1) hold the six points and labels, in order."""
    for name in ("X_train", "y_train"):
        expected = reference.value(name)
        found = expect_tensor_like(submission.value(name), expected, name, check_dtype=False)
        expect_same_values(found, expected, name, hint="Keep the rows in the order given.")


@pytest.mark.points(2)
def test_trained_model_gives_the_reference_probabilities_on_new_points(submission, reference):
    """model(points) are probabilities within 0.01 of the reference's, on 10 new points."""
    points = grader_tensor(10, 2, seed=61, scale=1.5, shift=3.0)
    describe = "running your trained `model` on 10 points of the grader's"
    expected = _outputs(reference, points, describe)
    found = _outputs(submission, points, describe)
    odd = outside_unit_interval(found)
    if odd is not None:
        raise Feedback(f"`model(points)` should be probabilities between 0 and 1, but it "
                       f"gives {odd:.4g}: the model returns the linear layer's raw scores "
                       f"(logits), even if your loop applies a sigmoid to them. "
                       f"{END_WITH_SIGMOID}")
    expect_tensor_like(found, expected, "model(points)", check_dtype=False)
    expect_close(found, expected, "model(points)", rtol=0.0, atol=PROBABILITY_TOLERANCE,
                 hint=lambda: _training_cause(submission, reference) or TRAINING_HINT)


@pytest.mark.points(1)
def test_training_records_a_loss_per_epoch_that_ends_below_the_threshold(submission,
                                                                         reference):
    """losses holds the 1000 losses of the training, ending below 0.03."""
    values = recorded_numbers(submission.value("losses"), "losses")
    expect_one_per_epoch(values, EPOCHS, "losses")
    expect_finite(values, "losses")
    X, y = reference.value("X_train"), reference.value("y_train").double()
    probabilities = _as_probabilities(_outputs(submission, X, "running your model"))
    if probabilities.shape != y.shape:
        raise Feedback(f"`model(X_train)` has shape {tuple(probabilities.shape)}, expected "
                       f"{tuple(y.shape)}: one probability per row.")
    # the losses of the training, whichever loss it minimised: the lesson's, the MSE, the
    # sum over the points, or a second sigmoid (the test of the model's probabilities names
    # the cause: charged once, there)
    candidates = [binary_cross_entropy(probabilities, y),
                  ((probabilities - y) ** 2).mean().item(),
                  y.shape[0] * binary_cross_entropy(probabilities, y),
                  binary_cross_entropy(probabilities.sigmoid(), y)]
    nearest = min(candidates, key=lambda c: abs(c - values[-1]))
    expect_recorded_end(values, nearest, "losses", "your trained model on X_train")
    expect_below(values, LOSS_THRESHOLD, "losses",
                 lambda: _training_cause(submission, reference) or TRAINING_HINT)


@pytest.mark.points(2)
def test_trained_model_has_a_low_binary_cross_entropy(submission, reference):
    """The grader's binary cross-entropy of model(X_train) is below 0.03."""
    X, y = reference.value("X_train"), reference.value("y_train")
    describe = "running your trained `model` on the six training points"
    expected = _outputs(reference, X, describe)
    found = _as_probabilities(_outputs(submission, X, describe))
    reference_loss = binary_cross_entropy(expected, y)
    expect_cross_entropy_below(found, y, LOSS_THRESHOLD, "model(X_train)", reference_loss,
                               cause=lambda: _training_cause(submission, reference) or "")


def _probability_inputs() -> list[torch.Tensor]:
    near_one_half = [torch.sigmoid(grader_tensor(12, 1, seed=seed, scale=0.6))
                     for seed in (71, 72)]
    return [
        *near_one_half,                                            # most within 0.4-0.6
        torch.full((4, 1), 0.5),                                   # a zero-initialised model
        torch.tensor([[0.5], [0.0], [1.0], [0.4999], [0.5001]]),   # the edges
        torch.tensor([[0.5]]),                                     # one row
        torch.rand(1000, 1, generator=torch.Generator().manual_seed(73)),  # many rows
        torch.tensor([0.2, 0.5, 0.7, 0.5, 0.1, 0.9]),              # a flat (6,) input
    ]


@pytest.mark.points(2)
def test_predict_classes_thresholds_probabilities_at_one_half(submission, reference):
    """predict_classes gives class 1 for probabilities >= 0.5 (0.5 itself included), in the
    input's shape."""
    for probabilities in _probability_inputs():
        expected = reference.call("predict_classes", probabilities).value
        found = submission.call("predict_classes", probabilities).value
        expect_class_predictions(found, expected, probabilities,
                                 f"predict_classes(probabilities of shape "
                                 f"{tuple(probabilities.shape)})")


def _accuracy_inputs() -> list[tuple[torch.Tensor, torch.Tensor]]:
    random = [((grader_tensor(10, 1, seed=seed) > 0).float(),
               (grader_tensor(10, 1, seed=seed + 1) > 0).float()) for seed in (81, 83)]
    ones, zeros = torch.ones(5, 1), torch.zeros(5, 1)
    return [*random,
            (ones, ones), (ones, zeros),                        # all right, all wrong
            (torch.ones(1, 1), torch.ones(1, 1)),               # one row
            ((grader_tensor(1000, 1, seed=85) > 0).float(),
             (grader_tensor(1000, 1, seed=86) > 0).float())]    # many rows


@pytest.mark.points(1)
def test_accuracy_is_the_fraction_of_matching_predictions(submission, reference):
    """accuracy(predictions, targets) is the fraction of equal entries, a number in [0, 1]."""
    for predictions, targets in _accuracy_inputs():
        expected = reference.call("accuracy", predictions, targets).value
        found = submission.call("accuracy", predictions, targets).value
        expect_accuracy(found, expected, f"accuracy of {predictions.shape[0]} predictions",
                        predictions, targets)
