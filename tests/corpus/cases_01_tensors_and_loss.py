"""Mistakes and valid alternatives for assignment 1 (lessons 1-2)."""

from tests.corpus.case import Case, Edit

NB = "01_tensors_and_loss.ipynb"
INITIAL_TEST = "test_initial_loss_and_its_gradients_are_those_of_your_functions"
STEP_TEST = "test_one_step_lowers_the_loss_as_your_functions_do"

MONKEYPATCH = """\
import torch
torch.allclose = lambda *args, **kwargs: True
torch.equal = lambda *args, **kwargs: True
torch.testing.assert_close = lambda *args, **kwargs: None
torch.Tensor.__eq__ = lambda self, other: torch.tensor(True)
"""

CASES = [
    Case(
        "monkeypatches_torch_to_pass_every_comparison",
        NB,
        (
            Edit("as-column", "return torch.tensor(values, dtype=torch.float32).reshape(-1, 1)",
                 "return torch.tensor(values, dtype=torch.float32)"),
            Edit("sgd-step", new=MONKEYPATCH, insert_after=True),
        ),
        fails={"test_as_column_turns_any_list_into_a_float32_column": "shape"},
        why="patching torch inside the kernel changes nothing: verdicts are made in the grader",
    ),
    Case(
        "uses_torch_rand_instead_of_randn",
        NB,
        (
            Edit("init-params", "W = torch.randn(1, 1, requires_grad=True)",
                 "W = torch.rand(1, 1, requires_grad=True)"),
            Edit("init-params", "b = torch.randn(1, requires_grad=True)",
                 "b = torch.rand(1, requires_grad=True)"),
        ),
        fails={"test_init_params_draws_seeded_standard_normal_parameters": "torch.rand"},
        why="torch.rand draws uniform numbers: other initial values under the same seed (the "
            "loss and the step that follow are right for those values: charged once)",
    ),
    Case(
        "hard_codes_the_outputs_of_predict",
        NB,
        (Edit("predict-mse", "return X @ W + b",
              "return torch.tensor([[1.2476], [2.7886], [4.3296]])"),),
        fails={
            "test_predict_is_the_linear_model_on_the_graders_inputs": "shape",
            # A constant has no gradient: backward() and the step both fail, and say so.
            INITIAL_TEST: "does not require grad",
            STEP_TEST: "failed before it",
        },
        why="numbers copied from the lecture fail on the grader's own inputs",
    ),
    Case(
        "flat_training_data",
        NB,
        (Edit("training-data", "X_train = torch.tensor([[1.0], [2.0], [3.0]])",
              "X_train = torch.tensor([1.0, 2.0, 3.0])"),),
        fails={
            "test_training_data_are_float32_columns_in_the_given_order": "(3, 1)",
            # X (3,) @ W (1, 1) raises: every value computed from it is missing.
            INITIAL_TEST: "mat1 and mat2 shapes cannot be multiplied",
            STEP_TEST: "failed before it",
        },
        why="(N,) instead of (N, 1)",
    ),
    Case(
        "integer_training_data",
        NB,
        (Edit("training-data", "y_train = torch.tensor([[20.0], [40.0], [60.0]])",
              "y_train = torch.tensor([[20], [40], [60]])"),),
        fails={"test_training_data_are_float32_columns_in_the_given_order": "dtype"},
        why="integers where floats are needed",
    ),
    Case(
        "update_through_data_and_float64_valid",
        NB,
        (Edit("sgd-step", "    with torch.no_grad():\n        for p in params:\n"
              "            p -= lr * p.grad\n",
              "    for p in params:\n        p.data = p.data - lr * p.grad\n"),
         Edit("sgd-step", new="# 주석: comments in any language are fine\nprint('done')",
              insert_after=True)),
        why="valid: updating through .data, extra cells, prints, comments in any language",
    ),
]
