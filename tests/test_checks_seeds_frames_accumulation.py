"""The checks added for lessons 5-8: seeds and DataFrames (gradients that pile up: see
test_checks_training_evidence and test_checks_functions_and_steps). No kernels."""

from __future__ import annotations

import pandas as pd
import pytest
import torch

from grader.checks import (
    expect_dataframe,
    expect_different_for_different_seeds,
    expect_same_for_same_seed,
    expect_seeded_like_reference,
    frame_values,
)
from grader.errors import Feedback


def run(seed: int) -> dict:
    generator = torch.Generator().manual_seed(seed)
    return {"W": torch.randn(1, 1, generator=generator), "losses": [0.5, 0.25]}


def test_two_runs_with_one_seed_pass_when_identical_bit_for_bit() -> None:
    expect_same_for_same_seed(run(3), run(3), "train_from_seed(3)")


def test_a_second_run_that_differs_asks_for_manual_seed_inside_the_function() -> None:
    with pytest.raises(Feedback, match=r"torch\.manual_seed\(seed\) inside the function"):
        expect_same_for_same_seed(run(3), run(4), "train_from_seed(3)")


def test_losses_of_another_length_are_not_the_same_run() -> None:
    second = {**run(3), "losses": [0.5]}
    with pytest.raises(Feedback, match="different `losses`"):
        expect_same_for_same_seed(run(3), second, "train_from_seed(3)")


def test_identical_runs_for_two_seeds_say_the_seed_is_not_used() -> None:
    with pytest.raises(Feedback, match="seeds 11 and 12: the seed argument is not used"):
        expect_different_for_different_seeds({11: run(5), 12: run(5)}, "train_from_seed")
    expect_different_for_different_seeds({11: run(11), 12: run(12)}, "train_from_seed")


def test_seeded_values_compare_lists_of_floats_and_of_one_number_tensors() -> None:
    found = {"draws": [torch.tensor([0.25]), torch.tensor([0.5])]}
    expect_seeded_like_reference(found, {"draws": [0.25, 0.5]}, "seeded_draws(3, 2)")
    with pytest.raises(Feedback, match=r"draws from seeded_draws\(3, 2\)` differs"):
        expect_seeded_like_reference({"draws": [0.25, 0.75]}, {"draws": [0.25, 0.5]},
                                     "seeded_draws(3, 2)")


def test_a_frame_with_the_columns_and_rows_asked_for_passes() -> None:
    frame = pd.DataFrame([[1.0, 2.0]] * 5, columns=["apples", "oranges"])
    assert expect_dataframe(frame, "predictions", ["apples", "oranges"], rows=5) is frame
    assert frame_values(frame, "predictions").shape == (5, 2)


@pytest.mark.parametrize(("frame", "phrase"), [
    (torch.zeros(5, 2), "should be a pandas DataFrame"),
    (pd.DataFrame([[1.0, 2.0]] * 5), "pass columns="),
    (pd.DataFrame([[1.0, 2.0]] * 5, columns=["oranges", "apples"]), "wrong order"),
    (pd.DataFrame([[1.0, 2.0]] * 4, columns=["apples", "oranges"]), "5 rows"),
])
def test_a_wrong_frame_is_explained(frame: object, phrase: str) -> None:
    with pytest.raises(Feedback, match=phrase):
        expect_dataframe(frame, "predictions", ["apples", "oranges"], rows=5)
