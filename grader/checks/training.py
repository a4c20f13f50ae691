"""Did training converge? Finite, decreasing overall, and below a threshold. And what to say
when trained parameters are wrong and no usual mistake explains them."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch

from grader.errors import Feedback


def expect_training_converged(losses: Sequence[float], threshold: float, name: str = "losses",
                              epochs: int | None = None) -> None:
    values = [float(v) for v in losses]
    if not values:
        raise Feedback(f"`{name}` is empty: append each epoch's loss (loss.item()) to it.")
    if epochs is not None and len(values) != epochs:
        raise Feedback(f"`{name}` has {len(values)} entries, expected one per epoch ({epochs}). "
                       "Append loss.item() once per epoch; if it has twice as many, was the "
                       "training cell run twice?")
    for epoch, value in enumerate(values):
        if not math.isfinite(value):
            raise Feedback(f"training diverged at epoch {epoch}: the loss became {value}. "
                           "Try a smaller learning rate.")
    if values[-1] > values[0]:
        raise Feedback(f"the loss grew from {values[0]:.4g} to {values[-1]:.4g}: training "
                       "diverged. Try a smaller learning rate, and check the update's sign "
                       "(p -= lr * p.grad).")
    if values[-1] >= threshold:
        raise Feedback(f"the final loss is {values[-1]:.4g}, expected below {threshold:g}. "
                       "Train for the number of epochs asked, with the given learning rate, "
                       "and reset the gradients every epoch (they accumulate otherwise).")


DIVERGED = ("Training blew up: the loss grew without bound until the numbers overflowed. The "
            "steps are too large: try a smaller learning rate, and check the update's sign "
            "(p -= lr * p.grad moves against the gradient).")


def training_hint(parameters: object, cause: str | None, otherwise: str) -> str:
    """`cause` if the evidence named one; else why NaN parameters happen; else `otherwise`."""
    if cause:
        return cause
    values = torch.as_tensor(parameters, dtype=torch.float64)
    return otherwise if bool(torch.isfinite(values).all()) else DIVERGED
