"""Partial credit: a graded quantity in a band, as ML courses grade a loss or an accuracy. Full
marks at or beyond one value, none at or beyond another, and a share of the points linear in
between: a model that ends at a loss of 0.12 against 0.1 is not graded like one that diverged.

A test that ends in a band raises PartialCredit; the test keeps that share of its points in
the score table, results.json, the gradebook and every report.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from grader.checks.closeness import quoted
from grader.errors import Cause, Feedback, PartialCredit

Text = str | Callable[[], str]  # a callable is asked only when the check misses full marks


@dataclass(frozen=True)
class Band:
    """All the points at `full` or better, none at `zero` or worse, linear between. Lower is
    better when full < zero (a loss), higher when full > zero (an accuracy)."""

    full: float
    zero: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.full) and math.isfinite(self.zero)) or self.full == self.zero:
            raise ValueError(f"a band needs two different finite ends, got full={self.full}, "
                             f"zero={self.zero}")

    @property
    def lower_is_better(self) -> bool:
        return self.full < self.zero

    def fraction(self, value: float) -> float:
        """The share of the points `value` earns, from 0 to 1 (NaN earns nothing)."""
        if math.isnan(value):
            return 0.0
        share = (self.zero - value) / (self.zero - self.full)
        return min(max(share, 0.0), 1.0)

    def describe(self) -> str:
        """'full marks at 0.1 or below, partial credit below 0.5'."""
        better = "below" if self.lower_is_better else "above"
        return f"full marks at {self.full:g} or {better}, partial credit {better} {self.zero:g}"


def expect_in_band(value: float, band: Band, name: str, hint: Text = "",
                   cause: Cause | str | None = None) -> None:
    """Passes at full marks; raises PartialCredit in the band, Feedback beyond it. `hint` (or
    what it returns, asked only then) says what to try; `cause` is the mistake, if known."""
    value = float(value)
    share = band.fraction(value)
    if share >= 1.0:
        return
    text = hint() if callable(hint) else hint
    found = f"{quoted(name)} is {value:.4g}"
    if share <= 0.0:
        raise Feedback(f"{found}: {band.describe()}, none here. {text}".strip(),
                       cause=cause or Cause.SHORT_OF_TARGET)
    raise PartialCredit(f"{found}: {band.describe()}: this test earns {share:.0%} of its "
                        f"points. {text}".strip(), fraction=share,
                        cause=cause or Cause.SHORT_OF_TARGET)


def expect_below(value: float, *, full: float, zero: float, name: str, hint: Text = "",
                 cause: Cause | str | None = None) -> None:
    """Full marks at or below `full`, none at or above `zero` (> full), linear between."""
    if not zero > full:
        raise ValueError(f"expect_below needs zero > full, got full={full}, zero={zero}")
    expect_in_band(value, Band(full, zero), name, hint, cause)


def expect_above(value: float, *, full: float, zero: float, name: str, hint: Text = "",
                 cause: Cause | str | None = None) -> None:
    """Full marks at or above `full`, none at or below `zero` (< full), linear between."""
    if not zero < full:
        raise ValueError(f"expect_above needs zero < full, got full={full}, zero={zero}")
    expect_in_band(value, Band(full, zero), name, hint, cause)
