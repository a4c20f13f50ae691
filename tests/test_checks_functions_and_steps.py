"""The checks of the student's functions on the grader's inputs: a mean squared error and its
usual variants, classes at exactly 0.5, accuracy, and step functions judged by their moves
(never by `.grad`). No kernels."""

from __future__ import annotations

import pytest
import torch

from grader.checks import expect_accuracy, expect_class_predictions, expect_steps_independent
from grader.checks.loss_functions import expect_mean_squared_error
from grader.checks.tensors import expect_dtype, expect_shape
from grader.errors import Feedback

Y_PRED = torch.tensor([[1.0], [2.0], [4.0]], requires_grad=True)
Y = torch.tensor([[0.0], [3.0], [1.0]])
ERRORS = ((Y_PRED.detach() - Y) ** 2)


def test_the_mean_squared_error_passes_whatever_it_is_built_with() -> None:
    for found in (((Y_PRED - Y) ** 2).mean(), torch.nn.functional.mse_loss(Y_PRED, Y),
                  torch.nn.MSELoss()(Y_PRED, Y)):
        expect_mean_squared_error(found, Y_PRED, Y, "mse")


@pytest.mark.parametrize(("found", "phrase"), [
    (ERRORS.mean() / 2, "half of it"),
    (ERRORS.sum(), "sum of the squared errors"),
    (ERRORS.mean().sqrt(), "square root"),
    ((Y_PRED.detach() - Y).abs().mean(), "absolute errors"),
    (((Y_PRED.detach() - Y.reshape(-1)) ** 2).mean(), "broadcasts to (3, 3)"),
])
def test_a_wrong_mean_squared_error_is_named_by_what_it_is(found: torch.Tensor,
                                                          phrase: str) -> None:
    with pytest.raises(Feedback) as failure:
        expect_mean_squared_error(found.clone().requires_grad_(True), Y_PRED, Y, "mse")
    assert phrase in str(failure.value)


def test_a_loss_without_a_graph_or_as_a_float_is_refused() -> None:
    with pytest.raises(Feedback, match="does not track gradients"):
        expect_mean_squared_error(ERRORS.mean(), Y_PRED, Y, "mse")
    with pytest.raises(Feedback, match=r"Do not call \.item\(\)"):
        expect_mean_squared_error(ERRORS.mean().item(), Y_PRED, Y, "mse")


def test_dtype_messages_say_where_the_dtype_came_from() -> None:
    for dtype, phrase in ((torch.float16, "half precision"), (torch.float64, "NumPy"),
                          (torch.int64, "Integers were given")):
        with pytest.raises(Feedback, match=phrase):
            expect_dtype(torch.zeros(3, 1, dtype=dtype), torch.float32, "X_train")


def test_a_flat_vector_for_a_column_names_the_broadcast() -> None:
    with pytest.raises(Feedback, match=r"broadcasts to \(3, 3\)"):
        expect_shape(torch.zeros(3), (3, 1), "y_train")


PROBABILITIES = torch.tensor([[0.5], [0.2], [0.9], [0.5]])
CLASSES = torch.tensor([[1.0], [0.0], [1.0], [1.0]])


def test_classes_at_exactly_one_half_are_class_1_and_misses_are_named() -> None:
    expect_class_predictions((PROBABILITIES >= 0.5).float(), CLASSES, PROBABILITIES, "classes")
    expect_class_predictions(PROBABILITIES >= 0.5, CLASSES, PROBABILITIES, "classes")  # bools
    for wrong in ((PROBABILITIES > 0.5).float(), torch.round(PROBABILITIES)):
        with pytest.raises(Feedback, match=r"exactly 0\.5.*rounds 0\.5 down"):
            expect_class_predictions(wrong, CLASSES, PROBABILITIES, "classes")
    everywhere = torch.full((4, 1), 0.5)
    with pytest.raises(Feedback, match=r"exactly 0\.5"):  # not "inverted"
        expect_class_predictions(torch.zeros(4, 1), torch.ones(4, 1), everywhere, "classes")
    clear = torch.tensor([[0.3], [0.9]])
    with pytest.raises(Feedback, match="inverted"):
        expect_class_predictions(torch.tensor([[1.0], [0.0]]), torch.tensor([[0.0], [1.0]]),
                                 clear, "classes")


def test_accuracy_names_a_percentage_and_a_broadcast_comparison() -> None:
    predictions, targets = torch.tensor([[1.0], [0.0], [1.0], [1.0]]), CLASSES
    expect_accuracy(0.75, 0.75, "accuracy", predictions, targets)
    expect_accuracy(torch.tensor(0.75), 0.75, "accuracy", predictions, targets)
    with pytest.raises(Feedback, match="percentage"):
        expect_accuracy(75.0, 0.75, "accuracy", predictions, targets)
    flat = (predictions.flatten() == targets).float().mean().item()
    with pytest.raises(Feedback, match="every prediction with every target"):
        expect_accuracy(flat, 0.75, "accuracy", predictions, targets)


def _state(value: float) -> dict[str, torch.Tensor]:
    return {"W": torch.tensor([[value]])}


def test_steps_that_reset_before_or_after_the_update_are_the_same_steps() -> None:
    # The moves are all that is compared: where .grad is reset leaves no trace in them.
    expect_steps_independent("train_step", _state(1.0), _state(0.8), _state(0.7), _state(0.7))


def test_a_second_step_with_both_gradients_is_named_accumulation() -> None:
    with pytest.raises(Feedback, match="Gradients accumulate"):
        expect_steps_independent("train_step", _state(1.0), _state(0.8), _state(0.5),
                                 _state(0.7))
    with pytest.raises(Feedback, match="does it keep something between calls"):
        expect_steps_independent("train_step", _state(1.0), _state(0.8), _state(0.9),
                                 _state(0.7))
