"""Checks a test can call: each fails with Feedback saying what was expected, what was found,
and what to try. Every check compares values in the grader's process.
"""

from grader.checks.bands import Band, expect_above, expect_below, expect_in_band
from grader.checks.classification import (
    expect_accuracy,
    expect_class_predictions,
    expect_cross_entropy_below,
    expect_probabilities,
)
from grader.checks.closeness import expect_close, expect_same_values
from grader.checks.dataframes import expect_dataframe, frame_values
from grader.checks.design_matrix import expect_design_matrix
from grader.checks.gradients import expect_steps_independent
from grader.checks.loss_functions import expect_mean_squared_error
from grader.checks.reproducibility import (
    expect_different_for_different_seeds,
    expect_same_for_same_seed,
    expect_seeded_like_reference,
)
from grader.checks.tensors import expect_requires_grad, expect_tensor_like
from grader.checks.training import expect_training_converged

__all__ = [
    "Band",
    "expect_above",
    "expect_accuracy",
    "expect_below",
    "expect_class_predictions",
    "expect_close",
    "expect_cross_entropy_below",
    "expect_dataframe",
    "expect_design_matrix",
    "expect_different_for_different_seeds",
    "expect_in_band",
    "expect_mean_squared_error",
    "expect_probabilities",
    "expect_requires_grad",
    "expect_same_for_same_seed",
    "expect_same_values",
    "expect_seeded_like_reference",
    "expect_steps_independent",
    "expect_tensor_like",
    "expect_training_converged",
    "frame_values",
]
