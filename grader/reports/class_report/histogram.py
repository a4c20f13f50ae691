"""The bins of a score distribution, computed once: the figure draws them and the report's
table lists them, so what the picture shows and what the table says cannot differ."""

from __future__ import annotations

from dataclasses import dataclass

MAX_BARS = 25  # up to this many possible points, one bar per whole point
BINS = 10  # otherwise, ten equal ranges


@dataclass(frozen=True)
class Bin:
    low: float
    high: float  # inclusive for the last bin, exclusive otherwise (equal to low: one score)
    count: int

    @property
    def label(self) -> str:
        return f"{self.low:g}" if self.low == self.high else f"{self.low:g}–{self.high:g}"


def histogram(scores: list[float], possible: float) -> list[Bin]:
    """Counts of `scores` (each between 0 and `possible`) per bar."""
    if possible <= 0:
        return [Bin(0.0, 0.0, len(scores))]
    whole = float(possible).is_integer() and all(float(s).is_integer() for s in scores)
    if whole and possible <= MAX_BARS:
        return [Bin(k, k, sum(1 for s in scores if s == k)) for k in range(int(possible) + 1)]
    width = possible / BINS
    edges = [round(width * i, 6) for i in range(BINS)] + [float(possible)]
    bins = []
    for i in range(BINS):
        low, high = edges[i], edges[i + 1]
        last = i == BINS - 1
        count = sum(1 for s in scores if low <= s < high or (last and s == high))
        bins.append(Bin(low, high, count))
    return bins
