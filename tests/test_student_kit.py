"""`grader release --student-kit`: templates and public tests with the reference's answers;
no solutions and no hidden tests, which a run still says exist."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.attacks.kit_fixture import student_kit
from tests.corpus.harness import SOLUTIONS


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return student_kit(tmp_path_factory)  # the attack tests' kit too, where one process runs both


def _check_in_kit(kit: Path, notebook: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(kit)  # the kit's own grader, as a student's install would be
    return subprocess.run([sys.executable, "-m", "grader.cli", "check", str(notebook)],
                          cwd=notebook.parent, env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_student_kit_holds_no_solutions_and_no_hidden_test_code(kit: Path) -> None:
    assert not (kit / "solutions").exists()
    assert sorted(p.name for p in (kit / "assignments").glob("*.ipynb")) == sorted(
        p.name for p in SOLUTIONS.glob("*.ipynb"))
    notebooks = "".join(p.read_text(encoding="utf-8") for p in kit.rglob("*.ipynb"))
    assert "### BEGIN SOLUTION" not in notebooks
    everything = "".join(p.read_text(encoding="utf-8", errors="replace")
                         for p in kit.rglob("*") if p.is_file())
    assert "MANY_STEPS" not in everything
    assert "test_train_step_repeated_trains_a_model_on_unseen_data" not in everything
    assert not list(kit.rglob("*_hidden.py"))


def test_a_student_checks_a_notebook_in_the_kit_against_the_shipped_answers(
        kit: Path, tmp_path: Path) -> None:
    notebook = tmp_path / "02_training_loop.ipynb"
    shutil.copy(SOLUTIONS / notebook.name, notebook)
    done = _check_in_kit(kit, notebook)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Score: 8 / 8" in done.stdout
    assert "1 hidden test worth 2 points" in done.stdout


def test_the_kits_templates_get_zero_with_fill_the_blank_messages(kit: Path) -> None:
    done = _check_in_kit(kit, kit / "assignments" / "01_tensors_and_loss.ipynb")
    assert done.returncode == 1
    assert "Score: 0 / 10" in done.stdout and "not implemented yet" in done.stdout
