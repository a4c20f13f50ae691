"""Two outputs of `grader grade` hold the same grades: the same gradebook and, per student, the
same record and files (the saved own code too), but for the seconds each run took."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

TIMED = ("seconds", "execution_time")  # how long a run took: never the same twice


def assert_same_grades(expected: Path, found: Path) -> None:
    books = [pd.read_csv(out / "gradebook.csv").drop(columns="seconds")
             for out in (expected, found)]
    pd.testing.assert_frame_equal(*books)
    students = sorted(p.name for p in (expected / "students").iterdir())
    assert sorted(p.name for p in (found / "students").iterdir()) == students
    for student in students:
        for name in ("grade.json", "results.json", "summary.md", "own-code.json"):
            paths = [out / "students" / student / name for out in (expected, found)]
            assert paths[0].exists() == paths[1].exists(), paths
            if not paths[0].exists():
                continue
            if name.endswith(".json"):
                assert _untimed(paths[0]) == _untimed(paths[1]), paths
            else:
                assert [_untimed_text(p) for p in paths] == [_untimed_text(paths[0])] * 2, paths


def _untimed_text(path: Path) -> str:
    return re.sub(r"Graded in [0-9.]+ s", "Graded in ... s", path.read_text(encoding="utf-8"))


def _untimed(path: Path) -> object:
    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in TIMED}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(json.loads(path.read_text(encoding="utf-8")))
