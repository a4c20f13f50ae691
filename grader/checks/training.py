"""Did training converge? Finite, decreasing overall, and below a threshold. And what to say
when trained parameters are wrong and no usual mistake explains them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from grader.checks.explanation import Explanation, Hint
from grader.checks.gradient_descent import Descent
from grader.checks.linear_mistakes import explain_linear
from grader.checks.loss_record import (
    expect_finite,
    expect_last_below,
    expect_one_per_epoch,
    recorded_numbers,
)
from grader.checks.mistaken_runs import Evidence
from grader.checks.trained_line import (
    departure,
    learning_rates,
    recorded_losses,
    trained_parameters,
    trained_W_and_b,
)
from grader.errors import Cause, Feedback


def expect_training_converged(losses: Sequence[float], threshold: float, name: str = "losses",
                              epochs: int | None = None, hint: str = "") -> None:
    """Numbers, `epochs` of them, finite, not growing overall, ending below `threshold`.
    `hint` says what to check when they do not (no cause is claimed without evidence)."""
    values = recorded_numbers(list(losses), name)
    if epochs is not None:
        expect_one_per_epoch(values, epochs, name)
    expect_finite(values, name)
    if values[-1] > values[0]:
        raise Feedback(f"the loss grew from {values[0]:.4g} to {values[-1]:.4g}: the steps "
                       "overshoot. Check the learning rate, the update's sign "
                       f"(p -= lr * p.grad), and that gradients are reset. {hint}".strip(),
                       cause=Cause.LOSS_GREW)
    expect_last_below(values, threshold, name, hint)


DIVERGED = ("Training blew up: the loss grew without bound until the numbers overflowed. The "
            "steps are too large: try a smaller learning rate, and check the update's sign "
            "(p -= lr * p.grad moves against the gradient).")


def training_hint(parameters: object, explained: Explanation | None, otherwise: Hint
                  ) -> Hint:
    """What the evidence explained, if it named a cause; else why NaN parameters happen;
    else `otherwise` (what differs, and where, without guessing)."""
    if explained is not None:
        return explained
    values = torch.as_tensor(parameters, dtype=torch.float64)
    if bool(torch.isfinite(values).all()):
        return otherwise
    return Explanation(DIVERGED, Cause.DIVERGED)


def line_training(submission: Any, lesson: Descent, tolerance: float) -> Explanation | None:
    """The usual mistakes that reproduce a notebook's training of the line y = W x + b (its
    trained W and b, its recorded `losses`, the learning rates it holds)."""
    try:
        trained = trained_parameters(submission)
    except Feedback:
        return None
    return explain_linear(Evidence(trained, recorded_losses(submission)), lesson, tolerance,
                          learning_rates(submission))


def line_training_hint(submission: Any, lesson: Callable[[], Descent],
                       explained: Callable[[], Explanation | None], loop: str
                       ) -> Callable[[], Hint]:
    """A hint asked only on a failure: what explains the training, else where its recorded
    losses leave the lesson's, and `loop`, what the lesson asks."""
    def hint() -> Hint:
        trained = trained_W_and_b(submission)
        where = departure(recorded_losses(submission), lesson().result.losses)
        return training_hint(trained, explained(), f"{where} {loop}".strip())
    return hint
