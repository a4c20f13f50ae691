"""The loss is computed on matching shapes: catch the silent broadcast to (N, N).

A target of shape (N,) minus predictions of shape (N, 1) broadcasts to an (N, N) table that
compares every prediction with every target. Its mean is a number, so nothing fails: only the
value is wrong. These checks recognise that value and name the shapes that produced it.
"""

from __future__ import annotations

from typing import Any

import torch

from grader.checks.closeness import ATOL, RTOL, expect_close
from grader.errors import Feedback


def broadcast_mse(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """The mean squared error over every (prediction, target) pair: what (N, 1) against (N,)
    gives, whichever of the two was flattened."""
    column = y_hat.detach().double().reshape(-1, 1)
    row = y.detach().double().reshape(1, -1)
    return float(((column - row) ** 2).mean())


def expect_not_broadcast(found: Any, mismatched: Any, name: str, *, rows: int,
                         rtol: float = RTOL, atol: float = ATOL) -> None:
    """Fail, naming the shapes, if `found` is the value a mismatched-shape loss leads to.

    `mismatched`: that value (a loss, or what training on it ends at); `rows`: N, the number
    of predictions and targets.
    """
    found_values = torch.as_tensor(_detached(found)).double().reshape(-1)
    wrong_values = torch.as_tensor(_detached(mismatched)).double().reshape(-1)
    if found_values.shape != wrong_values.shape:
        return
    if not torch.allclose(found_values, wrong_values, rtol=rtol, atol=atol):
        return
    raise Feedback(
        f"`{name}` is {_show(found_values)}, which is what a loss computed on mismatched "
        "shapes leads to. "
        f"A vector of shape ({rows},) against a column of shape ({rows}, 1) (the (N,) vs (N, 1) "
        f"mix-up) silently broadcasts to ({rows}, {rows}): every prediction is compared with "
        "every target, and no error is raised. Make the shapes match before subtracting: "
        "y.reshape(-1, 1), or y_hat.reshape(-1) (y_hat.squeeze(1))."
    )


def expect_matching_shapes_loss(found: Any, expected: Any, mismatched: Any, name: str, *,
                                rows: int, rtol: float = RTOL, atol: float = ATOL,
                                hint: str = "") -> None:
    """`found` equals the loss on matching shapes (`expected`), and is not the broadcast one."""
    wanted = torch.as_tensor(_detached(expected)).double()
    got = torch.as_tensor(_detached(found)).double()
    if got.shape == wanted.shape and torch.allclose(got, wanted, rtol=rtol, atol=atol):
        return
    expect_not_broadcast(found, mismatched, name, rows=rows, rtol=rtol, atol=atol)
    expect_close(found, expected, name, rtol=rtol, atol=atol, hint=hint)


def _detached(value: Any) -> Any:
    return value.detach() if isinstance(value, torch.Tensor) else value


def _show(values: torch.Tensor) -> str:
    flat = values.tolist()
    shown = ", ".join(f"{v:.4g}" for v in flat[:4]) + (" ..." if len(flat) > 4 else "")
    return shown if len(flat) == 1 else f"[{shown}]"
