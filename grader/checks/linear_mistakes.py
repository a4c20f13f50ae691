"""The usual mistakes of a linear regression's training, and what they explain: a wrong first
loss (another loss than the MSE, or shapes that broadcast) and wrong trained parameters (each
mistake, and each pair, re-run by grader.checks.gradient_descent, named only if it reproduces
the student's values: grader.checks.mistaken_runs)."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from grader.checks.causes import Suspect
from grader.checks.explanation import Explanation
from grader.checks.gradient_descent import Descent, rows, run_all
from grader.checks.mistaken_runs import (
    NEVER_MOVES,
    Evidence,
    Mistake,
    epochs_mistake,
    explain_training,
    plausible_epochs,
    rate_mistakes,
)
from grader.errors import Cause


def mistaken_losses(descent: Descent) -> list[Suspect]:
    """Suspects for a wrong *loss value* at the start: another loss than the MSE, or shapes."""
    n, count = rows(descent), descent.y.numel()
    suspects = [
        Suspect(Cause.HALF_MSE,
                "It is half the mean squared error: the loss is divided by 2 (as some texts "
                "write it, with a 1/2 in front). Use the mean of the squared errors, without "
                "the / 2.", lambda: descent.but(loss="half").start_loss()),
        Suspect(Cause.SUMMED_LOSS,
                f"It is the sum of the squared errors, {count} times their mean "
                f"(reduction='sum', or .sum() instead of .mean()): average them.",
                lambda: descent.but(loss="sum").start_loss()),
        Suspect(Cause.SUMMED_LOSS,
                f"It is half the sum of the squared errors (the 1/2 sum some textbooks "
                f"write), {count / 2:g} times their mean: use their mean.",
                lambda: descent.but(loss="half_sum").start_loss()),
    ]
    if descent.y.dim() == 2 and descent.y.shape[1] == 1:
        suspects.append(Suspect(
            Cause.BROADCAST,
            f"It is the loss of ({n}, 1) predictions against ({n},) targets: they broadcast "
            f"to ({n}, {n}), every prediction against every target, with no error (F.mse_loss "
            f"only warns \"Using a target size that is different to the input size\"). Keep "
            f"the targets as a ({n}, 1) column, or reshape both to the same shape.",
            lambda: descent.but(flat_targets=True).start_loss()))
    return suspects


def linear_mistakes(descent: Descent, recorded: list[float] | None = None,
                    learning_rates: Sequence[float] = ()) -> list[Mistake]:
    """The usual mistakes of a linear regression's training, as changes of its run.

    `recorded`: the notebook's losses (their count suggests another number of epochs);
    `learning_rates`: rates the notebook itself holds (its `lr`, its optimizer's), besides
    ten times and a tenth of the lesson's."""
    epochs, n, count = descent.epochs, rows(descent), descent.y.numel()
    found_epochs = plausible_epochs(len(recorded) if recorded else None, epochs)
    mistakes = [
        Mistake(Cause.GRADIENTS_ACCUMULATE, "the gradients are never reset",
                "backward() adds each new gradient to .grad, so every step repeats all the "
                "earlier ones: reset them every epoch (optimizer.zero_grad(), p.grad.zero_() "
                "or p.grad = None), before backward() or after the update.", {"reset": False}),
        Mistake(Cause.TRAINED_TWICE,
                f"the training runs twice, {2 * epochs} epochs instead of {epochs}",
                "The training loop ran twice (a second loop, or a cell that trains again from "
                "the already trained parameters): the grader runs every cell once, top to "
                "bottom.", {"epochs": 2 * epochs}),
        Mistake(Cause.HALF_MSE, "the loss is half the mean squared error (a / 2)",
                "Every step is half as large: use the mean of the squared errors.",
                {"loss": "half"}),
        Mistake(Cause.SUMMED_LOSS,
                "the loss is the sum of the squared errors (reduction='sum', or .sum() "
                "instead of .mean())", f"Every step is {count} times larger: average them.",
                {"loss": "sum"}),
        Mistake(Cause.SUMMED_LOSS,
                "the loss is half the sum of the squared errors (the 1/2 sum some textbooks "
                "write)", f"Every step is {count / 2:g} times larger: use their mean.",
                {"loss": "half_sum"}),
        Mistake(Cause.PER_SAMPLE_STEPS,
                "it takes one step per data point (a loop over the rows inside each epoch)",
                f"This lesson takes one step per epoch on all {n} rows at once (full-batch "
                "gradient descent): compute the loss of all the data, then step once.",
                {"per_sample": True}),
        NEVER_MOVES,
    ]
    mistakes += epochs_mistake(found_epochs, epochs)
    if descent.y.dim() == 2 and descent.y.shape[1] == 1:
        mistakes.append(Mistake(
            Cause.BROADCAST, f"the ({n}, 1) predictions are compared with ({n},) targets",
            f"They broadcast to ({n}, {n}), every prediction against every target, with no "
            f"error: keep the targets as a ({n}, 1) column.", {"flat_targets": True}))
    return mistakes + rate_mistakes(descent.lr, learning_rates)


def explain_linear(evidence: Evidence, descent: Descent, tolerance: float,
                   learning_rates: Sequence[float] = ()) -> Explanation | None:
    """`explain_training` for a linear regression: what reproduces the student's W and b.
    `tolerance`: by how much the test lets parameters differ (what makes a mistake matter)."""
    def material(a: torch.Tensor, b: torch.Tensor) -> bool:
        return bool(((a - b).abs() > tolerance).any()) or not bool(torch.isfinite(a).all())
    return explain_training(evidence, descent,
                            linear_mistakes(descent, evidence.recorded, learning_rates),
                            run_all, material)
