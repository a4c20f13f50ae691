"""Gradients must be reset between steps: the second call's gradient is not the sum."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from grader.errors import Feedback

TOLERANCE = 1e-4


def expect_reset_between_steps(step: str, name: str, after_two: torch.Tensor,
                               single: torch.Tensor, summed: torch.Tensor) -> None:
    """`after_two`: the student's .grad after two calls of `step` from the same state;
    `single`: the reference's gradient of the second call alone; `summed`: both calls' sum."""
    if torch.allclose(after_two.double(), single.double(), rtol=TOLERANCE, atol=TOLERANCE):
        return
    if torch.allclose(after_two.double(), summed.double(), rtol=TOLERANCE, atol=TOLERANCE):
        raise Feedback(
            f"{name}.grad after two calls to {step} is {_show(after_two)}: the sum of both "
            f"calls' gradients, not the second call's {_show(single)}. Gradients accumulate "
            f"in .grad: reset them at the start of each step ({name}.grad.zero_(), "
            f"{name}.grad = None, or optimizer.zero_grad())."
        )
    raise Feedback(f"{name}.grad after two calls to {step} is {_show(after_two)}, expected the "
                   f"second call's gradient {_show(single)}.")


def _show(values: torch.Tensor | Sequence[float]) -> str:
    flat = torch.as_tensor(values).reshape(-1).tolist()
    return ", ".join(f"{v:.4g}" for v in flat[:4]) + (" ..." if len(flat) > 4 else "")
