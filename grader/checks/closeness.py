"""Close to an expected value, under a named tolerance; reports the largest difference and where.

"Expected" is usually the reference's answer; for consistency checks it is the student's own
value (their trained model's output, their own function's result): `expected_from` says which,
so the message never sends a student to the reference for a value that came from their code.
"""

from __future__ import annotations

from typing import Any

import torch

from grader.checks.explanation import Hint, resolve
from grader.errors import Cause, Feedback

# Float32 arithmetic done in a different order (x @ w vs (x * w).sum()) differs by ~1e-6
# relatively; training for thousands of steps amplifies that. Tests name their own tolerance
# when they need a looser one.
RTOL = 1e-4
ATOL = 1e-5


def quoted(name: str) -> str:
    """A name as code (`W`, `predict(X, W, b)`), a description as words (the losses fit returns)."""
    return name if name.startswith(("the ", "your ")) else f"`{name}`"


def as_float64(value: Any) -> torch.Tensor:
    """A tensor, number or nested list of numbers as a float64 tensor (no gradient)."""
    if isinstance(value, torch.Tensor):
        return value.detach().double()
    return torch.as_tensor(value).double()


def is_close(actual: Any, expected: Any, *, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Same number of values, each within atol + rtol * |expected| (NaN equals NaN)."""
    try:
        found, wanted = as_float64(actual), as_float64(expected)
    except (TypeError, ValueError, RuntimeError):
        return False
    if found.numel() != wanted.numel():
        return False
    found = found.reshape(wanted.shape)
    return bool(torch.isclose(found, wanted, rtol=rtol, atol=atol, equal_nan=True).all())


def expect_close(actual: Any, expected: Any, name: str, *, rtol: float = RTOL,
                 atol: float = ATOL, hint: Hint = "", expected_from: str = "the reference",
                 ) -> None:
    """`actual` equals `expected` within atol + rtol * |expected|, elementwise."""
    found, wanted = as_float64(actual), as_float64(expected)
    if found.shape == wanted.shape and bool(
            torch.isclose(found, wanted, rtol=rtol, atol=atol, equal_nan=True).all()):
        return
    differs = (Cause.DIFFERS_FROM_REFERENCE if expected_from == "the reference"
               else Cause.DIFFERS_FROM_OWN)
    hint, cause = resolve(hint, None)
    if found.shape != wanted.shape:
        found = found.reshape(wanted.shape) if found.numel() == wanted.numel() else found
    if found.shape != wanted.shape:
        raise Feedback(f"{quoted(name)} should have shape {tuple(wanted.shape)}, "
                       f"found {tuple(found.shape)}. {hint}".strip(),
                       cause=cause or Cause.WRONG_SHAPE)
    if bool(torch.isclose(found, wanted, rtol=rtol, atol=atol, equal_nan=True).all()):
        return
    if not torch.isfinite(found).all() and torch.isfinite(wanted).all():
        raise Feedback(f"{quoted(name)} contains {_first_non_finite(found)}: the computation blew "
                       f"up. {hint}".strip(), cause=cause or Cause.NOT_FINITE)
    difference = (found - wanted).abs().nan_to_num(nan=float("inf"))
    allowed = atol + rtol * wanted.abs()
    worst = int((difference - allowed).argmax())
    where = "" if wanted.numel() == 1 else f" at index {_index(worst, wanted.shape)}"
    gap = difference.reshape(-1)[worst].item()
    raise Feedback(
        f"{quoted(name)} differs from {expected_from}{where}: expected {_number(wanted, worst)}, "
        f"found {_number(found, worst)} (off by {gap:.3g}; the grader accepts up to "
        f"{allowed.reshape(-1)[worst].item():.2g}). {hint}".strip(),
        cause=cause or differs,
    )


def expect_same_values(actual: Any, expected: Any, name: str, hint: Hint = "") -> None:
    """Exactly the reference's values (data that was typed in, not computed)."""
    expect_close(actual, expected, name, rtol=0.0, atol=0.0, hint=hint)


def _first_non_finite(values: torch.Tensor) -> str:
    flat = values.reshape(-1)
    bad = flat[~torch.isfinite(flat)]
    return "NaN" if bool(torch.isnan(bad).all()) else "infinity" if bool(
        torch.isinf(bad).all()) else "NaN and infinity"


def _number(values: torch.Tensor, flat_index: int) -> str:
    return f"{values.reshape(-1)[flat_index].item():.6g}"


def _index(flat_index: int, shape: torch.Size) -> tuple[int, ...]:
    index = []
    for size in reversed(shape):
        index.append(flat_index % size)
        flat_index //= size
    return tuple(reversed(index))
