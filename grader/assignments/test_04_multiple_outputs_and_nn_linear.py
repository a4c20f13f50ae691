"""Assignment 4 (lessons 7-8): several outputs by hand; nn.Linear, F.mse_loss and fit()."""

import pytest
import torch

from grader.checks import (
    expect_close,
    expect_converged_without_accumulation,
    expect_dataframe,
    expect_requires_grad,
    expect_tensor_like,
    frame_values,
)
from grader.errors import Feedback
from grader.grading.inputs import grader_tensor
from grader.probing.diagnosis import NOT_IMPLEMENTED
from grader.probing.wire import ModuleSnapshot

pytestmark = pytest.mark.assignment("04_multiple_outputs_and_nn_linear.ipynb")

FRUIT_EPOCHS = 5000
FRUIT_LOSS_THRESHOLD = 1.0  # the reference ends at 0.519; 500 epochs end at 40, no reset at 378
# Float64, .data updates and optimizers all land within 2e-5 of the reference's parameters;
# a torch.rand start or 500 epochs miss by more than 0.5.
FRUIT_TOLERANCE = 1e-3
FRUITS = ["apples", "oranges"]
# Predictions are ~100: parameters within FRUIT_TOLERANCE move them by less than 0.01; a
# torch.rand start moves them by 1 or more.
PREDICTION_TOLERANCE = 0.1
START_TOLERANCE = 1e-6  # seeded draws are exact; float64 draws differ by 1e-8

LINE_EPOCHS = 2000
LINE_LOSS_THRESHOLD = 1e-4  # the reference ends at 1.0e-5; 200 epochs end at 0.06
# Another starting point (no seed) also learns y = 2x but lands 0.006 away; 200 epochs, or no
# gradient reset, land 0.3 or more away.
LINE_TOLERANCE = 0.02


@pytest.mark.points(2)
def test_weight_and_bias_have_one_column_per_fruit_and_a_seeded_start(submission, reference):
    # The start copies come from the cell that creates the parameters: a shape mistake is
    # named there, before the training cell fails on it.
    for name, start in (("weight", "start_weight"), ("bias", "start_bias")):
        expected = reference.value(start)
        found = expect_tensor_like(submission.value(start), expected, name, check_dtype=False)
        expect_close(found, expected, start, rtol=0.0, atol=START_TOLERANCE,
                     hint="Right after torch.manual_seed(1), draw weight with "
                          "torch.randn(3, 2), then bias with torch.randn(2) (torch.randn is "
                          "the standard normal; torch.rand is uniform and gives other values).")
        expect_requires_grad(submission.value(name), name)


@pytest.mark.points(2)
def test_fruit_training_records_a_loss_per_epoch_that_ends_below_1(submission, reference):
    losses = submission.value("fruit_losses")
    if not isinstance(losses, list):
        raise Feedback(f"`fruit_losses` should be a list of floats, found "
                       f"{type(losses).__name__}.")
    expect_converged_without_accumulation(losses, FRUIT_LOSS_THRESHOLD, "fruit_losses",
                                          epochs=FRUIT_EPOCHS, lr=submission.value("lr"),
                                          expected_lr=reference.value("lr"))


@pytest.mark.points(1)
def test_trained_weight_and_bias_are_near_the_reference(submission, reference):
    for name in ("weight", "bias"):
        expect_close(submission.value(name), reference.value(name), name, rtol=0.0,
                     atol=FRUIT_TOLERANCE,
                     hint=f"Train {FRUIT_EPOCHS} epochs at lr = 1e-5 from the seeded start, "
                          "resetting the gradients every epoch.")


@pytest.mark.points(1)
def test_predictions_is_a_dataframe_with_a_column_per_fruit(submission):
    expect_dataframe(submission.value("predictions"), "predictions", FRUITS, rows=5)


@pytest.mark.points(1)
def test_predictions_are_the_trained_models_outputs(submission, reference):
    frame = expect_dataframe(submission.value("predictions"), "predictions", FRUITS, rows=5)
    found = frame_values(frame, "predictions")
    targets = reference.value("y_fruit").double()
    if torch.equal(found, targets):
        raise Feedback("`predictions` holds the targets y_fruit, not the model's predictions. "
                       "Compute X_fruit @ weight + bias with the trained parameters and put "
                       "that in the DataFrame.")
    expected = frame_values(reference.value("predictions"), "the reference's predictions")
    expect_close(found, expected, "predictions", rtol=0.0, atol=PREDICTION_TOLERANCE,
                 hint="Build it from X_fruit @ weight + bias after training, with the "
                      "columns in the order of y_fruit's: apples, then oranges.")


# A model the grader builds and starts where it chooses, trained by the notebook's fit().
FIT_LINEAR = """
import torch
model = torch.nn.Linear(3, 2)
model.load_state_dict(start)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
losses = fit(epochs, model, torch.nn.functional.mse_loss, optimizer, X, y)
result = {"losses": losses, "model": model}
"""
FIT_NETWORK = """
import torch
model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
model.load_state_dict(start)
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
losses = fit(epochs, model, torch.nn.functional.l1_loss, optimizer, X, y)
result = {"losses": losses, "model": model}
"""
FIT_EPOCHS = 25


def _linear_inputs() -> dict:
    return {
        "start": {"weight": grader_tensor(2, 3, seed=71, scale=0.5),
                  "bias": grader_tensor(2, seed=72, scale=0.5)},
        "X": grader_tensor(8, 3, seed=73),
        "y": grader_tensor(8, 2, seed=74, scale=2.0),
        "epochs": FIT_EPOCHS,
    }


def _network_inputs() -> dict:
    return {
        "start": {"0.weight": grader_tensor(4, 2, seed=81, scale=0.5),
                  "0.bias": grader_tensor(4, seed=82, scale=0.5),
                  "2.weight": grader_tensor(1, 4, seed=83, scale=0.5),
                  "2.bias": grader_tensor(1, seed=84, scale=0.5)},
        "X": grader_tensor(10, 2, seed=85),
        "y": grader_tensor(10, 1, seed=86),
        "epochs": FIT_EPOCHS,
    }


def _fit(notebook, code: str, describe: str, inputs: dict) -> dict:
    try:
        return notebook.scenario(code, ["fit"], describe, **inputs)
    except Feedback as feedback:
        if "shape" in str(feedback) and not str(feedback).startswith(NOT_IMPLEMENTED):
            raise Feedback(f"{feedback} fit must train the model it is given on the X and y "
                           "it is given: use its arguments, not the notebook's model, x_train "
                           "or y_train.") from None
        raise


def _expect_same_training(found: dict, expected: dict, start: dict, what: str,
                          loss: str, optimizer: str) -> None:
    losses = found["losses"]
    if not isinstance(losses, list) or len(losses) != FIT_EPOCHS:
        raise Feedback(f"{what}: fit should return the list of the {FIT_EPOCHS} epochs' losses "
                       f"(loss.item() each epoch), found {losses!r}"[:300])
    if not all(isinstance(v, (int, float)) for v in losses):
        raise Feedback(f"{what}: fit should record each loss as a Python float with "
                       f"loss.item(), found {type(losses[0]).__name__} values.")
    model = found["model"]
    if all(torch.equal(model.state[k], start[k]) for k in start):
        raise Feedback(f"{what}: the model's parameters did not change. fit must train the "
                       "model it is given, with the optimizer it is given (optimizer.step()).")
    expect_close(losses[:1], expected["losses"][:1], f"the first loss fit returned ({what})",
                 hint=f"Compute loss_fn(model(X), y) with the model, the loss function "
                      f"(here {loss}) and the data fit is given, not the notebook's own.")
    expect_close(losses, expected["losses"], f"the losses fit returned ({what})",
                 hint="The first epoch matches, later ones do not: the updates differ. Every "
                      "epoch, reset the gradients (optimizer.zero_grad()), call backward(), "
                      f"and step with the optimizer fit is given (here {optimizer}), not one "
                      "of its own.")
    for name, value in expected["model"].state.items():
        expect_close(model.state[name], value, f"the model's {name} after fit ({what})")


@pytest.mark.points(2)
def test_fit_trains_a_graders_linear_model_like_the_reference(submission, reference):
    describe = (f"calling fit({FIT_EPOCHS}, nn.Linear(3, 2), F.mse_loss, SGD(lr=0.05), X, y) "
                "with the grader's model and data")
    inputs = _linear_inputs()
    expected = _fit(reference, FIT_LINEAR, describe, inputs)
    found = _fit(submission, FIT_LINEAR, describe, inputs)
    _expect_same_training(found, expected, inputs["start"], "nn.Linear(3, 2), SGD, MSE",
                          loss="F.mse_loss", optimizer="SGD")


@pytest.mark.points(2)
def test_fit_trains_any_model_with_the_loss_and_optimizer_it_is_given(submission, reference):
    describe = (f"calling fit({FIT_EPOCHS}, a two-layer network, F.l1_loss, Adam(lr=0.05), X, "
                "y) with the grader's model and data")
    inputs = _network_inputs()
    expected = _fit(reference, FIT_NETWORK, describe, inputs)
    found = _fit(submission, FIT_NETWORK, describe, inputs)
    _expect_same_training(found, expected, inputs["start"], "a two-layer network, Adam, L1",
                          loss="F.l1_loss", optimizer="Adam")


def _linear_model(submission) -> ModuleSnapshot:
    model = submission.value("model")
    if not isinstance(model, ModuleSnapshot) or model.type_name != "Linear":
        kind = model.type_name if isinstance(model, ModuleSnapshot) else type(model).__name__
        raise Feedback(f"`model` should be an nn.Linear(1, 1), found {kind}.")
    if tuple(model.state["weight"].shape) != (1, 1):
        raise Feedback(f"`model` should have one input and one output, nn.Linear(1, 1); its "
                       f"weight has shape {tuple(model.state['weight'].shape)}.")
    return model


@pytest.mark.points(1)
def test_linear_model_is_nn_linear_1_1_started_from_seed_777(submission, reference):
    _linear_model(submission)
    found, expected = submission.value("line_start"), reference.value("line_start")
    for name in ("weight", "bias"):
        expect_close(found[name], expected[name], f"the starting {name} of model", rtol=0.0,
                     atol=START_TOLERANCE,
                     hint="Call torch.manual_seed(777) right before nn.Linear(1, 1): the "
                          "starting values come from the seeded generator.")


def _expect_line_data_columns(submission, reference) -> None:
    """F.mse_loss on (3, 1) predictions against (3,) targets broadcasts, with a mere warning."""
    for name in ("x_train", "y_train"):
        found, expected = submission.value(name), reference.value(name)
        if isinstance(found, torch.Tensor) and found.shape != expected.shape:
            raise Feedback(
                f"`{name}` has shape {tuple(found.shape)}, not {tuple(expected.shape)}, so "
                f"F.mse_loss compared the model's (3, 1) predictions with a "
                f"{tuple(found.shape)} tensor: they broadcast to (3, 3), every prediction "
                "against every target, and PyTorch only warns. Keep both as (3, 1) columns.")


@pytest.mark.points(2)
def test_linear_model_learns_y_equals_2x_and_predicts_8_at_4(submission, reference):
    _expect_line_data_columns(submission, reference)
    losses = submission.value("linear_losses")
    if not isinstance(losses, list):
        raise Feedback(f"`linear_losses` should be the list fit returns, found "
                       f"{type(losses).__name__}.")
    expect_converged_without_accumulation(losses, LINE_LOSS_THRESHOLD, "linear_losses",
                                          epochs=LINE_EPOCHS)
    hint = (f"Train {LINE_EPOCHS} epochs with fit, F.mse_loss and SGD(model.parameters(), "
            "lr=0.01).")
    found, expected = _linear_model(submission).state, reference.value("model").state
    for name in ("weight", "bias"):
        expect_close(found[name], expected[name], f"the trained {name} of model", rtol=0.0,
                     atol=LINE_TOLERANCE, hint=hint)
    prediction = submission.value("prediction_at_4")
    if not isinstance(prediction, (int, float)):
        raise Feedback(f"`prediction_at_4` should be a Python float (.item()), found "
                       f"{type(prediction).__name__}.")
    expect_close(prediction, reference.value("prediction_at_4"), "prediction_at_4", rtol=0.0,
                 atol=LINE_TOLERANCE, hint="Predict with model(torch.tensor([[4.0]])).item().")
