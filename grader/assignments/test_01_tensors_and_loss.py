"""Assignment 1 (lessons 1-2): training data as tensors; parameters, prediction, loss, a step."""

import pytest
import torch

from grader.checks import expect_close, expect_requires_grad, expect_same_values
from grader.checks.tensors import expect_tensor_like
from grader.errors import Feedback
from grader.grading.inputs import grader_tensor

pytestmark = pytest.mark.assignment("01_tensors_and_loss.ipynb")


@pytest.mark.points(2)
def test_training_data_are_float32_columns_in_the_given_order(submission, reference):
    for name in ("X_train", "y_train"):
        expected = reference.value(name)
        found = expect_tensor_like(submission.value(name), expected, name)
        expect_same_values(found, expected, name, hint="Keep the rows in the order given.")


@pytest.mark.points(1)
def test_as_column_turns_any_list_into_a_float32_column(submission, reference):
    for values in ([0.5, 2, 7, -1], [3], [1.25, 100.0]):
        expected = reference.call("as_column", values).value
        found = submission.call("as_column", values).value
        name = f"as_column({values})"
        expect_tensor_like(found, expected, name)
        expect_same_values(found, expected, name)


@pytest.mark.points(2)
def test_init_params_draws_seeded_standard_normal_parameters(submission, reference):
    for seed in (0, 31, 2024):
        expected_W, expected_b = reference.call("init_params", seed).value
        found = submission.call("init_params", seed).value
        if not isinstance(found, tuple) or len(found) != 2:
            raise Feedback(f"init_params({seed}) should return (W, b), found {found!r}.")
        for name, value, expected in (("W", found[0], expected_W), ("b", found[1], expected_b)):
            label = f"{name} from init_params({seed})"
            expect_tensor_like(value, expected, label)
            expect_requires_grad(value, label)
            expect_close(value, expected, label, hint=(
                "Seed first with torch.manual_seed(seed), then draw W, then b, with "
                "torch.randn (standard normal; torch.rand is uniform and gives other values)."))


@pytest.mark.points(1)
def test_predict_is_the_linear_model_on_the_graders_inputs(submission, reference):
    X = grader_tensor(5, 1, seed=11, scale=3.0)
    W, b = grader_tensor(1, 1, seed=12), grader_tensor(1, seed=13)
    expected = reference.call("predict", X, W, b).value
    found = submission.call("predict", X, W, b).value
    expect_tensor_like(found, expected, "predict(X, W, b)")
    expect_close(found, expected, "predict(X, W, b)", hint="It should return X @ W + b.")


@pytest.mark.points(1)
def test_mse_is_the_mean_of_squared_errors(submission, reference):
    y_pred, y = grader_tensor(6, 1, seed=21, scale=5.0), grader_tensor(6, 1, seed=22, scale=5.0)
    expected = reference.call("mse", y_pred, y).value
    found = submission.call("mse", y_pred, y).value
    if not isinstance(found, torch.Tensor):
        raise Feedback(f"mse should return a tensor (so backward() works), found {found!r}.")
    expect_close(found.reshape(()), expected, "mse(y_pred, y)",
                 hint="Square the differences, then average them: ((y_pred - y) ** 2).mean().")


@pytest.mark.points(1)
def test_initial_loss_and_its_gradients_match_the_reference(submission, reference):
    expect_close(submission.value("initial_loss"), reference.value("initial_loss"),
                 "initial_loss")
    for name in ("W_grad", "b_grad"):
        expect_close(submission.value(name), reference.value(name), name,
                     hint="Call loss.backward() once on the initial loss.")


@pytest.mark.points(1)
def test_sgd_step_moves_each_parameter_against_its_gradient(submission, reference):
    W = grader_tensor(1, 1, seed=31, requires_grad=True)
    b = grader_tensor(1, seed=32, requires_grad=True)
    W.grad, b.grad = grader_tensor(1, 1, seed=33), grader_tensor(1, seed=34)
    expected = reference.call("sgd_step", [W, b], 0.1).args[0]
    found = submission.call("sgd_step", [W, b], 0.1).args[0]
    for name, value, wanted in zip(("W", "b"), found, expected, strict=True):
        expect_close(value, wanted, f"{name} after sgd_step([W, b], lr=0.1)",
                     hint="Update in place against the gradient: p -= lr * p.grad, "
                          "inside torch.no_grad().")


@pytest.mark.points(1)
def test_one_step_lowers_the_loss_like_the_reference(submission, reference):
    expect_close(submission.value("loss_after_step"), reference.value("loss_after_step"),
                 "loss_after_step", hint="Take exactly one step with lr = 0.001.")
