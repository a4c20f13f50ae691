"""Assignment 6 (lesson 10): logistic regression, binary cross-entropy, classes and accuracy.

The trained model is measured by the grader itself: its probabilities on points of the
grader's, and its binary cross-entropy on the training points. A miss is explained by re-running
the lesson's training with each usual mistake (another loss, learning rate, number of epochs,
...): a cause is named only when its run reproduces the student's model.
"""

from functools import lru_cache

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
from grader.checks.bands import Band
from grader.checks.classification import (
    END_WITH_SIGMOID,
    binary_cross_entropy,
    outside_unit_interval,
)
from grader.checks.closeness import is_close
from grader.checks.explanation import Explanation
from grader.checks.logistic_descent import LogisticRun, explain_logistic, seeded_start
from grader.checks.loss_record import (
    expect_finite,
    expect_last_below,
    expect_one_per_epoch,
    expect_recorded_end,
    recorded_numbers,
)
from grader.checks.mistaken_runs import Evidence
from grader.checks.own_data import data_typed_otherwise
from grader.checks.sizes import place_of, sized_call
from grader.checks.trained_line import departure, learning_rates, recorded_losses
from grader.errors import Cause, Feedback
from grader.grading.inputs import grader_tensor
from grader.probing.wire import ModuleSnapshot

pytestmark = pytest.mark.assignment("06_logistic_regression.ipynb")

EPOCHS = 1000
LR = 1.0
SEED = 1  # the model cell's torch.manual_seed(1), then nn.Linear(2, 1)
NOTEBOOK_ROWS = (6,)  # the six training points: a row count typed in works on them only
LOSS_THRESHOLD = 0.03  # the reference ends at 0.0198; lr 0.5 gives 0.038, 100 epochs 0.134
# The grader's own binary cross-entropy of the trained model: full marks at 0.03 or below,
# partial credit up to 0.1 (lr 0.5 ends at 0.038: 89 %; 100 epochs at 0.134: none).
CROSS_ENTROPY_BAND = Band(full=LOSS_THRESHOLD, zero=0.1)
# Probabilities on the grader's points. From any seed the same training lands within 5e-4 of
# the reference, float64 within 1e-6; MSE instead of BCE is 0.11 off, 2000 epochs 0.05.
PROBABILITY_TOLERANCE = 0.01
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


def _own_data(submission, reference) -> tuple[torch.Tensor, torch.Tensor] | None:
    """X_train and y_train typed otherwise than the lesson's (grader/checks/own_data.py), with
    labels still 0 or 1: the training is then judged on them, and only the data test charges
    the data."""
    found = data_typed_otherwise(submission, reference, ("X_train", "y_train"))
    if not found or not bool(((found[1] == 0) | (found[1] == 1)).all()):
        return None
    return found[0], found[1]


def lesson_run(submission, reference) -> LogisticRun:
    """The lesson's training, run by the grader from the model cell's seeded start, on the
    notebook's own data where they differ from the lesson's."""
    weight, bias = seeded_start(SEED)
    X, y = _own_data(submission, reference) or (reference.value("X_train"),
                                                reference.value("y_train"))
    return LogisticRun(X, y, weight, bias, LR, EPOCHS)


def _lesson_on_own_data(submission, reference) -> bool:
    """The data differ from the lesson's, and the model is what the lesson's training makes
    of them: the data test charges the data, the training tests nothing more."""
    if _own_data(submission, reference) is None:
        return False
    run = lesson_run(submission, reference)
    points = _points()
    found = _outputs(submission, points, "running your trained `model` on 10 points of the "
                                         "grader's")
    return is_close(found, run.probabilities(run.result.parameters, points), rtol=0.0,
                    atol=PROBABILITY_TOLERANCE)


def _trained(submission) -> torch.Tensor | None:
    """The trained model's weight then bias, in its own dtype, when it is one linear layer."""
    model = submission.value("model")
    if not isinstance(model, ModuleSnapshot):
        return None
    shapes = {tuple(v.shape): v for v in model.state.values()
              if isinstance(v, torch.Tensor) and v.is_floating_point()}
    if len(model.state) != 2 or set(shapes) != {(1, 2), (1,)}:
        return None
    return torch.cat([shapes[(1, 2)].reshape(-1), shapes[(1,)].reshape(-1).to(
        shapes[(1, 2)].dtype)])


@lru_cache(maxsize=4)
def _explained(submission, reference) -> Explanation | None:
    """The usual mistakes that reproduce the notebook's training (run only on a failure)."""
    try:
        trained = _trained(submission)
    except Feedback:
        return None
    if trained is None:
        return None
    return explain_logistic(Evidence(trained, recorded_losses(submission)),
                            lesson_run(submission, reference), _points(), PROBABILITY_TOLERANCE,
                            learning_rates(submission))


def _hint(submission, reference):
    """What explains the training, else where its losses leave the lesson's, and the lesson."""
    def hint():
        explained = _explained(submission, reference)
        if explained is not None:
            return explained
        where = departure(recorded_losses(submission),
                          lesson_run(submission, reference).result.losses)
        return f"{where} {TRAINING_HINT}".strip()
    return hint


def _points() -> torch.Tensor:
    return grader_tensor(10, 2, seed=61, scale=1.5, shift=3.0)


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
    points = _points()
    describe = "running your trained `model` on 10 points of the grader's"
    expected = _outputs(reference, points, describe)
    found = _outputs(submission, points, describe)
    odd = outside_unit_interval(found)
    if odd is not None:
        raise Feedback(f"`model(points)` should be probabilities between 0 and 1, but it "
                       f"gives {odd:.4g}: the model returns the linear layer's raw scores "
                       f"(logits), even if your loop applies a sigmoid to them. "
                       f"{END_WITH_SIGMOID}", cause=Cause.LOGITS)
    if _lesson_on_own_data(submission, reference):
        return
    expect_tensor_like(found, expected, "model(points)", check_dtype=False)
    expect_close(found, expected, "model(points)", rtol=0.0, atol=PROBABILITY_TOLERANCE,
                 hint=_hint(submission, reference))


@pytest.mark.points(1)
def test_training_records_a_loss_per_epoch_that_ends_below_the_threshold(submission,
                                                                         reference):
    """losses holds the 1000 losses of the training, ending below 0.03."""
    values = recorded_numbers(submission.value("losses"), "losses")
    expect_one_per_epoch(values, EPOCHS, "losses")
    expect_finite(values, "losses")
    X, y = _own_data(submission, reference) or (reference.value("X_train"),
                                                reference.value("y_train"))
    y = y.double()
    probabilities = _as_probabilities(_outputs(submission, X, "running your model"))
    if probabilities.shape != y.shape:
        raise Feedback(f"`model(X_train)` has shape {tuple(probabilities.shape)}, expected "
                       f"{tuple(y.shape)}: one probability per row.", cause=Cause.WRONG_SHAPE)
    # the losses of the training, whichever loss it minimised: the lesson's, the MSE, the
    # sum over the points, or a second sigmoid (the test of the model's probabilities names
    # the cause: charged once, there)
    candidates = [binary_cross_entropy(probabilities, y),
                  ((probabilities - y) ** 2).mean().item(),
                  y.shape[0] * binary_cross_entropy(probabilities, y),
                  binary_cross_entropy(probabilities.sigmoid(), y)]
    nearest = min(candidates, key=lambda c: abs(c - values[-1]))
    expect_recorded_end(values, nearest, "losses", "your trained model on X_train")
    if _lesson_on_own_data(submission, reference):
        return
    expect_last_below(values, LOSS_THRESHOLD, "losses", _hint(submission, reference))


@pytest.mark.points(2)
def test_trained_model_has_a_low_binary_cross_entropy(submission, reference):
    """The grader's binary cross-entropy of model(X_train) is 0.03 or below (partial credit
    up to 0.1)."""
    if _lesson_on_own_data(submission, reference):
        return
    X, y = reference.value("X_train"), reference.value("y_train")
    describe = "running your trained `model` on the six training points"
    expected = _outputs(reference, X, describe)
    found = _as_probabilities(_outputs(submission, X, describe))
    reference_loss = binary_cross_entropy(expected, y)
    expect_cross_entropy_below(found, y, CROSS_ENTROPY_BAND, "model(X_train)", reference_loss,
                               hint=_hint(submission, reference))


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
        found = sized_call(
            lambda probabilities=probabilities: submission.call(
                "predict_classes", probabilities).value, probabilities.shape[0], NOTEBOOK_ROWS,
            "predict_classes", submission,
            lambda: submission.call("predict_classes", torch.full((6, 1), 0.7)))
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
        found = sized_call(
            lambda predictions=predictions, targets=targets: submission.call(
                "accuracy", predictions, targets).value, predictions.shape[0], NOTEBOOK_ROWS,
            "accuracy", submission,
            lambda: submission.call("accuracy", torch.ones(6, 1), torch.ones(6, 1)))
        expect_accuracy(found, expected, f"accuracy of {predictions.shape[0]} predictions",
                        predictions, targets, notebook_rows=NOTEBOOK_ROWS,
                        where=place_of(submission, "accuracy", NOTEBOOK_ROWS[0]))
