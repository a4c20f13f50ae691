"""Did training converge? Finite, decreasing overall, and below a threshold. And what to say
when trained parameters are wrong and no usual mistake explains them."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from grader.checks.explanation import Explanation, Hint
from grader.checks.loss_record import (
    expect_finite,
    expect_last_below,
    expect_one_per_epoch,
    recorded_numbers,
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
