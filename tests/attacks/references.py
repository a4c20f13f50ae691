"""A class run's checked reference solutions, carried into a new OUT: a later `grader grade` of
the same assignments and settings finds the solutions checked and their answers cached, as a
run resumed in OUT would (grader/batch/preflight.py), instead of grading the solutions again
(about 10 s a run). The source is a run of honest students only, so that an attacker who
reached the cache could not hide it: only the attacked run would see a poisoned entry."""

from __future__ import annotations

import shutil
from pathlib import Path

from grader.batch.command import REFERENCE_CACHE
from grader.batch.preflight import FOLDER as CHECKED

CARRIED = (CHECKED, REFERENCE_CACHE)  # under OUT


def with_references_of(done: Path, out: Path) -> Path:
    """`out`, made, holding the reference check and cache of the finished run in `done`."""
    out.mkdir(parents=True, exist_ok=True)
    for name in CARRIED:
        shutil.copytree(done / name, out / name)
    return out
