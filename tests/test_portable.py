"""`grader check` and `pytest grader` with every Linux-only feature gone (no `resource`,
os.fork, os.pidfd_open, prctl: as on macOS and Windows) take the portable path (cold kernels,
no daemon, no sandbox layer) and give the verdicts of the Linux path, test by test."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus.harness import ASSIGNMENTS, ROOT, SOLUTIONS

PORTABLE = Path(__file__).parent / "portable"
NOTEBOOK = "02_training_loop.ipynb"
FEATURES = ("import resource", "import os; os.fork", "import os; os.pidfd_open",
            "import ctypes; ctypes.CDLL(None).prctl")


def _env(portable: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHONPATH"))}
    if portable:
        env["PYTHONPATH"] = str(PORTABLE)
    return env


def _verdicts(output: str) -> list[str]:
    """`grader check`'s lines of points and test titles, and its score."""
    return [line.strip() for line in output.splitlines()
            if re.match(r"^\s+(passed|FAILED)\s", line) or line.startswith("Score:")]


@pytest.mark.slow
def test_the_simulation_removes_every_linux_only_feature() -> None:
    for feature in FEATURES:
        done = subprocess.run([sys.executable, "-c", feature], env=_env(True),
                              capture_output=True, text=True, timeout=60)
        assert done.returncode != 0, f"{feature} still works"


@pytest.mark.slow
@pytest.mark.parametrize("folder", [SOLUTIONS, ASSIGNMENTS], ids=["solution", "template"])
def test_grader_check_gives_the_same_verdicts_without_linux_only_features(
        tmp_path: Path, folder: Path) -> None:
    shutil.copy(folder / NOTEBOOK, tmp_path / NOTEBOOK)
    outputs = {}
    for portable in (False, True):
        done = subprocess.run([sys.executable, "-m", "grader.cli", "check", NOTEBOOK],
                              cwd=tmp_path, env=_env(portable), capture_output=True, text=True,
                              timeout=600)
        assert done.returncode in (0, 1), done.stdout + done.stderr
        outputs[portable] = done.stdout
    assert _verdicts(outputs[True]) == _verdicts(outputs[False]) != []


@pytest.mark.slow
def test_pytest_grader_gives_the_same_verdicts_without_linux_only_features(
        tmp_path: Path, reference_cache: Path) -> None:
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    shutil.copy(SOLUTIONS / NOTEBOOK, submissions / NOTEBOOK)
    shutil.copy(ASSIGNMENTS / "01_tensors_and_loss.ipynb", submissions)
    results = {}
    for portable in (False, True):
        report = tmp_path / f"report-{portable}"
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
             str(ROOT / "grader" / "assignments"), f"--rootdir={ROOT}",
             f"--grader-notebooks={submissions}", f"--grader-report={report}",
             f"--grader-cache-dir={reference_cache}"],
            cwd=ROOT, env=_env(portable), capture_output=True, text=True, timeout=900)
        assert done.returncode in (0, 1), done.stdout[-3000:]
        results[portable] = json.loads((report / "results.json").read_text())
    verdicts = {portable: {t["name"]: (t["status"], t["score"]) for t in found["tests"]}
                for portable, found in results.items()}
    assert verdicts[True] == verdicts[False]
    assert results[True]["extra_data"]["sandbox"]["missing"] == [
        "landlock", "namespaces", "own-uid", "cgroup", "cpu-share"]  # it knew, and said so
