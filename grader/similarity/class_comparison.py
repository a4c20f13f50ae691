"""Compare one assignment's code across a class: every student with every other and with the
reference solution, scored, and the pairs that stand out flagged.

Input: each student's own code (own_code.py) by name, the reference's under REFERENCE.
Output: plain data for the report: the scored pairs, the threshold and what it was made of.
A student who wrote no code of their own (the template handed in as is, or no notebook) is
left out of the comparison and counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from grader.similarity.compare import Weights, class_weights, pair_scores
from grader.similarity.fingerprints import WINDOW, K, fingerprints
from grader.similarity.own_code import OwnCode
from grader.similarity.program import Located, program_blocks
from grader.similarity.threshold import Threshold, class_threshold

REFERENCE = "(reference solution)"
LISTED = 0.2  # pairs above this score are listed (similarity.csv, the report's table)


@dataclass(frozen=True)
class Placed:
    """A fingerprint and the tokens it covers."""

    hash: int
    block: int
    start: int
    end: int  # exclusive


@dataclass(frozen=True)
class Program:
    name: str
    code: OwnCode
    blocks: list[list[Located]]
    prints: list[Placed]

    @property
    def hashes(self) -> set[int]:
        return {p.hash for p in self.prints}


@dataclass(frozen=True)
class Pair:
    a: str  # the pair's two programs; with the reference, it is always `b`
    b: str
    score: float
    flagged: bool


@dataclass(frozen=True)
class ClassSimilarity:
    assignment: str
    programs: dict[str, Program]  # compared: students with code, and the reference
    weights: Weights
    threshold: Threshold
    scores: list[float]  # every pair's score, zeros included (the histogram's)
    pairs: list[Pair]  # the pairs that score above LISTED, highest first
    without_code: dict[str, str] = field(default_factory=dict)  # name -> why not compared

    @property
    def flagged(self) -> list[Pair]:
        return [pair for pair in self.pairs if pair.flagged]

    @property
    def students(self) -> int:
        return sum(1 for name in self.programs if name != REFERENCE)

    @property
    def has_reference(self) -> bool:
        return REFERENCE in self.programs


def compare_class(assignment: str, codes: Mapping[str, OwnCode]) -> ClassSimilarity:
    programs: dict[str, Program] = {}
    without: dict[str, str] = {}
    for name, code in sorted(codes.items()):
        program = make_program(name, code)
        if program.prints:
            programs[name] = program
        elif name != REFERENCE:
            without[name] = code.problem or "wrote no code of their own in it"
    names = list(programs)
    prints = [programs[name].hashes for name in names]
    weights = class_weights(prints)
    scored = pair_scores(prints, weights)
    count = len(names) * (len(names) - 1) // 2
    threshold = class_threshold(scored.values(), count)
    pairs = [_pair(names[i], names[j], score, threshold) for (i, j), score in scored.items()
             if score > LISTED]
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    scores = sorted(scored.values()) + [0.0] * (count - len(scored))
    return ClassSimilarity(assignment, programs, weights, threshold, scores, pairs, without)


def make_program(name: str, code: OwnCode) -> Program:
    blocks = program_blocks(code)
    prints = [Placed(f.hash, index, f.start, f.start + min(K, len(block)))
              for index, block in enumerate(blocks)
              for f in fingerprints([t.text for t in block], K, WINDOW)]
    return Program(name, code, blocks, prints)


def _pair(first: str, second: str, score: float, threshold: Threshold) -> Pair:
    a, b = sorted((first, second), key=lambda name: (name == REFERENCE, name))
    score = round(score, 4)
    return Pair(a, b, score, threshold.flags(score))
