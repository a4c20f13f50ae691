"""The reference check of `grader grade` is content-addressed: the solutions are graded against
their own tests once per content (solution, tests, kit, settings), per assignment; a rerun
with nothing changed does not check them again, a fixed test checks its own assignment only,
and a broken solution is still caught."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from grader.cli import main

FIRST, SECOND = "01_example", "02_second"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    folder = tmp_path / "course"
    assert main(["init", str(folder)]) == 0
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    subprocess.run([sys.executable, "-m", "grader.cli", "new", SECOND], cwd=folder, env=environ,
                   check=True, capture_output=True)
    student = folder / "subs" / "student0"
    student.mkdir(parents=True)
    for name in (FIRST, SECOND):
        nbformat.write(nbformat.read(folder / "solutions" / f"{name}.ipynb", as_version=4),
                       student / f"{name}.ipynb")
    return folder


def _grade(course: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run([sys.executable, "-m", "grader.cli", "grade", "subs", "--out", "out",
                           "-j", "1", "--force", *args], cwd=course, env=environ,
                          capture_output=True, text=True, timeout=600)


def test_the_reference_is_checked_once_per_content_and_a_broken_one_is_still_caught(
        course: Path) -> None:
    first = _grade(course)
    assert first.returncode == 0, first.stderr
    assert "checking the reference solutions (they must" in first.stderr
    checked = course / "out" / "reference-check"
    verified = json.loads((checked / "verified.json").read_text(encoding="utf-8"))
    assert set(verified["assignments"]) == {f"{FIRST}.ipynb", f"{SECOND}.ipynb"}
    results = (checked / "results.json").stat().st_mtime_ns

    unchanged = _grade(course)
    assert unchanged.returncode == 0, unchanged.stderr
    assert "passed their tests before" in unchanged.stderr
    assert "checking the reference" not in unchanged.stderr
    assert (checked / "results.json").stat().st_mtime_ns == results

    tests = course / "grader" / f"test_{SECOND}.py"
    tests.write_text(tests.read_text(encoding="utf-8").replace(
        "@pytest.mark.points(1)", "@pytest.mark.points(3)"), encoding="utf-8")
    edited = _grade(course)
    assert edited.returncode == 0, edited.stderr
    assert f"checking the reference solutions of {SECOND} " in edited.stderr
    assert "1 unchanged since they passed" in edited.stderr
    own_code = json.loads((checked / "own-code.json").read_text(encoding="utf-8"))
    assert set(own_code["assignments"]) == {FIRST, SECOND}  # the similarity report's needs

    solution = course / "solutions" / f"{FIRST}.ipynb"
    notebook = nbformat.read(solution, as_version=4)
    notebook.cells.insert(0, new_code_cell("1 / 0"))
    nbformat.write(notebook, solution)
    broken = _grade(course)
    assert broken.returncode != 0
    assert "reference" in broken.stderr and f"checking the reference solutions of {FIRST}" \
        in broken.stderr
    verified = json.loads((checked / "verified.json").read_text(encoding="utf-8"))
    assert set(verified["assignments"]) == {f"{FIRST}.ipynb", f"{SECOND}.ipynb"}
    again = _grade(course)  # the broken solution was not recorded as passing
    assert again.returncode != 0 and "checking the reference solutions of" in again.stderr
