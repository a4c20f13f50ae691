"""A design matrix [1, x]: one row per observation, a column of ones, then the inputs."""

from __future__ import annotations

from typing import Any

import torch

from grader.checks.closeness import expect_close
from grader.checks.tensors import expect_tensor, expect_tensor_like
from grader.errors import Feedback


def expect_design_matrix(found: Any, expected: torch.Tensor, name: str, hint: str = "") -> None:
    """`found` has the reference's shape (N, k), a first column of ones, and the same
    remaining columns. `hint` is added when those columns differ (how the inputs were made)."""
    tensor = expect_tensor(found, name)
    rows = expected.shape[0]
    if tuple(tensor.shape) == tuple(reversed(expected.shape)) and rows != expected.shape[1]:
        raise Feedback(
            f"`{name}` has shape {tuple(tensor.shape)}, expected {tuple(expected.shape)}: it is "
            "transposed. Rows are observations: stack the columns side by side with "
            "torch.stack([ones, x], dim=1), or transpose torch.vstack([ones, x]) with .T.")
    tensor = expect_tensor_like(tensor, expected, name, check_dtype=False)
    first = tensor[:, 0].detach().double()
    if not bool((first == 1).all()):
        swapped = expected.shape[1] > 1 and bool((tensor[:, 1] == 1).all())
        where = (" The columns are swapped: the ones come first." if swapped else
                 f" Found {first[:3].tolist()} in its first rows.")
        raise Feedback(
            f"the first column of `{name}` should be all ones: it multiplies w0, the intercept "
            f"(the bias).{where} Build it with torch.ones(...) and put it before x.")
    expect_close(tensor[:, 1:], expected[:, 1:], f"{name}[:, 1:]",
                 hint=hint)
