"""`--shard I/N`: the I-th of N deterministic slices of a class, for a job array (a Slurm array,
a Kubernetes indexed Job, a GitHub Actions matrix) with no runtime dependency.

A student's shard depends on their folder's name alone (a hash of it), so that adding a late
student moves nobody else: a shard's output folder, kept between runs, stays valid and resumes.
`grader gradebook OUT...` merges the shards' outputs (merge.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from grader.errors import UserError
from grader.submissions.students import Student


@dataclass(frozen=True)
class Shard:
    index: int  # 1 to count
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    index, _, count = text.partition("/")
    try:
        shard = Shard(int(index), int(count))
    except ValueError:
        shard = Shard(0, 0)
    if not 1 <= shard.index <= shard.count:
        raise UserError(f"--shard {text}: give I/N with 1 <= I <= N, e.g. --shard 2/3 (a job "
                        "array's index and size)")
    return shard


def in_shard(student: Student, shard: Shard) -> bool:
    number = int.from_bytes(hashlib.sha256(student.name.encode()).digest()[:8], "big")
    return number % shard.count == shard.index - 1
