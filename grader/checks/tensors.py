"""Is it a tensor, of the right shape and dtype? Names the (N,) vs (N, 1) mix-up explicitly."""

from __future__ import annotations

from typing import Any

import torch

from grader.errors import Feedback
from grader.grading.call import describe_value


def expect_tensor(value: Any, name: str) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value
    raise Feedback(f"`{name}` should be a torch tensor, but it is {describe_value(value)} "
                   f"({type(value).__name__}). Build it with torch.tensor(...).")


def expect_shape(value: torch.Tensor, shape: tuple[int, ...], name: str) -> None:
    found = tuple(value.shape)
    if found == tuple(shape):
        return
    message = f"`{name}` should have shape {tuple(shape)}, but it has shape {found}."
    if len(shape) == 2 and shape[1] == 1 and found == (shape[0],):
        message += (f" It is a flat vector of {shape[0]} numbers; the course keeps one row per "
                    f"observation and one column per feature: use shape ({shape[0]}, 1), e.g. "
                    "with .reshape(-1, 1) or nested brackets [[1.0], [2.0], ...].")
    elif len(shape) == 1 and len(found) == 2 and found[1] == 1 and found[0] == shape[0]:
        message += f" Drop the extra column: use shape ({shape[0]},), e.g. with .squeeze(1)."
    elif sorted(found) == sorted(shape):
        message += " The dimensions are swapped: check the order of rows and columns."
    raise Feedback(message)


def expect_dtype(value: torch.Tensor, dtype: torch.dtype, name: str) -> None:
    if value.dtype == dtype:
        return
    hint = ""
    if dtype.is_floating_point and not value.dtype.is_floating_point:
        hint = " Integers were given (1 instead of 1.0): write the numbers as floats, or pass " \
               f"dtype={dtype}."
    raise Feedback(f"`{name}` should have dtype {dtype}, but it has {value.dtype}.{hint}")


def expect_tensor_like(value: Any, expected: torch.Tensor, name: str,
                       check_dtype: bool = True) -> torch.Tensor:
    """A tensor with the reference's shape (and dtype, unless the lesson allows any float)."""
    tensor = expect_tensor(value, name)
    expect_shape(tensor, tuple(expected.shape), name)
    # Where any float will do, an integer tensor is still wrong: it cannot carry gradients.
    integer_for_float = expected.dtype.is_floating_point and not tensor.dtype.is_floating_point
    if check_dtype or integer_for_float:
        expect_dtype(tensor, expected.dtype, name)
    return tensor


def expect_requires_grad(value: torch.Tensor, name: str) -> None:
    if not value.requires_grad:
        raise Feedback(f"`{name}` does not track gradients, so backward() cannot compute "
                       f"its gradient. Create it with requires_grad=True.")
