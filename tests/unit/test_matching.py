"""The one rule that says which submitted notebook is which assignment (grader/course/matching)."""

from __future__ import annotations

import pytest

from grader.course.matching import assignment_of, match_notebooks

COURSE = ["01_tensors_and_loss.ipynb", "02_training_loop.ipynb", "03_optimizer_and_seeds.ipynb"]


@pytest.mark.parametrize("name", [
    "02_training_loop.ipynb",
    "02_training_loop (1).ipynb",       # a browser's second download
    "02_training_loop(3).ipynb",
    "02_training_loop-Copy1.ipynb",     # Jupyter's Duplicate
    "02_training_loop copy.ipynb",      # macOS
    "02_training_loop - Copy.ipynb",    # Windows
    "02_training_loop - Copy (2).ipynb",
    "02_Training_Loop.ipynb",
    "02_training_loop (1) (2).ipynb",
    "2_loop.ipynb",                     # by its number alone
    "02-draft.ipynb",
])
def test_every_usual_name_of_a_copy_is_its_assignment(name: str) -> None:
    assert assignment_of(name, COURSE) == "02_training_loop.ipynb"


@pytest.mark.parametrize("name", ["homework.ipynb", "04_extra.ipynb", "02training.ipynb",
                                  "notes.txt", "training_loop.ipynb"])
def test_a_name_that_fits_no_assignment_is_none(name: str) -> None:
    assert assignment_of(name, COURSE) is None


def test_two_assignments_with_one_number_are_never_guessed() -> None:
    course = ["01_a.ipynb", "01_b.ipynb"]
    assert assignment_of("01_draft.ipynb", course) is None
    assert assignment_of("01_b (1).ipynb", course) == "01_b.ipynb"


def test_an_assignment_whose_name_ends_like_a_copy_mark_is_still_found() -> None:
    course = ["03_deep_copy.ipynb", "04_other.ipynb"]
    assert assignment_of("03_deep_copy (1).ipynb", course) == "03_deep_copy.ipynb"
    assert assignment_of("03_deep_copy.ipynb", course) == "03_deep_copy.ipynb"


def test_the_exact_name_wins_then_a_copy_then_a_number_and_the_others_are_listed() -> None:
    matching = match_notebooks(["02_training_loop (1).ipynb", "02_old.ipynb",
                                "02_training_loop.ipynb", "01_tensors_and_loss (1).ipynb"],
                               COURSE)
    assert matching.chosen == {"01_tensors_and_loss.ipynb": "01_tensors_and_loss (1).ipynb",
                               "02_training_loop.ipynb": "02_training_loop.ipynb"}
    assert matching.passed_over == {"02_training_loop.ipynb": ["02_training_loop (1).ipynb",
                                                               "02_old.ipynb"]}
    assert matching.notes() == [
        "01_tensors_and_loss (1).ipynb graded as 01_tensors_and_loss.ipynb.",
        "3 notebooks could be 02_training_loop.ipynb: graded 02_training_loop.ipynb, not "
        "02_training_loop (1).ipynb, 02_old.ipynb."]


def test_a_sole_notebook_is_the_sole_assignment_whatever_its_name() -> None:
    assert match_notebooks(["work/lab 2 (Jo).ipynb"], ["02_x.ipynb"]).chosen == {
        "02_x.ipynb": "work/lab 2 (Jo).ipynb"}
    two = match_notebooks(["a.ipynb", "b.ipynb"], ["02_x.ipynb"])
    assert two.chosen == {} and two.unmatched == ["a.ipynb", "b.ipynb"]
    assert match_notebooks(["a.ipynb"], COURSE).chosen == {}


def test_autosave_copies_and_other_files_are_not_submissions() -> None:
    matching = match_notebooks([".ipynb_checkpoints/02_training_loop-checkpoint.ipynb",
                                "02_training_loop.py", "data.csv"], COURSE)
    assert matching.chosen == {} and matching.unmatched == []
