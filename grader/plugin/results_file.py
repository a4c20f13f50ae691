"""results.json in Gradescope's autograder format, from a finished ScoreBoard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader.plugin.scoring import ScoreBoard, ScoredTest


def results(board: ScoreBoard, seconds: float, sandbox: dict[str, Any] | None = None,
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    tests = [
        {
            "name": f"{score.assignment}: {score.name}",
            "score": score.earned,
            "max_score": score.points,
            "status": "passed" if score.earned == score.points else "failed",
            "output": score.message,
            "visibility": "after_published" if score.hidden else "visible",
            **_extra(score),
        }
        for score in board.counted()
    ]
    totals = board.totals()
    hidden_tests, hidden_points = board.hidden_not_run()
    note = (f" ({hidden_tests:g} hidden test{'s' * (hidden_tests != 1)} worth "
            f"{hidden_points:g} point{'s' * (hidden_points != 1)}, not run)" if hidden_tests
            else "")
    return {
        "score": sum(earned for earned, _ in totals.values()),
        "execution_time": round(seconds, 2),
        "output": "; ".join(f"{name}: {earned:g}/{possible:g}"
                            for name, (earned, possible) in sorted(totals.items())) + note,
        "tests": tests,
        "extra_data": {"hidden_tests_not_run": hidden_tests,
                       "hidden_points_not_run": hidden_points,
                       "sandbox": sandbox or {"mode": "off", "layers": []}, **(extra or {})},
    }


def _extra(score: ScoredTest) -> dict[str, Any]:
    """The test's title (its docstring) and the mistake its check named, when there are."""
    extra = {key: value for key, value in (("title", score.title), ("cause", score.cause))
             if value}
    return {"extra_data": extra} if extra else {}


def write_results(board: ScoreBoard, seconds: float, folder: Path,
                  sandbox: dict[str, Any] | None = None,
                  extra: dict[str, Any] | None = None) -> Path:
    """Write DIR/results.json and, from the same dict, DIR/summary.md (Markdown for people)."""
    from grader.reports.markdown import markdown_summary

    folder.mkdir(parents=True, exist_ok=True)
    report = results(board, seconds, sandbox, extra)
    path = folder / "results.json"
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    (folder / "summary.md").write_text(markdown_summary(report), encoding="utf-8")
    return path
