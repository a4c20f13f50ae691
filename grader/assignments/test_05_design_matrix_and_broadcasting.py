"""Assignment 5 (lesson 9): the design matrix [1, x]; a loss on matching shapes, not (N, N).

`mse_loss` owns the broadcasting trap, `design_matrix` the column of ones, the data test the
seeded draws. The tests of the notebook's own run (the loss at the start, the training, the
learned weight) replay it with the student's own functions and data: a mistake in them is
charged once, by its own test, and the run is checked for what it adds (the start, the loop).
"""

import pytest
import torch

from grader.checks import expect_close, expect_design_matrix, expect_tensor_like
from grader.checks.bands import Band
from grader.checks.causes import Suspect, hint_for
from grader.checks.closeness import is_close
from grader.checks.gradient_descent import Descent
from grader.checks.linear_mistakes import explain_linear
from grader.checks.loss_functions import expect_mean_squared_error
from grader.checks.loss_record import (
    expect_finite,
    expect_last_below,
    expect_one_per_epoch,
    expect_recorded_start,
    recorded_numbers,
)
from grader.checks.mistaken_runs import Evidence
from grader.checks.sizes import place_of, sized_call
from grader.checks.trained_line import departure, learning_rates
from grader.checks.training import training_hint
from grader.errors import Cause, Feedback
from grader.grading.inputs import grader_tensor
from grader.probing.wire import ModuleSnapshot

pytestmark = pytest.mark.assignment("05_design_matrix_and_broadcasting.ipynb")

N = 100
SEED = 202150754
EPOCHS = 100
LR = 0.1
START = [[-5.0, 10.0]]
# The reference ends at 0.1527 (the noise's variance is 0.16). Partial credit up to 2: a
# learning rate of 0.01 ends at 1.12 (49 %); broadcast shapes end at 15.6, no reset at 11.
LOSS_BAND = Band(full=0.2, zero=2.0)
WEIGHT_TOLERANCE = 0.01  # the reference has converged to 1e-6; 20 epochs are still 0.05 off
TRUE_WEIGHT = (2.5, 4.0)
DATA_HINT = ("Seed with torch.manual_seed(202150754), draw x with torch.randn(100) and sort it, "
             "then the noise 0.4 * torch.randn(100), in that order.")
LOOP = (f"The lesson's loop: {EPOCHS} epochs of SGD at lr = {LR} from the weight {START}, each "
        "one computing mse_loss(model(X), y), optimizer.zero_grad(), backward() and "
        "optimizer.step().")


def _design_inputs() -> list[torch.Tensor]:
    return [grader_tensor(5, seed=51, scale=2.0), grader_tensor(8, seed=52, scale=2.0),
            grader_tensor(1, seed=53), grader_tensor(500, seed=54), torch.zeros(3)]


@pytest.mark.points(2)
def test_design_matrix_puts_a_column_of_ones_before_x(submission, reference):
    """design_matrix(x) is the (N, 2) matrix [1, x], for one, a few and many values of x."""
    for x in _design_inputs():
        expected = reference.call("design_matrix", x).value
        found = sized_call(lambda x=x: submission.call("design_matrix", x).value, x.shape[0],
                           (N,), "design_matrix", submission,
                           lambda: submission.call("design_matrix", torch.zeros(N)))
        expect_design_matrix(found, expected, f"design_matrix(x) for x of shape {tuple(x.shape)}",
                             hint="The second column is x itself, in the order given.")


def _x_suspects() -> list[Suspect]:
    def draws(kind: str) -> torch.Tensor:
        generator = torch.Generator().manual_seed(SEED)
        sample = torch.rand if kind == "rand" else torch.randn
        x = sample(N, generator=generator)
        return x if kind == "unsorted" else x.sort(descending=kind == "descending").values
    return [
        Suspect(Cause.UNIFORM_DRAWS,
                "They are torch.rand's draws: torch.rand is uniform on [0, 1); the lesson "
                "draws x with torch.randn.", lambda: draws("rand")),
        Suspect(Cause.NOT_SORTED,
                "They are the right draws, not sorted: sort x (torch.sort returns the values "
                "and their indices: keep the values).", lambda: draws("unsorted")),
        Suspect(Cause.NOT_SORTED,
                "They are the right draws, sorted in decreasing order: sort them in "
                "increasing order.", lambda: draws("descending")),
    ]


@pytest.mark.points(1)
def test_data_are_the_seeded_lesson_data_with_flat_targets(submission, reference):
    """X is design_matrix of the seeded sorted x, and y = X @ W_true + noise has shape (100,)."""
    x_lesson, noise = reference.value("x"), reference.value("noise")
    expected_X, expected_y = reference.value("X"), reference.value("y")
    X = submission.value("X")
    if not is_close(X, expected_X):
        own = submission.call("design_matrix", x_lesson).value
        if not (isinstance(own, torch.Tensor) and is_close(X, own)):
            expect_design_matrix(X, expected_X, "X", hint=hint_for(
                X[:, 1] if isinstance(X, torch.Tensor) and X.dim() == 2 and X.shape[1] == 2
                else X, _x_suspects(), DATA_HINT))
    y = expect_tensor_like(submission.value("y"), expected_y, "y", check_dtype=False)
    own_y = X.detach().double() @ torch.tensor(TRUE_WEIGHT, dtype=torch.float64) + \
        noise.double()
    expect_close(y, own_y, "y", expected_from="X @ W_true + the lesson's noise",
                 hint=hint_for(y, [Suspect(Cause.NO_NOISE,
                                           "It is X @ W_true without the noise: add "
                                           "0.4 * torch.randn(100), drawn after x.",
                                           lambda: own_y - noise.double())],
                               DATA_HINT + " Then y = X @ W_true + noise."))


def _loss_inputs() -> list[tuple[torch.Tensor, torch.Tensor]]:
    cases = []
    for rows, seed, column in ((8, 61, False), (12, 63, False), (8, 65, True), (1, 67, False),
                               (500, 69, False)):
        y_hat = grader_tensor(rows, 1, seed=seed, scale=3.0, requires_grad=True)
        y = grader_tensor(rows, seed=seed + 1, scale=3.0, shift=1.0)
        cases.append((y_hat, y.reshape(-1, 1) if column else y))
    return cases


@pytest.mark.points(3)
def test_mse_loss_pairs_each_prediction_with_its_own_target(submission, reference):
    """mse_loss(y_hat, y) pairs prediction i with target i, for (N,) and (N, 1) targets,
    one row or many."""
    for y_hat, y in _loss_inputs():
        name = f"mse_loss(y_hat, y) for y_hat {tuple(y_hat.shape)} and y {tuple(y.shape)}"
        expected = reference.call("mse_loss", y_hat, y).value
        found = sized_call(lambda y_hat=y_hat, y=y: submission.call("mse_loss", y_hat, y).value,
                           y_hat.shape[0], (N,), "mse_loss", submission,
                           lambda: submission.call("mse_loss", torch.zeros(N, 1), torch.zeros(N)))
        expect_mean_squared_error(found, y_hat, y, name, expected=expected,
                                  notebook_rows=(N,), where=place_of(submission, "mse_loss", N))


# The notebook's run replayed on a copy of its model, with its own mse_loss, X and y. The
# layer's weight is found by name, so a layer wrapped in nn.Sequential or a module of the
# student's own is replayed as the bare nn.Linear is.
TWIN_START = f"""
import copy, torch
twin = copy.deepcopy(model)
twin_weight = next(p for name, p in twin.named_parameters() if name.split(".")[-1] == "weight")
with torch.no_grad():
    twin_weight.copy_(torch.tensor({START}))
start_loss = mse_loss(twin(X), y).item()
result = {{"start_loss": start_loss}}
"""
TWIN = TWIN_START + f"""
optimizer_twin = torch.optim.SGD(twin.parameters(), lr={LR})
twin_losses = []
for _ in range({EPOCHS}):
    loss = mse_loss(twin(X), y)
    optimizer_twin.zero_grad()
    loss.backward()
    optimizer_twin.step()
    twin_losses.append(loss.item())
result = {{"start_loss": start_loss, "losses": twin_losses, "weight": twin_weight.detach()}}
"""


def _twin(submission, code: str = TWIN) -> dict:
    return submission.scenario(code, ["model", "mse_loss", "X", "y"],
                               "replaying your notebook on a copy of your model")


@pytest.mark.points(1)
def test_initial_loss_is_your_loss_at_the_starting_weight(submission):
    """initial_loss is your mse_loss of the model at its starting weight [[-5, 10]]."""
    found = submission.value("initial_loss")
    twin = _twin(submission, TWIN_START)
    expect_close(found, twin["start_loss"], "initial_loss", rtol=1e-4,
                 expected_from=f"your mse_loss at the weight {START}",
                 hint=f"Set the model's weight to {START} without tracking it (inside "
                      "torch.no_grad(): model.weight.copy_(...)), before computing the loss.")


def _lesson_run(submission, reference) -> Descent:
    """The lesson's training on the notebook's own X and y (if usable), run by the grader."""
    try:
        X, y = submission.value("X"), submission.value("y")
        usable = tuple(X.shape) == (N, 2) and y.numel() == N
    except (Feedback, AttributeError):
        usable = False
    if not usable:
        X, y = reference.value("X"), reference.value("y")
    return Descent(X, y.reshape(-1, 1), torch.tensor(START).T, None, LR, EPOCHS)


@pytest.mark.points(1)
def test_training_records_a_loss_per_epoch_that_ends_below_the_threshold(submission,
                                                                         reference):
    """losses holds the 100 losses of the lesson's training with your mse_loss, X and y."""
    values = recorded_numbers(submission.value("losses"), "losses")
    expect_one_per_epoch(values, EPOCHS, "losses")
    submission.value("model")  # a model cell that stopped: the training began from elsewhere
    twin = _twin(submission)
    if is_close(values, twin["losses"], rtol=1e-3, atol=1e-6):
        return  # the loop is right; its mse_loss or data are charged by their own tests
    expect_finite(values, "losses")
    twin_losses = twin["losses"]
    expect_recorded_start(values[0], twin_losses[0], twin_losses[1] if len(twin_losses) > 1
                          else twin_losses[0], "losses")
    weight = _weight(submission, reference, own_dtype=True)
    run = _lesson_run(submission, reference)
    explained = explain_linear(Evidence(weight, values), run, WEIGHT_TOLERANCE,
                               learning_rates(submission))
    otherwise = f"{departure(values, twin_losses)} {LOOP}".strip()
    expect_last_below(values, LOSS_BAND, "losses", training_hint(weight, explained, otherwise))
    expect_close(values, twin_losses, "losses", rtol=1e-3, atol=1e-6,
                 expected_from="the lesson's training with your mse_loss, X and y",
                 hint=explained or otherwise)


def _by_role(state: dict) -> dict[str, list]:
    """The module's weights and biases by role, whatever the prefix of their names (a layer
    inside nn.Sequential is "0.weight")."""
    roles: dict[str, list] = {}
    for name, value in state.items():
        roles.setdefault(name.split(".")[-1], []).append(value)
    return roles


def _weight(submission, reference, own_dtype: bool = False) -> torch.Tensor:
    submission.value("losses")  # reports a training cell that stopped with an error
    model = submission.value("model")
    roles = _by_role(model.state) if isinstance(model, ModuleSnapshot) else {}
    if len(roles.get("weight", ())) != 1:
        raise Feedback(f"`model` should be the nn.Linear(2, 1, bias=False) you trained, found "
                       f"{getattr(model, 'type_name', type(model).__name__)}.")
    if roles.get("bias"):
        raise Feedback("`model` has a bias: create it with nn.Linear(2, 1, bias=False). The "
                       "column of ones already plays the bias's role.")
    expected = reference.value("model").state["weight"]
    weight = expect_tensor_like(roles["weight"][0], expected, "model.weight",
                                check_dtype=False).detach()
    return weight if own_dtype and weight.is_floating_point() else weight.double()


@pytest.mark.points(2)
def test_learned_weight_is_that_of_the_lessons_training(submission, reference):
    """model has no bias, and its weight is where 100 epochs at lr = 0.1 take it."""
    weight = _weight(submission, reference)
    expected = reference.value("model").state["weight"]
    if is_close(weight, expected, rtol=0.0, atol=WEIGHT_TOLERANCE):
        return
    twin = _twin(submission)
    if is_close(weight, twin["weight"], rtol=0.0, atol=WEIGHT_TOLERANCE):
        return  # the loop is right; its mse_loss or data are charged by their own tests
    try:
        recorded = recorded_numbers(submission.value("losses"), "losses")
    except Feedback:
        recorded = None
    explained = explain_linear(Evidence(_weight(submission, reference, own_dtype=True),
                                        recorded), _lesson_run(submission, reference),
                               WEIGHT_TOLERANCE, learning_rates(submission))
    where = departure(recorded, twin["losses"])
    expect_close(weight, twin["weight"], "model.weight after training", rtol=0.0,
                 atol=WEIGHT_TOLERANCE,
                 expected_from="the lesson's training with your mse_loss, X and y",
                 hint=training_hint(weight, explained, f"{where} It should approach the true "
                                                       f"weight {list(TRUE_WEIGHT)}. {LOOP}"
                                    .strip()))
