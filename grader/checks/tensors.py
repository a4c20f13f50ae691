"""Is it a tensor, of the right shape and dtype? Names the (N,) vs (N, 1) mix-up explicitly, and
where a wrong dtype usually comes from (integers typed in, NumPy's float64, float16)."""

from __future__ import annotations

from typing import Any

import torch

from grader.errors import Cause, Feedback
from grader.grading.call import describe_value


def expect_tensor(value: Any, name: str) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value
    raise Feedback(f"`{name}` should be a torch tensor, but it is {describe_value(value)} "
                   f"({type(value).__name__}). Build it with torch.tensor(...).",
                   cause=Cause.NOT_A_TENSOR)


def expect_shape(value: torch.Tensor, shape: tuple[int, ...], name: str) -> None:
    found = tuple(value.shape)
    if found == tuple(shape):
        return
    message = f"`{name}` should have shape {tuple(shape)}, but it has shape {found}."
    if len(shape) == 2 and shape[1] == 1 and found == (shape[0],):
        rows = shape[0]
        message += (f" It is a flat vector of {rows} numbers; the course keeps one row per "
                    f"observation and one column per feature: use shape ({rows}, 1), e.g. "
                    "with .reshape(-1, 1) or nested brackets [[1.0], [2.0], ...]. Mixed with "
                    f"({rows}, 1) tensors, a ({rows},) one either fails (in a matrix product) "
                    f"or silently broadcasts to ({rows}, {rows}) (in the loss's subtraction: "
                    "every prediction against every target, with no error; F.mse_loss only "
                    "warns that the sizes differ).")
    elif len(shape) == 1 and len(found) == 2 and found[1] == 1 and found[0] == shape[0]:
        message += f" Drop the extra column: use shape ({shape[0]},), e.g. with .squeeze(1)."
    elif sorted(found) == sorted(shape):
        message += " The dimensions are swapped: check the order of rows and columns."
    flat = len(shape) == 2 and shape[1] == 1 and found == (shape[0],)
    raise Feedback(message, cause=Cause.FLAT_FOR_COLUMN if flat else Cause.WRONG_SHAPE)


def dtype_origin(found: torch.dtype, wanted: torch.dtype) -> str:
    """Where a tensor of dtype `found` usually comes from, when `wanted` was asked for."""
    if wanted.is_floating_point and not found.is_floating_point and found != torch.bool:
        return (" Integers were given (1 instead of 1.0, torch.LongTensor, or an integer "
                "NumPy array): write the numbers as floats, or pass dtype=torch.float32. An "
                "integer tensor cannot be multiplied with float parameters.")
    if found == torch.float16:
        return (" float16 is half precision (np.float16, .half(), or an array rounded and "
                "stored as float16): it keeps about 3 significant digits, and mixing it with "
                "float32 parameters raises an error. Use float32: .float(), or "
                "dtype=torch.float32.")
    if found == torch.float64 and wanted == torch.float32:
        return (" float64 is what NumPy arrays hold by default, and torch.from_numpy or "
                "torch.tensor(array) keep it: add .float(), or dtype=torch.float32.")
    return ""


def expect_dtype(value: torch.Tensor, dtype: torch.dtype, name: str) -> None:
    if value.dtype == dtype:
        return
    raise Feedback(f"`{name}` should have dtype {dtype}, but it has {value.dtype}."
                   f"{dtype_origin(value.dtype, dtype)}", cause=Cause.WRONG_DTYPE)


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
                       f"its gradient. Create it with requires_grad=True.",
                       cause=Cause.NO_GRADIENT_TRACKING)
