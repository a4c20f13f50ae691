"""Checks a test can call: each fails with Feedback saying what was expected, what was found,
and what to try. Every check compares values in the grader's process.
"""

from grader.checks.closeness import expect_close, expect_same_values
from grader.checks.gradients import expect_reset_between_steps
from grader.checks.tensors import expect_requires_grad, expect_tensor_like
from grader.checks.training import expect_training_converged

__all__ = [
    "expect_close",
    "expect_requires_grad",
    "expect_reset_between_steps",
    "expect_same_values",
    "expect_tensor_like",
    "expect_training_converged",
]
