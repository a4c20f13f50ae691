"""`grader check` grades one notebook from any working directory and prints every verdict."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.course import find_course
from grader.errors import UserError
from grader.selfcheck.locate import assignment_for
from tests.corpus.harness import ASSIGNMENTS, ROOT


def test_a_notebook_is_matched_to_its_assignment_by_name_or_number() -> None:
    course = find_course(ROOT)
    assert assignment_for(Path("02_training_loop.ipynb"), course) == "02_training_loop.ipynb"
    assert assignment_for(Path("02_training_loop (1).ipynb"), course) == "02_training_loop.ipynb"
    with pytest.raises(UserError, match="not one of the graded assignments"):
        assignment_for(Path("homework.ipynb"), course)


def test_grader_check_prints_each_test_with_points_and_message_from_any_folder(
        tmp_path: Path) -> None:
    notebook = tmp_path / "02_training_loop.ipynb"
    shutil.copy(ASSIGNMENTS / notebook.name, notebook)
    done = subprocess.run([sys.executable, "-m", "grader.cli", "check", notebook.name],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "fresh kernel" in done.stdout
    # each test by its title (its docstring), with its points
    assert re.search(r"^  FAILED  0/\d+  .*train_step", done.stdout, re.MULTILINE)
    assert "not implemented yet: fill the blank in `train_step`" in done.stdout
    assert "Score: 0 / 8" in done.stdout
