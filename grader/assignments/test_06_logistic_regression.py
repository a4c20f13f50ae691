"""Assignment 6 (lesson 10): logistic regression, binary cross-entropy, classes and accuracy."""

import pytest
import torch

from grader.checks import (
    expect_accuracy,
    expect_class_predictions,
    expect_close,
    expect_cross_entropy_below,
    expect_probabilities,
    expect_same_values,
    expect_tensor_like,
    expect_training_converged,
)
from grader.errors import Feedback
from grader.grading.inputs import grader_tensor

pytestmark = pytest.mark.assignment("06_logistic_regression.ipynb")

EPOCHS = 1000
LOSS_THRESHOLD = 0.03  # the reference ends at 0.0198; lr 0.5 gives 0.038, 100 epochs 0.134
# Probabilities on the grader's points. From any seed the same training lands within 5e-4 of
# the reference, float64 within 1e-6; MSE instead of BCE is 0.11 off, 2000 epochs 0.05.
PROBABILITY_TOLERANCE = 0.01
TRAINING_HINT = ("Train nn.Sequential(nn.Linear(2, 1), nn.Sigmoid()) for 1000 epochs with "
                 "torch.optim.SGD at lr = 1 on binary cross-entropy (F.binary_cross_entropy or "
                 "nn.BCELoss), resetting the gradients every epoch.")

# The trained model's probabilities on the grader's points, on the model's device and dtype.
PROBABILITIES = """
import torch
parameter = next(model.parameters())
with torch.no_grad():
    result = model(points.to(device=parameter.device, dtype=parameter.dtype)).cpu()
"""


def _probabilities(notebook, points: torch.Tensor, describe: str) -> torch.Tensor:
    # Reading `losses` first reports a training cell that stopped with an error (the model
    # would otherwise be graded untrained, with a less useful message).
    notebook.value("losses")
    return notebook.scenario(PROBABILITIES, ["model"], describe, points=points)


@pytest.mark.points(1)
def test_training_data_are_the_six_points_in_order(submission, reference):
    for name in ("X_train", "y_train"):
        expected = reference.value(name)
        found = expect_tensor_like(submission.value(name), expected, name, check_dtype=False)
        expect_same_values(found, expected, name, hint="Keep the rows in the order given.")


@pytest.mark.points(2)
def test_trained_model_gives_the_reference_probabilities_on_new_points(submission, reference):
    points = grader_tensor(10, 2, seed=61, scale=1.5, shift=3.0)
    describe = "running your trained `model` on 10 points of the grader's"
    expected = _probabilities(reference, points, describe)
    found = expect_probabilities(_probabilities(submission, points, describe), "model(points)")
    expect_tensor_like(found, expected, "model(points)", check_dtype=False)
    expect_close(found, expected, "model(points)", rtol=0.0, atol=PROBABILITY_TOLERANCE,
                 hint=TRAINING_HINT)


@pytest.mark.points(1)
def test_training_records_a_loss_per_epoch_that_ends_below_the_threshold(submission):
    losses = submission.value("losses")
    if not isinstance(losses, list):
        raise Feedback(f"`losses` should be a list of floats, found {type(losses).__name__}.")
    expect_training_converged(losses, LOSS_THRESHOLD, "losses", epochs=EPOCHS)


@pytest.mark.points(2)
def test_trained_model_has_a_low_binary_cross_entropy(submission, reference):
    X, y = reference.value("X_train"), reference.value("y_train")
    describe = "running your trained `model` on the six training points"
    expected = _probabilities(reference, X, describe)
    found = _probabilities(submission, X, describe)
    reference_loss = torch.nn.functional.binary_cross_entropy(expected, y).item()
    expect_cross_entropy_below(found, y, LOSS_THRESHOLD, "model(X_train)", reference_loss)


def _probabilities_near_one_half(seed: int) -> torch.Tensor:
    # Most within 0.4-0.6: a threshold other than 0.5 misclassifies some of them.
    return torch.sigmoid(grader_tensor(12, 1, seed=seed, scale=0.6))


@pytest.mark.points(1)
def test_predict_classes_thresholds_probabilities_at_one_half(submission, reference):
    for seed in (71, 72):
        probabilities = _probabilities_near_one_half(seed)
        expected = reference.call("predict_classes", probabilities).value
        found = submission.call("predict_classes", probabilities).value
        expect_class_predictions(found, expected, probabilities, "predict_classes(probabilities)")


@pytest.mark.points(1)
def test_accuracy_is_the_fraction_of_matching_predictions(submission, reference):
    for seed in (81, 83):
        predictions = (grader_tensor(10, 1, seed=seed) > 0).float()
        targets = (grader_tensor(10, 1, seed=seed + 1) > 0).float()
        expected = reference.call("accuracy", predictions, targets).value
        found = submission.call("accuracy", predictions, targets).value
        expect_accuracy(found, expected, "accuracy(predictions, targets)")


@pytest.mark.points(1)
def test_trained_model_classifies_every_training_point_correctly(submission, reference):
    submission.value("losses")  # reports a training cell that stopped with an error
    expect_class_predictions(submission.value("train_predictions"),
                             reference.value("train_predictions"),
                             submission.value("probabilities"), "train_predictions",
                             hint=TRAINING_HINT)
    expect_accuracy(submission.value("train_accuracy"), reference.value("train_accuracy"),
                    "train_accuracy")
