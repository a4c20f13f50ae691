"""What a notebook's training left behind, as the checks read it: the trained W and b, the
recorded losses, the learning rates it holds; and, when no usual mistake reproduces it, where
its recorded losses leave the lesson's training."""

from __future__ import annotations

import math
from typing import Any

import torch

from grader.checks.loss_record import SAME_LOSS, recorded_numbers
from grader.checks.tensors import expect_tensor_like
from grader.errors import Feedback

SHAPES = (("W", (1, 1)), ("b", (1,)))


def trained_W_and_b(submission: Any) -> torch.Tensor:
    """The notebook's trained W and b, flattened (W then b), in float64."""
    return trained_parameters(submission).double()


def trained_parameters(submission: Any, shapes: tuple[tuple[str, tuple[int, ...]], ...] = SHAPES
                       ) -> torch.Tensor:
    """The notebook's trained parameters, flattened in order, in the student's own dtype (the
    wider one if they differ): the precision a re-run must reproduce them to."""
    values = []
    for name, shape in shapes:
        value = submission.value(name)
        expect_tensor_like(value, torch.zeros(shape), name, check_dtype=False)
        values.append(value.detach().reshape(-1))
    dtype = torch.float64 if any(v.dtype == torch.float64 for v in values) else values[0].dtype
    if not dtype.is_floating_point:
        dtype = torch.float64
    return torch.cat([v.to(dtype) for v in values])


def recorded_losses(submission: Any, name: str = "losses") -> list[float] | None:
    """The notebook's recorded losses as numbers, or None where they cannot be read (the test
    that owns the record says why; the others only use it as evidence)."""
    try:
        return recorded_numbers(submission.value(name), name)
    except Feedback:
        return None


# The learning rates a notebook holds: its `lr`, and those of the optimizers it made.
RATES = """
import torch
rates = [group["lr"] for value in list(globals().values())
         if isinstance(value, torch.optim.Optimizer) for group in value.param_groups]
if isinstance(globals().get("lr"), (int, float)):
    rates.append(globals()["lr"])
result = [float(rate) for rate in rates if isinstance(rate, (int, float))]
"""


def learning_rates(submission: Any) -> list[float]:
    """The learning rates the notebook holds (hypotheses: a re-run confirms one or not)."""
    try:
        found = submission.scenario(RATES, [], "reading your learning rates")
    except Feedback:
        return []
    return [r for r in found if isinstance(r, float) and math.isfinite(r)] \
        if isinstance(found, list) else []


def departure(recorded: list[float] | None, lesson: list[float], name: str = "losses") -> str:
    """Where the recorded losses leave the lesson's training (the grader's run of what was
    asked), as a sentence; empty where nothing was recorded. It names no cause."""
    if not recorded or not lesson:
        return ""
    # Near convergence float32 losses are noise around a tiny value: a millionth of the start
    # is as close as any two runs of the same training get.
    floor = 1e-6 * abs(lesson[0]) + 1e-7

    def same(found: float, expected: float) -> bool:
        return math.isfinite(found) and abs(found - expected) <= SAME_LOSS * abs(expected) + floor

    if len(lesson) > 1 and not same(recorded[0], lesson[0]) and same(recorded[0], lesson[1]):
        # A loop that records each loss after its step: its last entry is one the lesson's run
        # does not list (the loss after the last step).
        lesson, recorded = lesson[1:], recorded[:len(lesson) - 1]
    for epoch, (found, expected) in enumerate(zip(recorded, lesson, strict=False), start=1):
        if not same(found, expected):
            if epoch == 1:
                return (f"Your first recorded loss, {found:.6g}, is not the lesson's first "
                        f"({expected:.6g}): the start or the loss itself differs.")
            return (f"Your `{name}` follow the lesson's training for {epoch - 1} epoch"
                    f"{'s' * (epoch != 2)}, then leave it: epoch {epoch} recorded {found:.6g}, "
                    f"the lesson's training {expected:.6g}.")
    if len(recorded) < len(lesson):
        return (f"Your `{name}` follow the lesson's training, but stop after {len(recorded)} "
                f"of its {len(lesson)} epochs.")
    if len(recorded) > len(lesson):
        return (f"Your `{name}` follow the lesson's training for its {len(lesson)} epochs, "
                f"then go on to {len(recorded)}.")
    return (f"Your `{name}` are those of the lesson's training, epoch for epoch: are the "
            "parameters graded the ones that loop trained?")
