"""The Gradescope autograder, tried as Gradescope runs it: the zip unpacked into a temporary
AUTOGRADER_ROOT, setup.sh (its installs skipped: the kit and torch are here already), then
run_autograder on submissions; results.json is checked against Gradescope's documented
fields and types (https://gradescope-autograders.readthedocs.io/en/latest/specs/)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from grader.course.config import read_course
from grader.release.gradescope import build_gradescope_zip
from tests.corpus.harness import ASSIGNMENTS, SOLUTIONS

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "02_training_loop"  # it has hidden tests
NOTEBOOK = f"{ASSIGNMENT}.ipynb"

# Gradescope's documented fields, and the types this kit gives them.
TOP_LEVEL = {"score": (int, float), "execution_time": (int, float), "output": str,
             "output_format": str, "test_output_format": str, "test_name_format": str,
             "visibility": str, "stdout_visibility": str, "extra_data": dict, "tests": list,
             "leaderboard": list}
PER_TEST = {"score": (int, float), "max_score": (int, float), "status": str, "name": str,
            "name_format": str, "number": str, "output": str, "output_format": str,
            "tags": list, "visibility": str, "extra_data": dict}
REQUIRED_PER_TEST = {"name", "number", "score", "max_score", "status", "output", "visibility",
                     "extra_data"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


@pytest.fixture(scope="module")
def autograder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip of one assignment, unpacked and set up as Gradescope would; returns the root."""
    scratch = tmp_path_factory.mktemp("gradescope")
    built = build_gradescope_zip(scratch / "autograder.zip", read_course(ROOT), [ASSIGNMENT])
    root = scratch / "autograder"
    names = set_up(built.path, root)
    assert f"course/grader/assignments/test_{ASSIGNMENT}_hidden.py" in names
    assert f"course/solutions/{NOTEBOOK}" in names
    assert not any("01_tensors_and_loss" in name for name in names)  # only the one chosen
    return root


def set_up(zip_file: Path, root: Path) -> list[str]:
    """Unpack as Gradescope does (into ROOT/source, run_autograder copied to ROOT), then run
    setup.sh; returns the zip's file names."""
    with zipfile.ZipFile(zip_file) as archive:
        names = archive.namelist()
        for info in archive.infolist():  # as `unzip` does: with the files' modes
            path = Path(archive.extract(info, root / "source"))
            path.chmod((info.external_attr >> 16) & 0o777)
    assert {"setup.sh", "run_autograder", "gradescope.json"} <= set(names)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    done = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=_env(root),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the solutions pass all" in done.stdout
    return names


def _env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(AUTOGRADER_ROOT=str(root), GRADER_SKIP_INSTALL="1", GRADER_PYTHON=sys.executable)
    return env


def run_autograder(root: Path, files: dict[str, bytes | Path]) -> dict[str, Any]:
    """Put `files` in the submission folder, run run_autograder, return results.json."""
    for folder in ("submission", "results"):
        shutil.rmtree(root / folder, ignore_errors=True)
        (root / folder).mkdir()
    for name, content in files.items():
        path = root / "submission" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            path.symlink_to(content)
        else:
            path.write_bytes(content)
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=_env(root),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    check_gradescope_format(results)
    return results


def check_gradescope_format(results: dict[str, Any]) -> None:
    assert set(results) <= set(TOP_LEVEL), set(results) - set(TOP_LEVEL)
    for key, value in results.items():
        assert isinstance(value, TOP_LEVEL[key]), (key, value)
    assert {"score", "execution_time", "output", "output_format", "tests"} <= set(results)
    assert results["output_format"] in FORMATS
    assert results["stdout_visibility"] in VISIBILITIES
    numbers = [test["number"] for test in results["tests"]]
    assert len(set(numbers)) == len(numbers)
    for test in results["tests"]:
        assert set(test) <= set(PER_TEST), set(test) - set(PER_TEST)
        assert set(test) >= REQUIRED_PER_TEST, REQUIRED_PER_TEST - set(test)
        for key, value in test.items():
            assert isinstance(value, PER_TEST[key]), (key, value)
        assert test["status"] in {"passed", "failed"}
        assert test["visibility"] in VISIBILITIES
        assert test["output_format"] in FORMATS and test["name_format"] in FORMATS
        assert 0 <= test["score"] <= test["max_score"]
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))


def test_a_solution_gets_full_marks_and_hidden_tests_wait_for_publication(
        autograder: Path) -> None:
    results = run_autograder(autograder, {f"{ASSIGNMENT} (1).ipynb":
                                          (SOLUTIONS / NOTEBOOK).read_bytes()})

    possible = sum(t["max_score"] for t in results["tests"])
    assert possible > 0 and results["score"] == possible
    assert all(t["status"] == "passed" for t in results["tests"])
    hidden = [t for t in results["tests"] if t["visibility"] == "after_published"]
    assert hidden and len(hidden) < len(results["tests"])
    assert all(t["name"].startswith(f"{ASSIGNMENT}: ") for t in results["tests"])
    assert "graded as 02_training_loop.ipynb" in results["output"]
    assert "hidden test" in results["output"]


def test_a_blank_template_gets_zero_with_what_to_fill(autograder: Path) -> None:
    results = run_autograder(autograder, {"work/lab 2 (Jo).ipynb": (ASSIGNMENTS / NOTEBOOK)
                                          .read_bytes()})  # its only notebook, any name

    assert results["score"] == 0 and results["tests"]
    assert all("not implemented yet" in t["output"] for t in results["tests"])
    visible = sum(t["max_score"] for t in results["tests"] if t["visibility"] == "visible")
    assert results["output"].startswith(f"{ASSIGNMENT}: 0 / {visible:g} on the visible tests")
    assert f"work/lab 2 (Jo).ipynb graded as {NOTEBOOK}" in results["output"]


def test_a_broken_notebook_gets_a_result_that_says_why(autograder: Path) -> None:
    results = run_autograder(autograder, {NOTEBOOK: b"{ not a notebook"})

    assert results["score"] == 0 and results["tests"]
    assert all("not valid JSON" in t["output"] for t in results["tests"])


def test_a_link_to_the_solutions_is_not_graded(autograder: Path) -> None:
    solution = autograder / "source" / "course" / "solutions" / NOTEBOOK
    results = run_autograder(autograder, {NOTEBOOK: solution})

    assert results["score"] == 0
    assert f"`{NOTEBOOK}` is a link: not graded" in results["output"]
    assert all("not found" in t["output"] for t in results["tests"])
