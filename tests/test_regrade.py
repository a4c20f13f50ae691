"""Content-addressed grades: each record says what it was computed from, and a rerun of
`grader grade` regrades exactly the students whose inputs changed (a resubmitted notebook, an
edited test module), keeping every other record byte for byte; --force regrades everyone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell

from grader.cli import main

pytestmark = pytest.mark.slow  # whole runs: ordered first (tests/conftest.py)

FIRST, SECOND = "01_example", "02_second"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A course of two small assignments (`grader init`, `grader new`) and four students who
    hand in both, each a little different."""
    folder = tmp_path / "course"
    assert main(["init", str(folder)]) == 0
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    subprocess.run([sys.executable, "-m", "grader.cli", "new", SECOND], cwd=folder, env=environ,
                   check=True, capture_output=True)
    for index in range(4):
        student = folder / "subs" / f"student{index}"
        student.mkdir(parents=True)
        for name in (FIRST, SECOND):
            notebook = nbformat.read(folder / "solutions" / f"{name}.ipynb", as_version=4)
            if index % 2:  # half the class gets `result` wrong
                notebook.cells.append(new_code_cell("result = result + 1"))
            nbformat.write(notebook, student / f"{name}.ipynb")
    return folder


def _grade(course: Path, out: str, *args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run([sys.executable, "-m", "grader.cli", "grade", "subs", "--out", out,
                           "-j", "2", *args], cwd=course, env=environ, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done


def _records(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Each student's record as written: a record written again is a new file."""
    return {p.parent.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
            for p in (out / "students").glob("*/grade.json")}


def _regraded(before: dict[str, tuple[int, int, bytes]], out: Path) -> set[str]:
    return {name for name, content in _records(out).items() if before.get(name) != content}


def test_each_record_says_what_it_was_computed_from(course: Path) -> None:
    _grade(course, "out", "--assignment", FIRST)
    record = json.loads((course / "out" / "students" / "student0" / "grade.json").read_text())
    inputs = record["inputs"]
    assert set(inputs["assignments"]) == {f"{FIRST}.ipynb"}
    assert set(inputs["assignments"][f"{FIRST}.ipynb"]) == {"notebook", "tests", "reference"}
    assert inputs["settings"]["seed"] == 4242 and inputs["settings"]["sandbox"] == "auto"
    assert {"version", "source", "torch", "python"} <= set(inputs["kit"])
    assert len(inputs["digest"]) == 32


def test_resubmitting_one_notebook_regrades_that_student_alone(course: Path) -> None:
    _grade(course, "out")
    out = course / "out"
    before = _records(out)
    book_before = pd.read_csv(out / "gradebook.csv").set_index("student")

    unchanged = _grade(course, "out")
    assert _regraded(before, out) == set()
    assert "resuming: 4 of 4 students" in unchanged.stderr

    shutil.copy(course / "solutions" / f"{SECOND}.ipynb",
                course / "subs" / "student1" / f"{SECOND}.ipynb")  # student1 fixes 02
    rerun = _grade(course, "out")
    assert _regraded(before, out) == {"student1"}
    assert f"a new notebook for {SECOND} (1 student)" in rerun.stderr
    book = pd.read_csv(out / "gradebook.csv").set_index("student")
    assert book.loc["student1", "total"] == book_before.loc["student1", "total"] + 1
    others = ["student0", "student2", "student3"]
    pd.testing.assert_frame_equal(book.loc[others], book_before.loc[others])

    before = _records(out)
    _grade(course, "out", "--force")
    assert _regraded(before, out) == {f"student{i}" for i in range(4)}


def test_editing_one_test_module_regrades_exactly_the_students_graded_on_it(
        course: Path) -> None:
    """Each assignment graded into its own output (assignments due on different dates): a fix
    to the second assignment's tests regrades its class, and nobody graded on the first."""
    _grade(course, "first", "--assignment", FIRST)
    _grade(course, "second", "--assignment", SECOND)
    first, second = _records(course / "first"), _records(course / "second")

    tests = course / "grader" / f"test_{SECOND}.py"
    tests.write_text(tests.read_text(encoding="utf-8").replace(
        "@pytest.mark.points(1)", "@pytest.mark.points(3)"), encoding="utf-8")
    _grade(course, "first", "--assignment", FIRST)
    rerun = _grade(course, "second", "--assignment", SECOND)

    assert _regraded(first, course / "first") == set()
    assert _regraded(second, course / "second") == {f"student{i}" for i in range(4)}
    assert f"new tests of {SECOND} (4 students)" in rerun.stderr
    book = pd.read_csv(course / "second" / "gradebook.csv").set_index("student")
    assert book.loc["student0", "total"] == 2 + 3  # the edit counts: the grade was made again


def test_a_seed_and_limits_given_on_the_command_line_regrade_everyone_with_them(
        course: Path) -> None:
    _grade(course, "out", "--assignment", FIRST)
    before = _records(course / "out")

    rerun = _grade(course, "out", "--assignment", FIRST, "--seed", "7", "--timeout", "60",
                   "--notebook-budget", "300")

    assert _regraded(before, course / "out") == {f"student{i}" for i in range(4)}
    assert "new settings (4 students)" in rerun.stderr
    record = json.loads((course / "out" / "students" / "student0" / "grade.json").read_text())
    settings = record["inputs"]["settings"]
    assert (settings["seed"], settings["timeout"], settings["notebook_budget"]) == (7, 60, 300)
    assert record["results"]["extra_data"]["seed"] == 7  # the grading run used it
    book = pd.read_csv(course / "out" / "gradebook.csv").set_index("student")
    assert book.loc["student0", "total"] == 3 and book.loc["student1", "total"] == 2
