"""A mean squared error written by the student, called on the grader's tensors: one number that
can be backpropagated, equal to the mean of the squared errors, with the usual wrong variants
recognised and named (half of it, the sum, its square root, absolute errors, broadcast shapes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from grader.checks.causes import Suspect, matching
from grader.checks.closeness import RTOL, expect_close, is_close
from grader.checks.explanation import Explanation
from grader.checks.sizes import scales_with_rows
from grader.errors import Cause, Feedback


def squared_errors(y_pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Prediction i against target i, whatever the two shapes (same number of values)."""
    return (y_pred.detach().double().reshape(-1) - y.detach().double().reshape(-1)) ** 2


def broadcast_mse(y_pred: torch.Tensor, y: torch.Tensor) -> float:
    """The mean over every (prediction, target) pair: what (N, 1) against (N,) gives."""
    column = y_pred.detach().double().reshape(-1, 1)
    row = y.detach().double().reshape(1, -1)
    return float(((column - row) ** 2).mean())


def mse_suspects(y_pred: torch.Tensor, y: torch.Tensor, notebook_rows: Sequence[int] = (),
                 where: str = "") -> list[Suspect]:
    errors = squared_errors(y_pred, y)
    n = errors.numel()
    difference = y_pred.detach().double().reshape(-1) - y.detach().double().reshape(-1)
    suspects = [
        Suspect(Cause.HALF_MSE,
                "It is half of it: the squared errors are divided by 2 (the 1/2 some texts "
                "put in front of the squared loss). Drop the / 2.",
                lambda: errors.mean() / 2, rtol=RTOL),
        Suspect(Cause.SUMMED_LOSS,
                f"It is the sum of the squared errors, {n} times their mean (reduction="
                "'sum', or .sum() instead of .mean()): average them with .mean().",
                lambda: errors.sum(), rtol=RTOL),
        Suspect(Cause.ROOT_MSE,
                "It is the square root of it (the root mean squared error): drop the "
                "torch.sqrt.", lambda: errors.mean().sqrt(), rtol=RTOL),
        Suspect(Cause.ABSOLUTE_ERRORS,
                "It is the mean of the absolute errors, not of the squared errors: square "
                "the differences (** 2).", lambda: difference.abs().mean(), rtol=RTOL),
        Suspect(Cause.ERRORS_NOT_SQUARED,
                "It is the mean of the errors themselves, which cancel out: square each "
                "difference before averaging, ((y_pred - y) ** 2).mean().",
                lambda: difference.mean(), rtol=RTOL),
    ]
    suspects += scales_with_rows(errors.mean(), n, notebook_rows, "the mean squared error",
                                 "use .mean(), or divide by len(y)", where)
    if y_pred.shape != y.shape or y_pred.dim() == 2:
        rows = errors.numel()
        suspects.append(Suspect(
            Cause.BROADCAST,
            f"It is the mean over every prediction paired with every target: ({rows}, 1) "
            f"against ({rows},) broadcasts to ({rows}, {rows}), with no error (F.mse_loss "
            f"only warns that the sizes differ). Make the shapes match before subtracting: "
            f"y.reshape(-1, 1), or y_hat.reshape(-1).",
            lambda: broadcast_mse(y_pred, y), rtol=RTOL))
    return suspects


def expect_mean_squared_error(found: Any, y_pred: torch.Tensor, y: torch.Tensor, name: str,
                              expected: Any = None, notebook_rows: Sequence[int] = (),
                              where: str = "") -> None:
    """`found` is the MSE of `y_pred` against `y` (prediction i with target i).

    `expected`: the reference's value, when there is one (it equals the grader's own);
    `notebook_rows`: the row counts of the notebook's own data (a mean over one of them on
    other data is named), `where` the function's place (grader.checks.sizes.place_of)."""
    if not isinstance(found, torch.Tensor):
        raise Feedback(f"{name} should return a tensor (so that backward() can be called on "
                       f"it), found a {type(found).__name__}: {str(found)[:40]}. Do not "
                       "call .item() inside the loss function.", cause=Cause.NOT_A_TENSOR)
    if found.numel() != 1:
        raise Feedback(f"{name} should return one number, the mean, found a tensor of shape "
                       f"{tuple(found.shape)}: average the squared errors with .mean().",
                       cause=Cause.WRONG_SHAPE)
    wanted = squared_errors(y_pred, y).mean() if expected is None else expected
    if is_close(found, wanted):
        if y_pred.requires_grad and not found.requires_grad:
            raise Feedback(f"{name} has the right value but does not track gradients, so "
                           "backward() cannot be called on it: compute it with torch "
                           "operations on the tensors given, without .item(), .detach() or "
                           "NumPy.", cause=Cause.NO_GRADIENT_TRACKING)
        return
    expect_close(found.reshape(()), wanted, name, hint=matching(found, mse_suspects(
        y_pred, y, notebook_rows, where)) or Explanation(
        "The mean squared error is the mean, over the N rows, of (prediction - target) ** 2."))


def notebook_data_suspect(function: str, X: torch.Tensor, y: torch.Tensor, W: torch.Tensor,
                          b: torch.Tensor) -> Suspect:
    """The loss of a line at (W, b) on the notebook's own data (`X`, `y`: its X_train and
    y_train), where `function` was given other data: it reads the notebook's names."""
    def loss() -> torch.Tensor:
        error = X.detach().double() @ W.detach().double() + b.detach().double() - \
            y.detach().double()
        return (error ** 2).mean()
    return Suspect(Cause.NOTEBOOKS_OWN_DATA,
                   f"It is the loss on the notebook's own X_train and y_train, not on the X and "
                   f"y that {function} is given: use its arguments, X and y, inside the "
                   "function.", loss, rtol=RTOL)
