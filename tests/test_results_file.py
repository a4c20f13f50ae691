"""results.json has the fields and types of Gradescope's autograder results format."""

from __future__ import annotations

import json
from pathlib import Path

from grader.plugin.results_file import results, write_results
from grader.plugin.scoring import ScoreBoard, ScoredTest

VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


def _board() -> ScoreBoard:
    board = ScoreBoard()
    board.tests["a::test_one"] = ScoredTest("01_a", "test_one", 2.0, passed=True)
    board.tests["a::test_two"] = ScoredTest("01_a", "test_two", 1.0, failed=True,
                                           message="`W` should have shape (1, 1)",
                                           cause="wrong shape")
    board.tests["a::test_secret"] = ScoredTest("01_a", "test_secret", 3.0, passed=True,
                                              hidden=True)
    return board


def test_results_follow_the_gradescope_fields_and_types(tmp_path: Path) -> None:
    path = write_results(_board(), 1.5, tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == results(_board(), 1.5)
    assert isinstance(data["score"], float) and data["score"] == 5.0
    assert isinstance(data["execution_time"], float) and isinstance(data["output"], str)
    for test in data["tests"]:
        assert set(test) - {"extra_data"} == {"name", "score", "max_score", "status", "output",
                                              "visibility"}
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in {"passed", "failed"} and test["visibility"] in VISIBILITIES
    secret = next(t for t in data["tests"] if t["name"].endswith("test_secret"))
    assert secret["visibility"] == "after_published"
    assert (tmp_path / "summary.md").exists()
    failed = next(t for t in data["tests"] if t["name"].endswith("test_two"))
    assert failed["extra_data"] == {"cause": "wrong shape"}  # what reports group failures by
    assert data["extra_data"]["sandbox"] == {"mode": "off", "layers": []}
