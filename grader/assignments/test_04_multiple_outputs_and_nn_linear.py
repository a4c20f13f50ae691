"""Assignment 4 (lessons 7-8): several outputs by hand; nn.Linear, F.mse_loss and fit().

The fruit training is compared with the grader's own run from the student's own start (the
start is the start test's), the predictions with the student's own trained parameters, and the
line model with what the student's own fit() does with the settings asked: each mistake is
charged by the test that owns it.
"""

from functools import lru_cache

import pytest
import torch

from grader.checks import (
    expect_close,
    expect_dataframe,
    expect_requires_grad,
    expect_tensor_like,
    frame_values,
)
from grader.checks.bands import Band
from grader.checks.causes import Suspect, hint_for
from grader.checks.closeness import is_close
from grader.checks.explanation import Explanation
from grader.checks.gradient_descent import Descent
from grader.checks.linear_mistakes import explain_linear, mistaken_losses
from grader.checks.loss_record import (
    expect_finite,
    expect_last_below,
    expect_one_per_epoch,
    expect_recorded_end,
    expect_recorded_start,
    recorded_numbers,
)
from grader.checks.mistaken_runs import Evidence
from grader.checks.trained_line import (
    departure,
    learning_rates,
    recorded_losses,
    trained_parameters,
)
from grader.checks.training import training_hint
from grader.errors import Cause, CodeRaised, Feedback
from grader.grading.inputs import grader_tensor
from grader.probing.wire import ModuleSnapshot

pytestmark = pytest.mark.assignment("04_multiple_outputs_and_nn_linear.ipynb")

FRUIT_EPOCHS = 5000
FRUIT_LR = 1e-5
# The reference ends at 0.519. Partial credit up to 5: a learning rate of 5e-6 ends at 1.41
# (90 %), 2e-6 at 15.4 (none); 500 epochs end at 40, no reset at 378.
FRUIT_LOSS_BAND = Band(full=1.0, zero=5.0)
# Float64, .data updates and optimizers all land within 2e-5 of the reference's parameters;
# a torch.rand start or 500 epochs miss by more than 0.5.
FRUIT_TOLERANCE = 1e-3
FRUITS = ["apples", "oranges"]
# Predictions are ~100: rounding them to one decimal for display moves them by 0.05, float16
# by 0.06; training mistakes move them by 1 or more.
PREDICTION_TOLERANCE = 0.1
START_TOLERANCE = 1e-6  # seeded draws are exact; float64 draws differ by 1e-8
FRUIT_LOOP = ("The lesson's loop: 5000 epochs at lr = 1e-5 from your seeded start, each one "
              "computing the MSE of X_fruit @ weight + bias against y_fruit, backward(), an "
              "update against the gradients, and a reset of the gradients.")

LINE_EPOCHS = 2000
LINE_LR = 0.01
# Another starting point (no seed) also learns y = 2x but lands 0.006 away; 200 epochs, or no
# gradient reset, land 0.3 or more away.
LINE_TOLERANCE = 0.02


def _fruit_start(submission, reference) -> tuple[torch.Tensor, torch.Tensor]:
    """The student's own starting weight and bias, if they have the lesson's shapes."""
    starts = []
    for name in ("start_weight", "start_bias"):
        expected = reference.value(name)
        try:
            found = submission.value(name)
        except Feedback:
            found = None
        usable = isinstance(found, torch.Tensor) and bool(torch.isfinite(found).all()) and (
            tuple(found.shape) == tuple(expected.shape) if name == "start_weight"
            else found.numel() == expected.numel())
        starts.append(found.detach().double() if usable else expected.double())
    return starts[0], starts[1]


def fruit_run(submission, reference) -> Descent:
    """The lesson's training from the notebook's own seeded start, run by the grader."""
    weight, bias = _fruit_start(submission, reference)
    return Descent(reference.value("X_fruit"), reference.value("y_fruit"), weight, bias,
                   FRUIT_LR, FRUIT_EPOCHS)


def _fruit_trained(submission) -> torch.Tensor:
    values = []
    for name in ("weight", "bias"):
        value = submission.value(name)
        if not isinstance(value, torch.Tensor):
            raise Feedback(f"`{name}` should be a tensor, found {type(value).__name__}.",
                           cause=Cause.NOT_A_TENSOR)
        values.append(value.detach().double().reshape(-1))
    return torch.cat(values)


def _training_filled(submission) -> None:
    """A training cell still blank is charged as the blank it is, not as a weight and bias
    that never moved from their start (any other trouble with fruit_losses is the loss
    record's test's to charge)."""
    try:
        submission.value("fruit_losses")
    except Feedback as trouble:
        if trouble.cause is Cause.NOT_IMPLEMENTED:
            raise


@lru_cache(maxsize=4)
def _explained(submission, reference) -> Explanation | None:
    """The usual mistakes that reproduce the fruit training (run only on a failure)."""
    try:
        trained = trained_parameters(submission, (("weight", (3, 2)), ("bias", (2,))))
    except Feedback:
        return None
    recorded = recorded_losses(submission, "fruit_losses")
    return explain_linear(Evidence(trained, recorded), fruit_run(submission, reference),
                          FRUIT_TOLERANCE, learning_rates(submission))


def _hint(submission, reference):
    """What explains the training, else where its losses leave the lesson's, and the loop."""
    def hint():
        trained = _fruit_trained(submission)
        where = departure(recorded_losses(submission, "fruit_losses"),
                          fruit_run(submission, reference).result.losses, "fruit_losses")
        return training_hint(trained, _explained(submission, reference),
                             f"{where} {FRUIT_LOOP}".strip())
    return hint


@pytest.mark.points(2)
def test_weight_and_bias_have_one_column_per_fruit_and_a_seeded_start(submission, reference):
    """weight (3, 2) then bias (2,) are drawn with torch.randn after the seed, tracking
    gradients."""
    # The start copies come from the cell that creates the parameters: a shape mistake is
    # named there, before the training cell fails on it.
    generator = torch.Generator().manual_seed(1)
    swapped_bias = torch.randn(2, generator=generator)
    swapped_weight = torch.randn(3, 2, generator=generator)
    generator = torch.Generator().manual_seed(1)
    uniform = {"start_weight": torch.rand(3, 2, generator=generator),
               "start_bias": torch.rand(2, generator=generator)}
    swapped = {"start_weight": swapped_weight, "start_bias": swapped_bias}
    for name, start in (("weight", "start_weight"), ("bias", "start_bias")):
        expected = reference.value(start)
        found = expect_tensor_like(submission.value(start), expected, name, check_dtype=False)
        expect_close(found, expected, start, rtol=0.0, atol=START_TOLERANCE, hint=hint_for(
            found, [Suspect(Cause.UNIFORM_DRAWS,
                            "It is what torch.rand gives: torch.rand draws uniformly from "
                            "[0, 1); the lesson draws with torch.randn (standard normal).",
                            lambda start=start: uniform[start]),
                    Suspect(Cause.DRAW_ORDER,
                            "It is what drawing bias before weight gives: draw weight "
                            "first, then bias.", lambda start=start: swapped[start])],
            "Right after torch.manual_seed(1), draw weight with torch.randn(3, 2), then bias "
            "with torch.randn(2)."))
        expect_requires_grad(submission.value(name), name)


@pytest.mark.points(2)
def test_fruit_training_records_a_loss_per_epoch_that_ends_below_1(submission, reference):
    """fruit_losses holds 5000 numbers, the loss of every epoch of the training, ending at 1
    or below (partial credit up to 5)."""
    values = recorded_numbers(submission.value("fruit_losses"), "fruit_losses")
    expect_one_per_epoch(values, FRUIT_EPOCHS, "fruit_losses",
                         explained=lambda: _explained(submission, reference) or "")
    run = fruit_run(submission, reference)
    expect_recorded_start(values[0], run.start_loss(), run.loss_after_one_step(),
                          "fruit_losses", mistaken_losses(run),
                          explained=lambda: _explained(submission, reference) or "")
    expect_finite(values, "fruit_losses")
    trained = _fruit_trained(submission)
    expect_recorded_end(values, run.loss_at(trained), "fruit_losses",
                        "the trained weight and bias",
                        explained=lambda: _explained(submission, reference) or "")
    expect_last_below(values, FRUIT_LOSS_BAND, "fruit_losses", _hint(submission, reference))


@pytest.mark.points(1)
def test_trained_weight_and_bias_are_those_of_the_lessons_training(submission, reference):
    """weight and bias are within 0.001 of 5000 epochs at lr = 1e-5 from your own start."""
    _training_filled(submission)
    found = _fruit_trained(submission)
    run = fruit_run(submission, reference)
    expected = run.result.parameters
    if found.numel() != expected.numel():
        raise Feedback(f"weight and bias should hold {expected.numel()} numbers together "
                       f"(3 x 2 and 2), found {found.numel()}.", cause=Cause.WRONG_SHAPE)
    for name, part in (("weight", slice(0, 6)), ("bias", slice(6, None))):
        expect_close(found[part], expected[part], name, rtol=0.0, atol=FRUIT_TOLERANCE,
                     expected_from="the lesson's training from your start",
                     hint=_hint(submission, reference))


@pytest.mark.points(1)
def test_predictions_is_a_dataframe_with_a_column_per_fruit(submission):
    """predictions is a DataFrame of 5 rows with the columns apples and oranges, in order."""
    expect_dataframe(submission.value("predictions"), "predictions", FRUITS, rows=5)


def _frame_numbers(frame: object) -> torch.Tensor:
    """The numbers of a (5, 2) table, apples then oranges when the columns say which is which."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame) or frame.shape != (5, 2):
        raise Feedback("`predictions` should be a DataFrame of 5 rows and 2 columns (see the "
                       "DataFrame test).")
    if sorted(map(str, frame.columns)) == sorted(FRUITS):
        frame = frame[FRUITS]
    return frame_values(frame, "predictions")


@pytest.mark.points(1)
def test_predictions_are_the_trained_models_outputs(submission, reference):
    """predictions holds X_fruit @ weight + bias of your trained weight and bias."""
    found = _frame_numbers(submission.value("predictions"))
    X, targets = reference.value("X_fruit").double(), reference.value("y_fruit").double()
    if torch.equal(found, targets):
        raise Feedback("`predictions` holds the targets y_fruit, not the model's predictions. "
                       "Compute X_fruit @ weight + bias with the trained parameters and put "
                       "that in the DataFrame.")
    weight, bias = (submission.value(n) for n in ("weight", "bias"))
    own = X @ weight.detach().double() + bias.detach().double()
    start_weight, start_bias = _fruit_start(submission, reference)
    expect_close(found, own, "predictions", rtol=0.0, atol=PREDICTION_TOLERANCE,
                 expected_from="X_fruit @ weight + bias with your trained weight and bias",
                 hint=hint_for(found, [Suspect(
                     Cause.NOT_TRAINED,
                     "They are the predictions of the starting weight and bias: compute them "
                     "after training.", lambda: X @ start_weight + start_bias, atol=0.1)],
                     "Build it from X_fruit @ weight + bias after training, one column per "
                     "fruit."))


# A model the grader builds and starts where it chooses, trained by the notebook's fit().
FIT_LINEAR = """
import torch
model = torch.nn.Linear(3, 2)
model.load_state_dict(start)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
steps = []
optimizer.register_step_post_hook(lambda *_: steps.append(1))
losses = fit(epochs, model, torch.nn.functional.mse_loss, optimizer, X, y)
result = {"losses": losses, "model": model, "steps": len(steps)}
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


def _fit(notebook, code: str, describe: str, inputs: dict) -> dict:
    try:
        return notebook.scenario(code, ["fit"], describe, **inputs)
    except CodeRaised as raised:
        if "shape" in raised.error_message:
            raise Feedback(f"{raised} fit must train the model it is given on the X and y "
                           "it is given: use its arguments, not the notebook's model, x_train "
                           "or y_train.", cause=Cause.NOTEBOOKS_OWN_DATA) from None
        raise


def _linear_fit_without_reset(inputs: dict) -> torch.Tensor:
    """The grader's own fit of the linear case with gradients never reset: its losses."""
    model = torch.nn.Linear(3, 2)
    model.load_state_dict(inputs["start"])
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    losses = []
    for _ in range(inputs["epochs"]):
        loss = torch.nn.functional.mse_loss(model(inputs["X"]), inputs["y"])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return torch.tensor(losses)


@pytest.mark.points(2)
def test_fit_trains_a_graders_linear_model_like_the_reference(submission, reference):
    """fit(25, nn.Linear(3, 2), F.mse_loss, SGD, X, y) returns 25 losses and trains the model
    as the reference does."""
    describe = (f"calling fit({FIT_EPOCHS}, nn.Linear(3, 2), F.mse_loss, SGD(lr=0.05), X, y) "
                "with the grader's model and data")
    inputs = _linear_inputs()
    expected = _fit(reference, FIT_LINEAR, describe, inputs)
    found = _fit(submission, FIT_LINEAR, describe, inputs)
    what = f"the losses fit({FIT_EPOCHS}, ...) returns"
    losses = recorded_numbers(found["losses"], what)
    if len(losses) == 1 < FIT_EPOCHS and found["steps"] == 1:
        # One loss after one step: the loop itself stopped (an append after the loop would
        # follow all 25 steps).
        raise Feedback(f"fit({FIT_EPOCHS}, ...) stepped the optimizer once and returned a "
                       "single loss: its loop ended after the first epoch. A `return` (or "
                       "`break`) indented into the loop ends it there: put `return losses` "
                       "after the loop, level with the `for`.", cause=Cause.LOOP_ENDED_EARLY)
    expect_one_per_epoch(losses, FIT_EPOCHS, what, loop="fit's loop")
    if found["steps"] == 0:
        raise Feedback("fit never called step() on the optimizer it is given: step with "
                       "that optimizer, not one of its own.")
    model = found["model"]
    start = inputs["start"]
    if all(torch.equal(model.state[k], start[k]) for k in start):
        raise Feedback("the model fit was given did not change: call loss.backward() and then "
                       "optimizer.step() every epoch, and do not reset the gradients between "
                       "the two.")
    expect_close(losses[:1], expected["losses"][:1], "the first loss fit returned",
                 hint="Compute loss_fn(model(X), y) with the model, the loss function and the "
                      "data fit is given, before the first step.")
    expect_close(losses, expected["losses"], what, hint=hint_for(losses, [Suspect(
        Cause.GRADIENTS_ACCUMULATE,
        "They are the losses of a training whose gradients are never reset: they add up in "
        ".grad. Call optimizer.zero_grad() every epoch, before backward() or after step().",
        lambda: _linear_fit_without_reset(inputs))],
        "The first epoch matches, later ones do not: the updates differ. Every epoch, reset "
        "the gradients, call backward(), and step with the optimizer fit is given."))
    for name, value in expected["model"].state.items():
        expect_close(model.state[name], value, f"the model's {name} after fit")


# fit() given a network, a loss and an optimizer that record how fit uses them.
FIT_ANY = """
import torch
model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
model.load_state_dict(start)
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
steps, inputs_seen, pairs, computed = [], [], [], []
optimizer.register_step_post_hook(lambda *_: steps.append(1))
model.register_forward_hook(
    lambda module, args, output: inputs_seen.append(bool(torch.equal(args[0], X))))
def loss_fn(input, target):  # F.l1_loss's names: fit may pass its arguments by keyword
    target_first = input.requires_grad is False and target.requires_grad
    prediction, truth = (target, input) if target_first else (input, target)
    pairs.append({"prediction": tuple(prediction.shape), "target": tuple(truth.shape),
                  "is_y": bool(truth.numel() == y.numel() and
                               torch.equal(truth.reshape(-1), y.reshape(-1)))})
    value = torch.nn.functional.l1_loss(input, target)
    computed.append(value.item())
    return value
losses = fit(epochs, model, loss_fn, optimizer, X, y)
result = {"losses": losses, "steps": len(steps), "inputs_seen": inputs_seen, "pairs": pairs,
          "computed": computed}
"""


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


@pytest.mark.points(2)
def test_fit_trains_any_model_with_the_loss_and_optimizer_it_is_given(submission):
    """fit uses the model, data, loss function and optimizer it is given, and returns the
    losses that loss function computed."""
    describe = (f"calling fit({FIT_EPOCHS}, a two-layer network, a loss function, Adam, X, y) "
                "with the grader's model and data")
    found = _fit(submission, FIT_ANY, describe, _network_inputs())
    losses = recorded_numbers(found["losses"], "the losses fit returns")
    if not found["inputs_seen"]:
        raise Feedback("fit never called the model it is given: predict with model(X), the "
                       "model passed in, not the notebook's own.")
    if not all(found["inputs_seen"]):
        raise Feedback("fit called the model it is given on other inputs than the X it is "
                       "given: predict model(X) with fit's own argument.")
    if not found["computed"]:
        raise Feedback("fit never called the loss function it is given: compute "
                       "loss_fn(model(X), y) with fit's loss_fn argument, not F.mse_loss or "
                       "a loss of your own (the grader passed F.l1_loss's twin here).")
    for pair in found["pairs"]:
        if pair["prediction"] != pair["target"]:
            raise Feedback(f"fit compared predictions of shape {pair['prediction']} with "
                           f"targets of shape {pair['target']}: they broadcast to a table of "
                           "every prediction against every target, with no error (only a "
                           "warning). Pass model(X) and y as they are, with the same shape.")
        if not pair["is_y"]:
            raise Feedback("fit compared the predictions with other targets than the y it is "
                           "given: use fit's own argument, not y_train.")
    if found["steps"] == 0:
        raise Feedback("fit never stepped the optimizer it is given (here Adam): call "
                       "optimizer.step() on it, not on an optimizer of its own.")
    if found["steps"] != len(losses):
        raise Feedback(f"fit stepped the optimizer {found['steps']} times but returned "
                       f"{len(losses)} losses: one step and one loss per epoch.")
    computed = found["computed"]
    if not all(any(is_close(loss, value, rtol=1e-6, atol=1e-9) for value in computed)
               for loss in losses):
        raise Feedback("fit returned losses that the loss function it is given did not "
                       "compute: record loss.item() of the loss it minimises, every epoch.")


def _line_module(submission) -> ModuleSnapshot:
    """`model`: an nn.Linear(1, 1), or a module of the student's own holding only one."""
    model = submission.value("model")
    if not isinstance(model, ModuleSnapshot):
        raise Feedback(f"`model` should be an nn.Linear(1, 1) (or an nn.Module of your own "
                       f"holding one), found {type(model).__name__}.")
    shapes = sorted(tuple(v.shape) for v in model.state.values())
    if shapes != [(1,), (1, 1)]:
        raise Feedback(f"`model` should have one input and one output, a weight of shape "
                       f"(1, 1) and a bias of shape (1,), as nn.Linear(1, 1) has; its "
                       f"parameters have shapes {shapes}.")
    return model


def _by_role(state: dict) -> dict:
    """A one-layer state by role: {"weight": ..., "bias": ...} whatever the key prefix."""
    return {role: next(v for k, v in state.items() if k.endswith(role))
            for role in ("weight", "bias")}


@pytest.mark.points(1)
def test_linear_model_is_nn_linear_1_1_started_from_seed_777(submission, reference):
    """model is an nn.Linear(1, 1) (or a module holding one) created right after
    torch.manual_seed(777)."""
    _line_module(submission)
    found, expected = submission.value("line_start"), reference.value("line_start")
    if not isinstance(found, dict) or len(found) != 2:
        raise Feedback("`line_start` should hold the model's two starting parameters: keep "
                       "the given line that copies them.")
    found, expected = _by_role(found), _by_role(expected)
    for name in ("weight", "bias"):
        expect_close(found[name], expected[name], f"the starting {name} of model", rtol=0.0,
                     atol=START_TOLERANCE,
                     hint="Call torch.manual_seed(777) right before creating nn.Linear(1, 1): "
                          "the starting values come from the seeded generator.")


def _expect_line_data_columns(submission, reference) -> None:
    """F.mse_loss on (3, 1) predictions against (3,) targets broadcasts, with a mere warning."""
    for name in ("x_train", "y_train"):
        found, expected = submission.value(name), reference.value(name)
        if isinstance(found, torch.Tensor) and found.shape != expected.shape:
            raise Feedback(
                f"`{name}` has shape {tuple(found.shape)}, not {tuple(expected.shape)}, so "
                f"F.mse_loss compared the model's (3, 1) predictions with a "
                f"{tuple(found.shape)} tensor: they broadcast to (3, 3), every prediction "
                "against every target, and PyTorch only warns (\"Using a target size that is "
                "different to the input size\"). Keep both as (3, 1) columns.")


# The line training as asked, replayed on a twin of the model with the notebook's own fit.
LINE_TWIN = f"""
import copy, torch
twin = copy.deepcopy(model)
with torch.no_grad():
    for (name, parameter), value in zip(twin.named_parameters(), start.values()):
        parameter.copy_(value)
anchor = next(twin.parameters())
optimizer_twin = torch.optim.SGD(twin.parameters(), lr={LINE_LR})
twin_losses = fit({LINE_EPOCHS}, twin, torch.nn.functional.mse_loss, optimizer_twin,
                  x.to(anchor), y.to(anchor))
with torch.no_grad():
    at_4 = model(torch.tensor([[4.0]]).to(anchor)).item()
    untrained = copy.deepcopy(twin)
    for (name, parameter), value in zip(untrained.named_parameters(), start.values()):
        parameter.copy_(value)
    untrained_at_4 = untrained(torch.tensor([[4.0]]).to(anchor)).item()
result = {{"losses": twin_losses, "state": twin.state_dict(), "at_4": at_4,
          "untrained_at_4": untrained_at_4}}
"""


@pytest.mark.points(2)
def test_linear_model_is_trained_by_fit_as_asked_and_predicts_at_4(submission, reference):
    """model is trained by your fit for 2000 epochs of SGD at lr = 0.01 on F.mse_loss, and
    prediction_at_4 is its output at x = 4."""
    _expect_line_data_columns(submission, reference)
    model = _line_module(submission)
    losses = recorded_numbers(submission.value("linear_losses"), "linear_losses")
    line_start = submission.value("line_start")
    twin = submission.scenario(
        LINE_TWIN, ["fit", "model"], "training a copy of your model with your fit as asked",
        start=line_start, x=reference.value("x_train"), y=reference.value("y_train"))
    twin_losses = recorded_numbers(twin["losses"], "the losses of your fit")
    if len(losses) != len(twin_losses):
        raise Feedback(f"`linear_losses` holds {len(losses)} losses, but your fit returns "
                       f"{len(twin_losses)} for {LINE_EPOCHS} epochs: call "
                       f"fit({LINE_EPOCHS}, model, F.mse_loss, optimizer, x_train, y_train).")
    hint = (f"Create SGD(model.parameters(), lr={LINE_LR}) and call fit({LINE_EPOCHS}, model, "
            "F.mse_loss, optimizer, x_train, y_train) once.")
    expect_close(losses, twin_losses, "linear_losses", rtol=1e-3, atol=1e-6,
                 expected_from="what your fit gives with the settings asked", hint=hint)
    found, expected = _by_role(model.state), _by_role(twin["state"])
    for name in ("weight", "bias"):
        expect_close(found[name], expected[name], f"the trained {name} of model", rtol=0.0,
                     atol=LINE_TOLERANCE, expected_from="what your fit gives as asked",
                     hint=hint)
    prediction = submission.value("prediction_at_4")
    if isinstance(prediction, torch.Tensor) and prediction.numel() == 1:
        prediction = prediction.item()
    if not isinstance(prediction, (int, float)) or isinstance(prediction, bool):
        raise Feedback(f"`prediction_at_4` should be a number (model(...).item()), found "
                       f"{type(prediction).__name__}.")
    expect_close(prediction, twin["at_4"], "prediction_at_4", rtol=0.0, atol=1e-4,
                 expected_from="your trained model at x = 4", hint=hint_for(prediction, [
                     Suspect(Cause.NOT_TRAINED,
                             "It is the untrained model's prediction: predict after training.",
                             lambda: twin["untrained_at_4"], atol=1e-4)],
                     "Predict with the trained model: model(torch.tensor([[4.0]])).item()."))
