"""Assignment 3 (lessons 5-6): the training loop with torch.optim.SGD; seeds and reproducibility.

The reproducibility tests compare a run with a run; only the test against the reference owns
the run's content (its start, its steps, its number of epochs).
"""

from functools import lru_cache

import pytest
import torch

from grader.checks import (
    expect_close,
    expect_different_for_different_seeds,
    expect_same_for_same_seed,
    expect_same_values,
    expect_seeded_like_reference,
    expect_steps_independent,
    expect_tensor_like,
)
from grader.checks.causes import Suspect, hint_for, matching
from grader.checks.closeness import is_close
from grader.checks.explanation import Explanation
from grader.checks.gradient_descent import Descent
from grader.checks.gradients import scaled_move
from grader.checks.linear_mistakes import mistaken_losses
from grader.checks.loss_functions import mse_suspects, notebook_data_suspect
from grader.checks.loss_record import (
    expect_finite,
    expect_last_below,
    expect_one_per_epoch,
    expect_recorded_end,
    expect_recorded_start,
    one_number,
    recorded_numbers,
)
from grader.checks.own_data import data_typed_otherwise
from grader.checks.sizes import place_of
from grader.checks.trained_line import (
    trained_W_and_b,
)
from grader.checks.training import line_training, line_training_hint
from grader.errors import Cause, Feedback
from grader.grading.inputs import grader_int, grader_tensor

pytestmark = pytest.mark.assignment("03_optimizer_and_seeds.ipynb")

EPOCHS = 2000
LR = 0.01
LOSS_THRESHOLD = 1e-5  # the reference ends at 5.2e-6; 200 epochs end at 0.03, no reset at 19
# Float32 and float64, x * W and X @ W all land within 1e-6 of the reference's W and b; twice
# the epochs moves b by 0.006 and W by 0.003, so 1e-3 still tells them apart.
PARAMETER_TOLERANCE = 1e-3
STEP_LR = 0.05
NOTEBOOK_ROWS = (3,)  # y = 2x on three points: a row count typed in works on them only
LOOP = ("The lesson's loop: 2000 epochs of SGD at lr = 0.01 from W = b = 0, each one "
        "computing the MSE of X_train @ W + b against y_train, then optimizer.zero_grad(), "
        "cost.backward() and optimizer.step().")


def _own_data(submission, reference) -> tuple[torch.Tensor, torch.Tensor] | None:
    """X_train and y_train typed otherwise than the lesson's (grader/checks/own_data.py): the
    training is then judged on them, and only the data test charges the data."""
    found = data_typed_otherwise(submission, reference, ("X_train", "y_train"))
    return (found[0], found[1]) if found else None


def lesson_run(submission, reference) -> Descent:
    """The training the lesson asks for, run by the grader from the given zero start, on the
    notebook's own data where they differ from the lesson's."""
    X, y = _own_data(submission, reference) or (reference.value("X_train"),
                                                reference.value("y_train"))
    return Descent(X, y, torch.zeros(1, 1), torch.zeros(1), LR, EPOCHS)


@pytest.mark.points(1)
def test_training_data_are_the_y_equals_2x_columns(submission, reference):
    """X_train and y_train are float tensors of shape (3, 1) holding y = 2x, in order."""
    for name in ("X_train", "y_train"):
        expected = reference.value(name)
        found = expect_tensor_like(submission.value(name), expected, name, check_dtype=False)
        expect_same_values(found, expected, name, hint="Keep the rows in the order given.")


@lru_cache(maxsize=4)
def _explained(submission, reference) -> Explanation | None:
    """The usual mistakes that reproduce the notebook's training (run only on a failure)."""
    return line_training(submission, lesson_run(submission, reference), PARAMETER_TOLERANCE)


def _hint(submission, reference):
    return line_training_hint(submission, lambda: lesson_run(submission, reference),
                              lambda: _explained(submission, reference), LOOP)


@pytest.mark.points(2)
def test_sgd_loop_records_a_loss_per_epoch_that_ends_below_1e_5(submission, reference):
    """losses holds 2000 numbers, the cost of every epoch of the training, ending below 1e-5."""
    values = recorded_numbers(submission.value("losses"), "losses")
    expect_one_per_epoch(values, EPOCHS, "losses",
                         explained=lambda: _explained(submission, reference) or "")
    run = lesson_run(submission, reference)
    if _own_data(submission, reference) is not None and is_close(
            values, run.result.losses, rtol=1e-3, atol=1e-6):
        return  # the lesson's loop on data typed otherwise: charged by the data test alone
    expect_recorded_start(values[0], run.start_loss(), run.loss_after_one_step(), "losses",
                          mistaken_losses(run),
                          explained=lambda: _explained(submission, reference) or "")
    expect_finite(values, "losses")
    trained = trained_W_and_b(submission)
    expect_recorded_end(values, run.loss_at(trained), "losses", "the trained W and b",
                        explained=lambda: _explained(submission, reference) or "")
    # 1e-5 says "converged": 1500 epochs end at 6e-5, 1000 at 6e-4; no band of partial credit.
    expect_last_below(values, LOSS_THRESHOLD, "losses", _hint(submission, reference))


@pytest.mark.points(2)
def test_trained_W_and_b_are_near_the_reference(submission, reference):
    """The trained W and b are within 0.001 of the reference's (1.997 and 0.006)."""
    found = trained_W_and_b(submission)
    expected = torch.cat([reference.value(n).double().reshape(-1) for n in ("W", "b")])
    expected_from = "the reference"
    if _own_data(submission, reference) is not None:
        expected = lesson_run(submission, reference).result.parameters
        expected_from = "the lesson's training on your X_train and y_train"
    for position, name in enumerate(("W", "b")):
        expect_close(found[position], expected[position], name, rtol=0.0,
                     atol=PARAMETER_TOLERANCE, expected_from=expected_from,
                     hint=_hint(submission, reference))


def _step_inputs() -> dict:
    return {
        "X": grader_tensor(4, 1, seed=51, scale=2.0),
        "y": grader_tensor(4, 1, seed=52, scale=5.0),
        "W": grader_tensor(1, 1, seed=53, requires_grad=True),
        "b": grader_tensor(1, seed=54, requires_grad=True),
    }


# Two calls chained from one state, and one call from where the first ended, on fresh
# tensors with an optimizer of their own.
TWO_STEPS = f"""
import torch
def fresh(t):
    return t.detach().clone().requires_grad_(True)
def state(W, b):
    return {{"W": W.detach().clone(), "b": b.detach().clone()}}
W1, b1 = fresh(W), fresh(b)
optimizer = torch.optim.SGD([W1, b1], lr={STEP_LR})
start = state(W1, b1)
first_loss = train_step(X, y, W1, b1, optimizer)
after_one = state(W1, b1)
train_step(X, y, W1, b1, optimizer)
after_two = state(W1, b1)
W2, b2 = fresh(after_one["W"]), fresh(after_one["b"])
train_step(X, y, W2, b2, torch.optim.SGD([W2, b2], lr={STEP_LR}))
result = {{"start": start, "after_one": after_one, "after_two": after_two,
          "single_second": state(W2, b2), "first_loss": first_loss}}
"""
TWO_STEPS_DESCRIBE = f"calling train_step twice with the grader's W, b and SGD(lr={STEP_LR})"


def _two_steps(notebook) -> dict:
    return notebook.scenario(TWO_STEPS, ["train_step"], TWO_STEPS_DESCRIBE, **_step_inputs())


def _as_number(value: object, what: str) -> float:
    number = one_number(value)  # a tensor or NumPy array of one element is that number
    if number is None:
        raise Feedback(f"{what} should be the loss, a number (cost.item()), found "
                       f"{type(value).__name__}.", cause=Cause.NOT_A_NUMBER)
    return number


OWN_OPTIMIZER = ("Update through the optimizer that is passed in: optimizer.step() after "
                 "cost.backward() (do not create another optimizer inside).")


@pytest.mark.points(1)
def test_train_step_is_one_step_of_the_optimizer_it_is_given(submission, reference):
    """One train_step call returns the cost before the update and steps the optimizer given."""
    expected, found = _two_steps(reference), _two_steps(submission)
    loss = _as_number(found["first_loss"], "train_step's return value")
    inputs = _step_inputs()
    start = inputs["X"] @ inputs["W"].detach() + inputs["b"].detach()
    expect_close(loss, expected["first_loss"], "the loss returned by train_step", hint=hint_for(
        loss, [*mse_suspects(start, inputs["y"], NOTEBOOK_ROWS,
                             place_of(submission, "train_step", NOTEBOOK_ROWS[0])),
               notebook_data_suspect("train_step", reference.value("X_train"),
                                     reference.value("y_train"), inputs["W"], inputs["b"])],
        "Return the mean squared error of X @ W + b against y, computed before the update, "
        "as cost.item()."))
    for name in ("W", "b"):
        moved = found["after_one"][name]
        expect_close(moved, expected["after_one"][name], f"{name} after one train_step",
                     hint=hint_for(moved, [Suspect(
                         Cause.NOT_STEPPED,
                         f"{name} did not move: step with the optimizer that is passed in "
                         "(optimizer.step() after cost.backward()), and do not reset the "
                         "gradients between backward() and step().",
                         lambda name=name: found["start"][name])],
                         scaled_move(name, found["start"][name], moved,
                                     expected["after_one"][name], lr=STEP_LR,
                                     advice=OWN_OPTIMIZER) or OWN_OPTIMIZER))


@pytest.mark.points(2)
def test_train_step_resets_gradients_between_calls(submission):
    """Two train_step calls move W and b as two separate single calls would."""
    found = _two_steps(submission)
    expect_steps_independent("train_step", found["start"], found["after_one"],
                             found["after_two"], found["single_second"])


def _seeded_rand(seed: int, n: int, draw: str = "rand") -> list[float]:
    generator = torch.Generator().manual_seed(seed)
    return [getattr(torch, draw)(1, generator=generator).item() for _ in range(n)]


@pytest.mark.points(2)
def test_seeded_draws_follow_the_seed_and_repeat_the_lecture(submission, reference):
    """seeded_draws(seed, n) returns n torch.rand draws after torch.manual_seed(seed)."""
    def draws(notebook, seed: int, n: int) -> dict:
        values = notebook.call("seeded_draws", seed, n).value
        if notebook is submission:
            _expect_numbers(values, n, f"seeded_draws({seed}, {n})")
        return {"draws": values}

    runs = {seed: draws(submission, seed, 2) for seed in (3, 5)}
    expect_different_for_different_seeds(runs, "seeded_draws(seed, 2)")
    expect_same_for_same_seed(runs[3], draws(submission, 3, 2), "seeded_draws(3, 2)")
    # the last: a seed and a count of the grader's (grader/grading/inputs.py)
    for seed, n in ((3, 2), (5, 2), (2024, 4), (7, 1),
                    (grader_int(100, 10**6, seed=901), grader_int(2, 6, seed=902))):
        found = draws(submission, seed, n)
        expect_seeded_like_reference(found, draws(reference, seed, n),
                                     f"seeded_draws({seed}, {n})", hint=hint_for(
            [float(v) for v in found["draws"]],
            [Suspect(Cause.NORMAL_DRAWS,
                     "They are torch.randn's draws: torch.randn draws from the normal "
                     "distribution; the lesson draws uniformly on [0, 1) with torch.rand.",
                     lambda seed=seed, n=n: _seeded_rand(seed, n, "randn")),
             Suspect(Cause.RESEEDED_EACH_DRAW,
                     "They are the first draw, repeated: the generator was seeded again "
                     "before every draw. Seed once, before the draws.",
                     lambda seed=seed, n=n: _seeded_rand(seed, 1) * n)],
            "Seed first with torch.manual_seed(seed), then call torch.rand(1) n times."))


def _expect_numbers(values, n: int, call: str) -> None:
    if isinstance(values, torch.Tensor) and values.dim() == 1:
        values = values.tolist()
    if not isinstance(values, (list, tuple)):
        raise Feedback(f"{call} should return a list of {n} numbers, found "
                       f"{type(values).__name__}.", cause=Cause.NOT_A_NUMBER)
    if len(values) != n:
        raise Feedback(f"{call} should return {n} numbers, one per draw, found {len(values)}.",
                       cause=Cause.WRONG_SHAPE)


def _seed_inputs() -> tuple:
    return grader_tensor(6, 1, seed=61, scale=2.0), grader_tensor(6, 1, seed=62, scale=4.0)


SEED_EPOCHS = 30  # enough steps for a wrong start or a wrong step to show


# The train_step a seeded run steps with: the notebook's own, or, where that one raises (its
# own tests charge it), the lesson's step in its place, bound into train_from_seed's globals:
# the tests of train_from_seed judge its seeds and procedure, whatever train_step does.
STEPPER = f"""
import types, torch
def lesson_step(X, y, W, b, optimizer):
    cost = torch.mean((X @ W + b - y) ** 2)
    optimizer.zero_grad()
    cost.backward()
    optimizer.step()
    return cost.item()
def steps_without_raising():
    W, b = torch.zeros(1, 1, requires_grad=True), torch.zeros(1, requires_grad=True)
    try:
        train_step(X.clone(), y.clone(), W, b, torch.optim.SGD([W, b], lr={LR}))
    except Exception:
        return False
    return True
stepper = train_step if steps_without_raising() else lesson_step
"""
FROM_SEED = STEPPER + """
function = train_from_seed
if stepper is lesson_step and isinstance(function, types.FunctionType):
    scope = dict(function.__globals__)
    scope["train_step"] = lesson_step
    function = types.FunctionType(function.__code__, scope, function.__name__,
                                  function.__defaults__, function.__closure__)
result = function(seed, X, y, epochs)
"""


def _train_from_seed(notebook, seed: int) -> object:
    X, y = _seed_inputs()
    return notebook.scenario(FROM_SEED, ["train_from_seed"],
                             f"calling train_from_seed({seed}, X, y, {SEED_EPOCHS})", seed=seed,
                             X=X, y=y, epochs=SEED_EPOCHS)


@pytest.mark.points(2)
def test_train_from_seed_is_identical_for_the_same_seed(submission):
    """train_from_seed called twice with one seed gives the same results, bit for bit."""
    for seed in (3, 1234):
        first, second = _train_from_seed(submission, seed), _train_from_seed(submission, seed)
        call = f"train_from_seed({seed}, X, y, {SEED_EPOCHS})"
        expect_same_for_same_seed(_named(first), _named(second), call)


@pytest.mark.points(1)
def test_train_from_seed_differs_between_seeds(submission):
    """train_from_seed gives different results for different seeds."""
    runs = {seed: _named(_train_from_seed(submission, seed)) for seed in (11, 12)}
    expect_different_for_different_seeds(runs, f"train_from_seed(seed, X, y, {SEED_EPOCHS})")


def _named(result: object) -> dict:
    """A run's results by name, whatever it returned (only the match test checks the form)."""
    if isinstance(result, tuple) and len(result) == 3:
        return dict(zip(("W", "b", "losses"), result, strict=True))
    return {"result": result}


# The lesson's procedure, run with the notebook's own train_step: what train_from_seed gives
# when it does the steps asked, whatever train_step does.
WITH_OWN_STEP = STEPPER + f"""
torch.manual_seed(seed)
W = torch.randn(1, 1, requires_grad=True)
b = torch.randn(1, requires_grad=True)
optimizer = torch.optim.SGD([W, b], lr={LR})
losses = [stepper(X, y, W, b, optimizer) for _ in range(epochs)]
result = (W, b, losses)
"""


def _seed_suspects(seed: int, X: torch.Tensor, y: torch.Tensor) -> list[Suspect]:
    def run(draw: str = "randn", b_first: bool = False, lr: float = LR) -> torch.Tensor:
        generator = torch.Generator().manual_seed(seed)
        sample = getattr(torch, draw)
        first = sample(1, generator=generator) if b_first else sample(1, 1, generator=generator)
        second = sample(1, 1, generator=generator) if b_first else sample(1, generator=generator)
        W, b = (second, first) if b_first else (first, second)
        return Descent(X, y, W, b, lr, SEED_EPOCHS).result.parameters

    def start() -> torch.Tensor:
        generator = torch.Generator().manual_seed(seed)
        W, b = torch.randn(1, 1, generator=generator), torch.randn(1, generator=generator)
        return torch.cat([W.reshape(-1), b]).double()

    return [
        Suspect(Cause.NOT_TRAINED,
                "They are the seeded start itself: W and b never moved. Step an optimizer made "
                "over this W and b, `epochs` times (an optimizer over other tensors, such as "
                "the notebook's W and b, moves those instead).", start, rtol=0.0, atol=1e-6),
        Suspect(Cause.UNIFORM_DRAWS,
                "They are what a torch.rand start gives: torch.rand draws uniformly from "
                "[0, 1); draw W and b with torch.randn (standard normal).",
                lambda: run("rand"), rtol=1e-4),
        Suspect(Cause.DRAW_ORDER, "They are what drawing b before W gives: draw W first, then b.",
                lambda: run(b_first=True), rtol=1e-4),
        Suspect(Cause.OTHER_LEARNING_RATE,
                f"They are what a learning rate of {10 * LR:g} gives: use lr = {LR}.",
                lambda: run(lr=10 * LR), rtol=1e-4),
        Suspect(Cause.OTHER_LEARNING_RATE,
                f"They are what a learning rate of {LR / 10:g} gives: use lr = {LR}.",
                lambda: run(lr=LR / 10), rtol=1e-4),
    ]


@pytest.mark.points(1)
def test_train_from_seed_matches_the_reference(submission, reference):
    """train_from_seed returns (W, b, losses) of exactly `epochs` seeded SGD steps, as the
    reference does."""
    for seed in (3, 11):
        call = f"train_from_seed({seed}, X, y, {SEED_EPOCHS})"
        found = _train_from_seed(submission, seed)
        if not isinstance(found, tuple) or len(found) != 3:
            raise Feedback(f"{call} should return the tuple (W, b, losses), found "
                           f"{type(found).__name__}"
                           f"{f' of {len(found)} items' if isinstance(found, tuple) else ''}.")
        losses = recorded_numbers(found[2], f"the losses {call} returns")
        expect_one_per_epoch(losses, SEED_EPOCHS, f"the losses {call} returns",
                             loop="its loop")
        expected = _named(_train_from_seed(reference, seed))
        named = {"W": found[0], "b": found[1], "losses": losses}
        if all(is_close(named[k], expected[k]) for k in ("W", "b")) and is_close(
                losses, expected["losses"]):
            continue
        X, y = _seed_inputs()
        own = submission.scenario(WITH_OWN_STEP, [],
                                  f"training with your train_step from seed {seed}",
                                  seed=seed, X=X, y=y, epochs=SEED_EPOCHS)
        own_losses = recorded_numbers(own[2], "your train_step's losses")
        if is_close(named["W"], own[0]) and is_close(named["b"], own[1]) and \
                is_close(losses, own_losses):
            continue  # the procedure is right; train_step's own mistakes are charged there
        parameters = torch.cat([torch.as_tensor(named[k]).double().reshape(-1)
                                for k in ("W", "b")])
        cause = matching(parameters, _seed_suspects(seed, X, y))
        expect_seeded_like_reference(named, expected, call, hint=cause or Explanation(
            "After torch.manual_seed(seed), draw W = torch.randn(1, 1) then b = "
            "torch.randn(1), make an SGD optimizer over [W, b] at lr = 0.01, and take exactly "
            "`epochs` steps."))
