"""What two programs share, as numbered fragments of lines, for showing them side by side.

The fingerprints the two have in common and that count (weight above zero: not a passage most
of the class wrote) are followed through the first program in order; consecutive ones whose
tokens overlap or touch form one fragment. A fragment's lines in the second program are where
the same fingerprints lie there (after reordering, possibly elsewhere). Lines are given as
(cell index, line in that cell), cells being those of the program's own code.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.similarity.class_comparison import Placed, Program
from grader.similarity.compare import Weights

Line = tuple[int, int]  # (index in OwnCode.cells, line in the cell's source)


@dataclass(frozen=True)
class Fragment:
    number: int  # 1, 2, ... in the order of the first program
    lines_a: frozenset[Line]
    lines_b: frozenset[Line]


def shared_fragments(a: Program, b: Program, weights: Weights) -> list[Fragment]:
    counted = {h for h in a.hashes & b.hashes if weights.of(h) > 0}
    runs: list[list[Placed]] = []
    for placed in sorted((p for p in a.prints if p.hash in counted),
                         key=lambda p: (p.block, p.start)):
        last = runs[-1][-1] if runs else None
        if last is not None and last.block == placed.block and placed.start <= last.end:
            runs[-1].append(placed)
        else:
            runs.append([placed])
    fragments = []
    for number, run in enumerate(runs, start=1):
        hashes = {p.hash for p in run}
        fragments.append(Fragment(number, _lines(a, run),
                                  _lines(b, [p for p in b.prints if p.hash in hashes])))
    return fragments


def _lines(program: Program, placed: list[Placed]) -> frozenset[Line]:
    return frozenset((token.cell, token.line) for p in placed
                     for token in program.blocks[p.block][p.start:p.end])
