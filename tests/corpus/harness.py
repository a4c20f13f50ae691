"""Grade a folder of notebooks the way a TA does (`pytest grader ...` in a subprocess), or
through the check daemon (the same pytest run, forked from a process that imported everything
once), and read back each test's verdict from results.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.course import find_course
from grader.daemon.client import run_pytest
from grader.plugin.own_process import PLUGIN_ARGS, pytest_environment

ROOT = Path(__file__).resolve().parents[2]
COURSE = find_course(ROOT)
SOLUTIONS = ROOT / "solutions"
ASSIGNMENTS = ROOT / "assignments"
GRADER_TESTS = ROOT / "grader" / "assignments"


@dataclass(frozen=True)
class Verdict:
    status: str
    score: float
    max_score: float
    output: str


@dataclass(frozen=True)
class Graded:
    verdicts: dict[str, Verdict]  # test function name -> verdict
    exit_code: int
    stdout: str

    @property
    def failed(self) -> set[str]:
        return {name for name, v in self.verdicts.items() if v.status != "passed"}

    @property
    def score(self) -> tuple[float, float]:
        return (sum(v.score for v in self.verdicts.values()),
                sum(v.max_score for v in self.verdicts.values()))




def grade(submissions: Path, cache: Path, *extra: str, notebooks: tuple[str, ...] = (),
          via_daemon: bool = False, env: dict[str, str] | None = None,
          report: Path | None = None) -> Graded:
    """Grade `submissions` (only the given notebooks' tests, or all) against solutions/."""
    report = report or Path(tempfile.mkdtemp(prefix="grader-report-"))
    targets = [str(p) for n in notebooks for p in COURSE.tests_for(n)] or [str(GRADER_TESTS)]
    args = [
        *targets, "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly",
        f"--rootdir={ROOT}", f"--grader-notebooks={submissions}", f"--grader-report={report}",
        f"--grader-cache-dir={cache}", *extra,
    ]
    if via_daemon:
        log = report / "pytest.log"
        code = run_pytest([*args, *PLUGIN_ARGS], pytest_environment(), log, ROOT)
        assert code is not None, "the check daemon could not be reached"
        done = subprocess.CompletedProcess(args, code, log.read_text(encoding="utf-8"), "")
    else:
        # A clean environment: no PYTEST_XDIST_WORKER etc. inherited from the outer test run.
        env = env or {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        done = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=900)
    written = report / "results.json"
    assert written.exists(), (f"pytest wrote no results.json (exit {done.returncode}):\n"
                              f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    results = json.loads(written.read_text(encoding="utf-8"))
    verdicts = {
        test["name"].partition(": ")[2]: Verdict(test["status"], test["score"],
                                                 test["max_score"], test["output"])
        for test in results["tests"]
    }
    return Graded(verdicts, done.returncode, done.stdout + done.stderr)
