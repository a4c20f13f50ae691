"""A course made with `grader init`, graded as a TA would (the whole journey, from the wheel:
tests/journeys/test_ta.py): what is wrong with the setup (no solutions, solutions that fail
their own tests, an error of the kit) stops grading before anyone gets points that depend on
it; a student who was not graded gets empty cells and a reason, never zeros."""

from __future__ import annotations

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

NOTEBOOK = "01_example.ipynb"
KIT_ERROR_TESTS = '''\
import pytest
from grader.errors import GraderError

pytestmark = pytest.mark.assignment("01_example.ipynb")


@pytest.mark.points(0)
def test_the_kit_breaks_on_a_marked_notebook(submission):
    """the kit fails (a stand-in for any setup error) on a notebook marked for it"""
    if "kit-error" in submission.result.cells[-1].source:
        raise GraderError("a stand-in for a broken setup")
'''


@pytest.fixture
def course(tmp_path: Path) -> Path:
    folder = tmp_path / "course"
    assert main(["init", str(folder)]) == 0
    return folder


def _student(submissions: Path, name: str, source: Path, extra_cell: str = "") -> None:
    (submissions / name).mkdir(parents=True)
    notebook = nbformat.read(source, as_version=4)
    if extra_cell:
        notebook.cells.append(new_code_cell(extra_cell))
    nbformat.write(notebook, submissions / name / NOTEBOOK)


def _grade(course: Path, *args: str, env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run([sys.executable, "-m", "grader.cli", "grade", "subs", "--out", "out",
                           *args], cwd=course, env={**environ, **(env or {})},
                          capture_output=True, text=True, timeout=600)


def _book(course: Path) -> pd.DataFrame:
    return pd.read_csv(course / "out" / "gradebook.csv").set_index("student")


@pytest.mark.slow
def test_missing_solutions_stop_the_batch_before_anyone_is_recorded(course: Path) -> None:
    _student(course / "subs", "alice", course / "solutions" / NOTEBOOK)
    done = _grade(course, "--solutions", "nowhere")
    assert done.returncode == 2
    assert "nowhere does not exist" in done.stderr and "Nobody was graded" in done.stderr
    assert not (course / "out" / "gradebook.csv").exists()
    assert not (course / "out" / "students").exists()


@pytest.mark.slow
def test_solutions_that_do_not_run_stop_the_batch(course: Path) -> None:
    shutil.copy(course / "assignments" / NOTEBOOK, course / "solutions" / NOTEBOOK)  # blanks
    _student(course / "subs", "alice", course / "assignments" / NOTEBOOK)
    done = _grade(course)
    assert done.returncode == 2
    assert "grading the reference solutions failed, so nobody was graded" in done.stderr
    assert "does not run cleanly" in done.stderr and "NotImplementedError" in done.stderr
    assert not (course / "out" / "gradebook.csv").exists()


@pytest.mark.slow
def test_an_error_of_the_kit_stops_the_batch_and_gives_that_student_no_grade(
        course: Path) -> None:
    (course / "grader" / "test_01_example_hidden.py").write_text(KIT_ERROR_TESTS)
    solution = course / "solutions" / NOTEBOOK
    _student(course / "subs", "a_first", solution)
    _student(course / "subs", "b_breaks", solution, "# kit-error")
    _student(course / "subs", "c_later", solution)
    done = _grade(course, "-j", "1")
    assert done.returncode == 2
    assert "grading stopped while grading b_breaks" in done.stderr
    assert "a stand-in for a broken setup" in done.stderr
    assert list(_book(course).index) == ["a_first"]  # kept; b_breaks and c_later: no row
    assert not (course / "out" / "students" / "b_breaks" / "grade.json").exists()

    report = course / "report"
    plain = subprocess.run(
        [sys.executable, "-m", "pytest", "grader", "-q", "-p", "no:cacheprovider",
         f"--grader-notebooks={course / 'subs' / 'b_breaks'}", f"--grader-report={report}"],
        cwd=course, capture_output=True, text=True, timeout=300)
    assert plain.returncode == 3, plain.stdout
    assert "no grade: an error of the grader, not the notebook" in plain.stdout
    assert (report / "kit-error.txt").exists() and not (report / "results.json").exists()


@pytest.mark.slow
def test_a_student_out_of_time_gets_empty_cells_and_a_reason_and_progress_is_shown(
        course: Path) -> None:
    _student(course / "subs", "slow", course / "solutions" / NOTEBOOK,
             "import time\ntime.sleep(60)")
    done = _grade(course, "--budget", "8", env={"GRADER_PROGRESS_EVERY": "1"})
    assert done.returncode == 0, done.stderr
    row = _book(course).loc["slow"]
    assert pd.isna(row["total"]) and pd.isna(row["01_example"])
    assert "longer than the budget of 8 s" in row["reason"]
    assert "grading: slow on 01_example" in done.stderr
