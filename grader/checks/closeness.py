"""Close to the reference, under a named tolerance; reports the largest difference and where."""

from __future__ import annotations

from typing import Any

import torch

from grader.errors import Feedback

# Float32 arithmetic done in a different order (x @ w vs (x * w).sum()) differs by ~1e-6
# relatively; training for thousands of steps amplifies that. Tests name their own tolerance
# when they need a looser one.
RTOL = 1e-4
ATOL = 1e-5


def _as_tensor(value: Any) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value.detach()
    return torch.as_tensor(value)


def expect_close(actual: Any, expected: Any, name: str, *, rtol: float = RTOL,
                 atol: float = ATOL, hint: str = "") -> None:
    """`actual` equals `expected` within atol + rtol * |expected|, elementwise."""
    found, wanted = _as_tensor(actual).double(), _as_tensor(expected).double()
    if found.shape != wanted.shape:
        found = found.reshape(wanted.shape) if found.numel() == wanted.numel() else found
    if found.shape != wanted.shape:
        raise Feedback(f"`{name}` should have shape {tuple(wanted.shape)}, "
                       f"found {tuple(found.shape)}.")
    if not torch.isfinite(found).all() and torch.isfinite(wanted).all():
        raise Feedback(f"`{name}` contains NaN or infinity. {hint}".strip())
    difference = (found - wanted).abs()
    allowed = atol + rtol * wanted.abs()
    if bool((difference <= allowed).all()):
        return
    worst = int((difference - allowed).argmax())
    where = "" if wanted.numel() == 1 else f" at index {_index(worst, wanted.shape)}"
    raise Feedback(
        f"`{name}` differs from the reference{where}: expected {_number(wanted, worst)}, "
        f"found {_number(found, worst)} (largest difference {difference.max().item():.4g}, "
        f"allowed {atol:g} + {rtol:g} x |expected|). {hint}".strip()
    )


def expect_same_values(actual: Any, expected: Any, name: str, hint: str = "") -> None:
    """Exactly the reference's values (data that was typed in, not computed)."""
    expect_close(actual, expected, name, rtol=0.0, atol=0.0, hint=hint)


def _number(values: torch.Tensor, flat_index: int) -> str:
    return f"{values.reshape(-1)[flat_index].item():.6g}"


def _index(flat_index: int, shape: torch.Size) -> tuple[int, ...]:
    index = []
    for size in reversed(shape):
        index.append(flat_index % size)
        flat_index //= size
    return tuple(reversed(index))
