"""What a person is told before anything runs: a batch's folders that cannot work, a notebook
that is not there or not saved, a run that graded nobody new."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.batch.command import _check_folders, _outcome
from grader.errors import UserError
from grader.records import StudentRecord
from grader.selfcheck.notebook import SAVE, readable, unreadable_reason


def test_an_output_folder_inside_the_submissions_is_refused_before_anything_is_written(
        tmp_path: Path) -> None:
    (tmp_path / "subs" / "alice").mkdir(parents=True)
    with pytest.raises(UserError, match=r"inside the submissions folder .* grade it as a student"):
        _check_folders(tmp_path / "subs", tmp_path / "subs" / "grades")
    assert not (tmp_path / "subs" / "grades").exists()
    assert _check_folders(tmp_path / "subs", tmp_path / "grades")[1] == tmp_path / "grades"


def test_a_submissions_folder_without_students_says_how_to_lay_it_out(tmp_path: Path) -> None:
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "alice.ipynb").write_text("{}")
    with pytest.raises(UserError, match="holds no student folder: put each student's"):
        _check_folders(tmp_path / "subs", tmp_path / "grades")


def test_the_last_line_says_who_was_graded_now_and_who_was_kept() -> None:
    records = [StudentRecord(f"s{i}", {"tests": []}, None, 1.0) for i in range(5)] + \
        [StudentRecord("late", None, "timed out", 1.0)]
    out = Path("/g")
    assert _outcome(records, 0, None, out).startswith(
        "graded 0 students: all 6 were graded before from the same notebooks")
    assert _outcome(records, 1, None, out).startswith(
        "graded 1 student, kept 5 graded before from the same inputs; gradebook of 6")
    assert _outcome(records, 6, None, out).endswith("(1 with a reason instead of a grade)")


def test_a_misspelt_notebook_is_named_with_the_closest_one_and_save_advice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "assignments").mkdir()
    (tmp_path / "assignments" / "01_example.ipynb").write_text("{}")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UserError) as raised:
        readable(Path("assignments/01_exmaple.ipynb"))
    assert "Did you mean `grader check assignments/01_example.ipynb`?" in str(raised.value)
    assert SAVE in str(raised.value)
    with pytest.raises(UserError, match="there is no folder nowhere in"):
        readable(Path("nowhere/01_example.ipynb"))


@pytest.mark.parametrize(("content", "expected"), [
    ("", "is an empty file, not a notebook. In Jupyter, save it"),
    ("{ not json", "is not valid JSON"),
    ('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "no code cells"),
])
def test_an_unsaved_or_broken_notebook_gets_one_reason_with_what_to_do(
        tmp_path: Path, content: str, expected: str) -> None:
    notebook = tmp_path / "01_example.ipynb"
    notebook.write_text(content)
    reason = unreadable_reason(notebook)
    assert reason is not None and expected in reason and "save" in reason.lower()


def test_a_check_that_could_not_grade_quotes_the_kits_error_and_offers_what_helps(
        tmp_path: Path) -> None:
    from grader.plugin.score_reporter import KIT_ERROR_FILE
    from grader.selfcheck.command import _not_graded

    (tmp_path / KIT_ERROR_FILE).write_text("could not start a Jupyter kernel: it died")
    sandboxed = _not_graded(tmp_path, {"sandbox": "auto"})
    assert sandboxed.startswith("your notebook could not be graded: could not start a Jupyter")
    assert "--cold" not in sandboxed  # it was tried cold already: no advice that cannot help
    assert "`grader check --sandbox off NOTEBOOK`" in sandboxed
    assert "--sandbox off" not in _not_graded(tmp_path, {"sandbox": "off"})
