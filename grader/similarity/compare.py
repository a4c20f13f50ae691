"""Score every pair of a class's programs through an inverted index of their fingerprints.

A fingerprint's weight says how much sharing it tells: one that only two programs have is
strong evidence (weight 1); one that more programs have weighs less, and one that more than
COMMON programs have weighs nothing: a passage most students write (the lesson's idiom, what
the hint spells out) proves nothing (MOSS ignores passages in more than M programs; here the
weight falls smoothly to that point):

    weight(f) = min(1, log((M + 1) / df) / log((M + 1) / 2))    if df <= M, else 0

where df is how many programs have f and M = max(COMMON, COMMON_SHARE of the class).

The score of a pair is the weight they share over the mean weight of the two, with a prior:

    score(a, b) = shared / ((total(a) + total(b)) / 2 + PRIOR)

so that an exact copy of a long program scores close to 1, and two programs that share only a
little rare code, or consist of little else than common code, score low however alike they
are: PRIOR is the weight of a few statements nobody else wrote. Scores lie in [0, 1].

Only pairs that share a fingerprint of weight above zero are ever looked at: each such
fingerprint's list of programs (at most M) gives its pairs, so a class costs about its
programs' fingerprints times M, not the square of its size.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

COMMON = 10  # a passage in more programs than this weighs nothing (MOSS's default M)...
COMMON_SHARE = 0.05  # ...or than this share of the class, in a class of more than 200
PRIOR = 6.0  # in weight: about two statements of code only these two programs have


@dataclass(frozen=True)
class Weights:
    common: int  # M: more programs than this, and a fingerprint weighs nothing
    df: Counter[int]  # fingerprint -> how many programs have it

    def of(self, fingerprint: int) -> float:
        return weight(self.df[fingerprint], self.common)


def weight(df: int, common: int) -> float:
    if df > common:
        return 0.0
    if df <= 2:
        return 1.0
    return math.log((common + 1) / df) / math.log((common + 1) / 2)


def common_limit(programs: int) -> int:
    return max(COMMON, math.ceil(COMMON_SHARE * programs))


def class_weights(prints: Sequence[set[int]]) -> Weights:
    df: Counter[int] = Counter()
    for fingerprints in prints:
        df.update(fingerprints)
    return Weights(common_limit(len(prints)), df)


def pair_scores(prints: Sequence[set[int]], weights: Weights) -> dict[tuple[int, int], float]:
    """(i, j) with i < j -> score, for every pair that shares a fingerprint of some weight."""
    postings: dict[int, list[int]] = defaultdict(list)
    for index, fingerprints in enumerate(prints):
        for fingerprint in fingerprints:
            if 2 <= weights.df[fingerprint] <= weights.common:
                postings[fingerprint].append(index)
    shared: dict[tuple[int, int], float] = defaultdict(float)
    for fingerprint, holders in postings.items():
        value = weights.of(fingerprint)
        for pair in combinations(holders, 2):
            shared[pair] += value
    totals = [sum(weights.of(f) for f in fingerprints) for fingerprints in prints]
    return {(i, j): value / ((totals[i] + totals[j]) / 2 + PRIOR)
            for (i, j), value in shared.items()}
