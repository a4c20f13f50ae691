"""Assignment 1 (lessons 1-2): training data as tensors; parameters, prediction, loss, a step.

Each test owns one property. The tests of the given cells (the initial loss, the loss after
one step) compare with what the student's own functions give at the seeded start, so that a
mistake in `init_params`, `predict` or `mse` is charged once, by that function's test.
"""

import pytest
import torch

from grader.checks import expect_close, expect_requires_grad, expect_same_values
from grader.checks.causes import Suspect, hint_for
from grader.checks.closeness import is_close
from grader.checks.gradients import scaled_move
from grader.checks.loss_functions import expect_mean_squared_error
from grader.checks.sizes import place_of, sized_call
from grader.checks.tensors import expect_tensor_like
from grader.errors import Cause, Feedback
from grader.grading.inputs import grader_int, grader_tensor

pytestmark = pytest.mark.assignment("01_tensors_and_loss.ipynb")

STEP_LR = 0.001  # the notebook's one step
# One float32 update of the grader's tensors is exact to rounding: a step of 0.001 times a
# gradient must not pass for no step at all.
EXACT = {"rtol": 1e-5, "atol": 1e-7}
NOTEBOOK_ROWS = (3,)  # the study hours: a row count typed in works on them only


@pytest.mark.points(2)
def test_training_data_are_float32_columns_in_the_given_order(submission, reference):
    """X_train and y_train are float32 tensors of shape (3, 1), rows in the order given."""
    for name in ("X_train", "y_train"):
        expected = reference.value(name)
        found = expect_tensor_like(submission.value(name), expected, name)
        expect_same_values(found, expected, name, hint="Keep the rows in the order given.")


@pytest.mark.points(1)
def test_as_column_turns_any_list_into_a_float32_column(submission, reference):
    """as_column turns lists of one, four or 500 numbers (integers too) into float32 (N, 1)."""
    for values in ([0.5, 2, 7, -1], [3], [1.25, 100.0], [0, 0, 0],
                   [float(i) / 7 for i in range(500)],
                   grader_tensor(grader_int(2, 9, seed=901), seed=902).tolist()):  # the grader's
        expected = reference.call("as_column", values).value
        found = sized_call(lambda values=values: submission.call("as_column", values).value,
                           len(values), NOTEBOOK_ROWS, "as_column", submission,
                           lambda: submission.call("as_column", [1.0, 2.0, 3.0]))
        name = f"as_column(a list of {len(values)} numbers)"
        expect_tensor_like(found, expected, name)
        expect_same_values(found, expected, name)


def _seeded_draws(seed: int, draw: str, b_first: bool = False) -> tuple[torch.Tensor, ...]:
    """W (1, 1) and b (1,) as torch.manual_seed(seed) and torch.`draw` would give them."""
    generator = torch.Generator().manual_seed(seed)
    sample = getattr(torch, draw)
    if b_first:
        b = sample(1, generator=generator)
        return sample(1, 1, generator=generator), b
    return sample(1, 1, generator=generator), sample(1, generator=generator)


def _init_suspects(seed: int, which: int) -> list[Suspect]:
    return [
        Suspect(Cause.UNIFORM_DRAWS,
                "It is what torch.rand gives: torch.rand draws uniformly from [0, 1); the "
                "lesson asks for the standard normal, torch.randn.",
                lambda: _seeded_draws(seed, "rand")[which]),
        Suspect(Cause.DRAW_ORDER,
                "It is what drawing b before W gives: random numbers come in order, so draw "
                "W first, then b.", lambda: _seeded_draws(seed, "randn", b_first=True)[which]),
    ]


@pytest.mark.points(2)
def test_init_params_draws_seeded_standard_normal_parameters(submission, reference):
    """init_params(seed) seeds, then draws W (1, 1) and b (1,) with torch.randn, tracking
    gradients."""
    for seed in (0, 31, 2024, grader_int(100, 10**6, seed=903)):  # the last: the grader's
        expected_W, expected_b = reference.call("init_params", seed).value
        found = submission.call("init_params", seed).value
        if not isinstance(found, tuple) or len(found) != 2:
            raise Feedback(f"init_params({seed}) should return the pair (W, b), found "
                           f"{type(found).__name__}.")
        again = submission.call("init_params", seed).value
        for which, (name, value, expected) in enumerate(
                (("W", found[0], expected_W), ("b", found[1], expected_b))):
            label = f"{name} from init_params({seed})"
            expect_tensor_like(value, expected, label)
            expect_requires_grad(value, label)
            if not is_close(value, expected) and not is_close(value, again[which]):
                raise Feedback(f"init_params({seed}) gave another {name} when called again "
                               "with the same seed: call torch.manual_seed(seed) inside the "
                               "function, before drawing.", cause=Cause.NOT_REPRODUCIBLE)
            expect_close(value, expected, label, hint=hint_for(
                value, _init_suspects(seed, which),
                "Seed first with torch.manual_seed(seed), then draw W, then b, with "
                "torch.randn."))


def _prediction_inputs() -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    W, b = grader_tensor(1, 1, seed=12), grader_tensor(1, seed=13)
    return [(grader_tensor(5, 1, seed=11, scale=3.0), W, b),
            (grader_tensor(1, 1, seed=14), W, b),                 # one row
            (grader_tensor(400, 1, seed=15, scale=2.0), W, b),    # many rows
            (torch.zeros(3, 1), W, b)]                            # zeros: the bias alone


@pytest.mark.points(1)
def test_predict_is_the_linear_model_on_the_graders_inputs(submission, reference):
    """predict(X, W, b) is X @ W + b, for one row, a few rows and many rows."""
    for X, W, b in _prediction_inputs():
        name = f"predict(X, W, b) for X of shape {tuple(X.shape)}"
        expected = reference.call("predict", X, W, b).value
        found = sized_call(lambda X=X, W=W, b=b: submission.call("predict", X, W, b).value,
                           X.shape[0], NOTEBOOK_ROWS, "predict", submission,
                           lambda W=W, b=b: submission.call("predict", torch.ones(3, 1), W, b))
        expect_tensor_like(found, expected, name, check_dtype=False)
        expect_close(found, expected, name, hint=hint_for(found, [
            Suspect(Cause.NO_BIAS, "It is X @ W without the bias: add b.",
                    lambda X=X, W=W: X @ W),
            Suspect(Cause.BIAS_SUBTRACTED, "It is X @ W - b: add the bias, do not subtract it.",
                    lambda X=X, W=W, b=b: X @ W - b)], "It should return X @ W + b."))


def _mse_inputs() -> list[tuple[torch.Tensor, torch.Tensor]]:
    return [(grader_tensor(6, 1, seed=21, scale=5.0), grader_tensor(6, 1, seed=22, scale=5.0)),
            (grader_tensor(1, 1, seed=23), grader_tensor(1, 1, seed=24)),            # one row
            (grader_tensor(300, 1, seed=25), grader_tensor(300, 1, seed=26)),        # many rows
            (torch.ones(4, 1), torch.ones(4, 1))]                                    # no error


@pytest.mark.points(1)
def test_mse_is_the_mean_of_squared_errors(submission, reference):
    """mse(y_pred, y) is the mean of (y_pred - y) ** 2, as a tensor backward() can use."""
    for y_pred, y in _mse_inputs():
        y_pred = y_pred.clone().requires_grad_(True)
        name = f"mse(y_pred, y) for two tensors of shape {tuple(y.shape)}"
        expected = reference.call("mse", y_pred, y).value
        found = sized_call(lambda y_pred=y_pred, y=y: submission.call("mse", y_pred, y).value,
                           y.shape[0], NOTEBOOK_ROWS, "mse", submission,
                           lambda: submission.call("mse", torch.zeros(3, 1), torch.zeros(3, 1)))
        expect_mean_squared_error(found, y_pred, y, name, expected=expected,
                                  notebook_rows=NOTEBOOK_ROWS,
                                  where=place_of(submission, "mse", NOTEBOOK_ROWS[0]))


# The given cells of lesson 2, replayed with the student's own functions from the start the
# notebook drew: init_params(0), when it gives the same start at every call. When it does not
# (its own test charges that), the notebook drew a start no call can give again: it is the
# notebook's W and b before their one step (W + lr * W_grad), or W and b as they are if the
# step did not move them (sgd_step's own test charges that). The step is also replayed from
# the gradients the notebook itself holds (W_grad, b_grad): gradients made wrong in the given
# cells (backward() run twice) are charged by the gradients' test, not again by the step's.
REPLAY = f"""
import torch
def same(first, second):
    return (isinstance(first, torch.Tensor) and isinstance(second, torch.Tensor)
            and first.shape == second.shape and bool((first == second).all()))
def replay(W0, b0, start, grads=None):
    loss0 = mse(predict(X_train, W0, b0), y_train)
    if grads is None:
        loss0.backward()
    else:
        W0.grad, b0.grad = (g.clone() for g in grads)
    found = {{"start": start, "initial_loss": loss0.item(), "W_grad": copy(W0.grad),
              "b_grad": copy(b0.grad)}}
    if step:
        sgd_step([W0, b0], lr={STEP_LR})
        found["after"] = mse(predict(X_train, W0, b0), y_train).item()
    return found
def copy(grad):
    return None if grad is None else grad.clone()
def leaf(value):
    return value.detach().clone().requires_grad_(True)
W0, b0 = init_params(0)
W_again, b_again = init_params(0)
drawn = [globals().get(name) for name in ("W", "b", "W_grad", "b_grad")]
if (same(W0, W_again) and same(b0, b_again)) or not all(
        isinstance(t, torch.Tensor) for t in drawn):
    starts = [(W0, b0, "init_params(0)")]
else:
    W_now, b_now, W_grad_now, b_grad_now = (t.detach() for t in drawn)
    starts = [(leaf(W_now + {STEP_LR} * W_grad_now), leaf(b_now + {STEP_LR} * b_grad_now),
               "the start your notebook drew"),
              (leaf(W_now), leaf(b_now), "the start your notebook drew")]
own_grads = [t.detach() for t in drawn[2:] if isinstance(t, torch.Tensor)]
from_own_grads = [(leaf(W1), leaf(b1), where) for W1, b1, where in starts
                  if step and len(own_grads) == 2 and isinstance(W1, torch.Tensor)
                  and isinstance(b1, torch.Tensor) and W1.shape == own_grads[0].shape
                  and b1.shape == own_grads[1].shape]
result = [replay(W1, b1, where) for W1, b1, where in starts]
result += [replay(W1, b1, where, own_grads) for W1, b1, where in from_own_grads]
"""
START_NEEDS = ["init_params", "predict", "mse", "X_train", "y_train"]


def _replays(submission, step: bool) -> list[dict]:
    """The replays of lesson 2 from each start the notebook may have drawn (usually one)."""
    needs = START_NEEDS + (["sgd_step"] if step else [])
    return submission.scenario(REPLAY, needs,
                               "replaying lesson 2 with your functions from init_params(0)",
                               step=step)


def _given_value(submission, name: str, step: bool) -> object:
    """`name` as a given cell of lesson 2 left it. When that cell stopped, and a function or
    value it needs is still a blank, that blank is named, by the function that holds it: the
    cell's own error (a NameError, or sgd_step's `.grad is None` after the loss's cell stopped)
    only followed from it, and a cell of two functions is named by the first."""
    try:
        return submission.value(name)
    except Feedback:
        try:
            _replays(submission, step)
        except Feedback as needed:
            if needed.cause is Cause.NOT_IMPLEMENTED:
                raise needed from None
        raise


def _matching(replays: list[dict], key: str, found: object) -> dict:
    """The replay whose `key` is `found`, or else the first (the one to compare with)."""
    return next((r for r in replays if is_close(found, r[key])), replays[0])


@pytest.mark.points(1)
def test_initial_loss_and_its_gradients_are_those_of_your_functions(submission):
    """initial_loss, W_grad and b_grad are what your functions give at the seeded start."""
    found = {name: _given_value(submission, name, step=False)
             for name in ("initial_loss", "W_grad", "b_grad")}
    replay = _matching(_replays(submission, step=False), "initial_loss", found["initial_loss"])
    expect_close(found["initial_loss"], replay["initial_loss"], "initial_loss",
                 expected_from=f"what your mse and predict give at {replay['start']}",
                 hint="Compute it once, at the start, before any step.")
    for name in ("W_grad", "b_grad"):
        doubled = Suspect(Cause.BACKWARD_TWICE,
                          "It is twice the gradient: backward() ran twice on the same loss, "
                          "and gradients add up in .grad. Call loss.backward() once.",
                          lambda name=name: 2 * replay[name])
        expect_close(found[name], replay[name], name,
                     expected_from="the gradient of your initial loss",
                     hint=hint_for(found[name], [doubled],
                                   "Call loss.backward() once, on the initial loss."))


def _step_inputs() -> tuple[torch.Tensor, torch.Tensor]:
    W = grader_tensor(1, 1, seed=31, requires_grad=True)
    b = grader_tensor(1, seed=32, requires_grad=True)
    # Gradients of 10 and more, so that even a step with the notebook's learning rate typed in
    # (STEP_LR) moves a parameter by more than the suspects' tolerance: "it did not move" and
    # "it moved by STEP_LR times its gradient" stay apart, whatever the course's secret draws.
    W.grad = grader_tensor(1, 1, seed=33, scale=3.0).abs() + 10.0
    b.grad = -(grader_tensor(1, seed=34, scale=3.0).abs() + 10.0)
    return W, b


@pytest.mark.points(1)
def test_sgd_step_moves_each_parameter_against_its_gradient(submission, reference):
    """sgd_step(params, lr) moves each tensor in place by -lr times its gradient."""
    for lr in (0.1, 0.5):
        W, b = _step_inputs()
        expected = reference.call("sgd_step", [W, b], lr).args[0]
        found = submission.call("sgd_step", [W, b], lr).args[0]
        for name, value, wanted, start in zip(("W", "b"), found, expected, (W, b), strict=True):
            suspects = [
                Suspect(Cause.NOT_IN_PLACE,
                        f"{name} did not move: the update made a new tensor instead of "
                        "changing the one in the list. Update in place, p -= lr * p.grad "
                        "(inside torch.no_grad()), or through p.data.", lambda s=start: s,
                        **EXACT),
                Suspect(Cause.NUMBER_TYPED_IN,
                        f"{name} moved by {STEP_LR} times its gradient, not by lr times it: "
                        "use the lr argument, not a number typed in.",
                        lambda s=start: s.detach() - STEP_LR * s.grad, **EXACT),
                Suspect(Cause.WRONG_SIGN,
                        f"{name} moved along its gradient, not against it: subtract, "
                        "p -= lr * p.grad.", lambda s=start, lr=lr: s.detach() + lr * s.grad,
                        **EXACT),
            ]
            expect_close(value, wanted, f"{name} after sgd_step([W, b], lr={lr})",
                         hint=hint_for(value, suspects, scaled_move(name, start, value, wanted) or
                                       "Update each p in place: p -= lr * p.grad."))



@pytest.mark.points(1)
def test_one_step_lowers_the_loss_as_your_functions_do(submission):
    """loss_after_step is the loss after one step of your sgd_step at lr = 0.001."""
    found = _given_value(submission, "loss_after_step", step=True)
    replay = _matching(_replays(submission, step=True), "after", found)
    expect_close(found, replay["after"], "loss_after_step",
                 expected_from="the loss after one step of your sgd_step",
                 hint=hint_for(found, [Suspect(
                     Cause.LOSS_AT_ANOTHER_MOMENT,
                     "It is the loss before the step: compute it after sgd_step.",
                     lambda: replay["initial_loss"])],
                     f"Take exactly one step, sgd_step([W, b], lr={STEP_LR}), then compute "
                     "the loss."))
