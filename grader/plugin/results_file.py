"""results.json in Gradescope's autograder format, from a finished ScoreBoard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from grader.plugin.scoring import ScoreBoard


def results(board: ScoreBoard, seconds: float) -> dict[str, Any]:
    tests = [
        {
            "name": f"{score.assignment}: {score.name}",
            "score": score.earned,
            "max_score": score.points,
            "status": "passed" if score.earned == score.points else "failed",
            "output": score.message,
            "visibility": "visible",
        }
        for score in board.tests.values()
    ]
    totals = board.totals()
    return {
        "score": sum(earned for earned, _ in totals.values()),
        "execution_time": round(seconds, 2),
        "output": "; ".join(f"{name}: {earned:g}/{possible:g}"
                            for name, (earned, possible) in sorted(totals.items())),
        "tests": tests,
    }


def write_results(board: ScoreBoard, seconds: float, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "results.json"
    path.write_text(json.dumps(results(board, seconds), indent=2), encoding="utf-8")
    return path
