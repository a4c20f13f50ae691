"""When a pair is flagged: its score stands out from the class's own pair scores, and is above
an absolute floor.

Standing out is Tukey's "far out" fence over every pair's score (a pair that shares no
weighted fingerprint scores 0): above the third quartile plus three interquartile ranges. In
most classes most pairs share nothing rare, the fence is near 0 and the floor decides; in a
class whose code is all alike (a short assignment with one natural solution), the fence rises
above the floor and only what stands out even there is flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

FLOOR = 0.5  # no pair below this is flagged, however it stands out
FENCE_IQRS = 3.0  # Tukey's far-out fence


@dataclass(frozen=True)
class Threshold:
    floor: float
    fence: float  # Q3 + 3 IQR of the class's pair scores
    pairs: int  # pairs the fence was computed over (every pair of the class)

    @property
    def value(self) -> float:
        return max(self.floor, self.fence)

    def flags(self, score: float) -> bool:
        return score >= self.value


def class_threshold(scores: Iterable[float], pairs: int, floor: float = FLOOR) -> Threshold:
    """`scores`: the nonzero scores; the class's other pairs (up to `pairs`) score 0."""
    nonzero = sorted(scores)
    zeros = max(pairs - len(nonzero), 0)
    total = zeros + len(nonzero)
    if total == 0:
        return Threshold(floor, 0.0, 0)

    def ordered(i: int) -> float:  # the i-th smallest score, zeros first
        return 0.0 if i < zeros else nonzero[i - zeros]

    def quantile(q: float) -> float:  # linear interpolation between order statistics
        position = q * (total - 1)
        low, high = int(position), min(int(position) + 1, total - 1)
        return ordered(low) + (ordered(high) - ordered(low)) * (position - low)

    q1, q3 = quantile(0.25), quantile(0.75)
    return Threshold(floor, q3 + FENCE_IQRS * (q3 - q1), total)
