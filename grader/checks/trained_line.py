"""What a notebook's training of the line y = W x + b left behind, as the checks read it."""

from __future__ import annotations

from typing import Any

import torch

from grader.checks.loss_record import recorded_numbers
from grader.checks.tensors import expect_tensor_like
from grader.errors import Feedback

SHAPES = (("W", (1, 1)), ("b", (1,)))


def trained_W_and_b(submission: Any) -> torch.Tensor:
    """The notebook's trained W and b, flattened (W then b), in float64."""
    values = []
    for name, shape in SHAPES:
        value = submission.value(name)
        expect_tensor_like(value, torch.zeros(shape), name, check_dtype=False)
        values.append(value.detach().double().reshape(-1))
    return torch.cat(values)


def recorded_losses(submission: Any, name: str = "losses") -> list[float] | None:
    """The notebook's recorded losses as numbers, or None where they cannot be read (the test
    that owns the record says why; the others only use it as evidence)."""
    try:
        return recorded_numbers(submission.value(name), name)
    except Feedback:
        return None
