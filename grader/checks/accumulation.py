"""A loss that creeps up at the learning rate asked for: the gradients are never reset.

Without a reset, each step moves by the sum of every gradient so far: the parameters overshoot
further and further, yet the loss grows slowly and stays finite. A learning rate that is too
large instead blows the loss up to inf or NaN within a few dozen steps. So a finite loss that
ends above where it started, at the lesson's own learning rate, names accumulation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from grader.checks.training import expect_training_converged
from grader.errors import Feedback

LR_TOLERANCE = 1e-12  # learning rates are typed in: the same number, or another one


def expect_converged_without_accumulation(losses: Sequence[float], threshold: float,
                                          name: str, *, epochs: int, lr: object = None,
                                          expected_lr: float | None = None) -> None:
    """expect_training_converged, blaming unreset gradients for a finite loss that grew.

    `lr`: the notebook's learning rate, if it has one by name (anything but a number counts
    as unknown); `expected_lr`: the lesson's. When both are known and differ, a growing loss
    is left to the learning-rate message.
    """
    values = [float(v) for v in losses]
    grew = bool(values) and all(math.isfinite(v) for v in values) and values[-1] > values[0]
    known = isinstance(lr, (int, float)) and expected_lr is not None
    asked_rate = not known or abs(float(lr) - float(expected_lr)) <= LR_TOLERANCE
    if grew and len(values) == epochs and asked_rate:
        raise Feedback(
            f"the loss grew from {values[0]:.4g} to {values[-1]:.4g} over {epochs} epochs, "
            "without blowing up: the gradients are not reset, so each step adds up all the "
            "earlier ones and overshoots more and more. Reset the gradients every epoch: "
            "optimizer.zero_grad() before backward() (or param.grad = None)."
        )
    expect_training_converged(values, threshold, name, epochs=epochs)
