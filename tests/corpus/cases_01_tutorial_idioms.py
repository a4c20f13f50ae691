"""Assignment 1 as more tutorials write it: d2l's torch.normal draws and in-place updates,
NumPy arrays turned into tensors, sums divided by the number of rows, and the seed set outside
the function that should own it. Written afresh for this course.
"""

from tests.corpus.case import Case, Edit
from tests.corpus.cases_01_idioms import (
                  AFTER_STEP,
                  INIT,
                  NB,
                  SGD,
                  SOLUTION_MSE,
                  SOLUTION_STEP,
)

AS_COLUMN = "test_as_column_turns_any_list_into_a_float32_column"

SOLUTION_AS_COLUMN = "return torch.tensor(values, dtype=torch.float32).reshape(-1, 1)"
SOLUTION_DRAWS = ("    torch.manual_seed(seed)\n"
                  "    W = torch.randn(1, 1, requires_grad=True)\n"
                  "    b = torch.randn(1, requires_grad=True)\n")
WITH_NUMPY = Edit("imports", "import torch", "import numpy as np\nimport torch")

CASES = [
    Case(
        "init_params_with_torch_normal_and_sub_in_place_valid",
        NB,
        (Edit("init-params", SOLUTION_DRAWS,
              "    torch.manual_seed(seed)\n"
              "    # d2l draws its weights with torch.normal(mean, std, size)\n"
              "    W = torch.normal(0, 1, size=(1, 1), requires_grad=True)\n"
              "    b = torch.normal(0, 1, size=(1,), requires_grad=True)\n"),
         Edit("sgd-step", SOLUTION_STEP,
              "    with torch.no_grad():\n        for param in params:\n"
              "            param.sub_(lr * param.grad)\n            param.grad = None\n")),
        why="valid: torch.normal(0, 1, size) draws what torch.randn does; sub_ in place, and "
            "the gradient dropped after the update",
    ),
    Case(
        "as_column_from_a_float32_numpy_array_and_matmul_valid",
        NB,
        (WITH_NUMPY,
         Edit("as-column", SOLUTION_AS_COLUMN,
              "array = np.array(values, dtype=np.float32)\n"
              "    return torch.from_numpy(array).reshape(-1, 1)"),
         Edit("predict-mse", "return X @ W + b", "return torch.matmul(X, W) + b"),
         Edit("predict-mse", SOLUTION_MSE,
              "    return torch.mean(torch.square(y_pred - y))\n")),
        why="valid: a float32 NumPy array through torch.from_numpy; torch.matmul; "
            "torch.square",
    ),
    Case(
        "mse_as_a_sum_over_the_rows_and_add_with_alpha_valid",
        NB,
        (Edit("predict-mse", SOLUTION_MSE,
              "    squared_error = (y_pred - y) ** 2\n"
              "    return squared_error.sum() / len(y)  # N rows, one column\n"),
         Edit("sgd-step", SOLUTION_STEP,
              "    with torch.no_grad():\n        for p in params:\n"
              "            p.add_(p.grad, alpha=-lr)\n")),
        why="valid: the sum divided by the number of rows of an (N, 1) column is the mean; "
            "add_(grad, alpha=-lr) is the same step",
    ),
    Case(
        "as_column_from_a_default_numpy_array",
        NB,
        (WITH_NUMPY,
         Edit("as-column", SOLUTION_AS_COLUMN,
              "return torch.from_numpy(np.array(values)).reshape(-1, 1)")),
        fails={AS_COLUMN: "NumPy arrays hold by default"},
        why="np.array of Python floats is float64, and torch.from_numpy keeps it",
    ),
    Case(
        "init_params_seeded_outside_the_function",
        NB,
        (Edit("init-params", SOLUTION_DRAWS,
              "    W = torch.randn(1, 1, requires_grad=True)\n"
              "    b = torch.randn(1, requires_grad=True)\n"),
         Edit("init-params", "W, b = init_params(0)",
              "torch.manual_seed(0)  # the seed, set before the call\nW, b = init_params(0)")),
        fails={INIT: "torch.manual_seed(seed) inside the function"},
        why="the notebook's own start is the seeded one, but init_params(seed) ignores its "
            "argument: charged once, by init_params's test (the given cells computed their "
            "values consistently from the start the notebook drew)",
    ),
    Case(
        "init_params_never_seeds",
        NB,
        (Edit("init-params", SOLUTION_DRAWS,
              "    W = torch.randn(1, 1, requires_grad=True)\n"
              "    b = torch.randn(1, requires_grad=True)\n"),),
        fails={INIT: "torch.manual_seed(seed) inside the function"},
        why="every call draws other numbers: charged once, by init_params's test (the given "
            "cells are consistent with the start the notebook drew)",
    ),
    Case(
        "sgd_step_updates_without_no_grad",
        NB,
        (Edit("sgd-step", SOLUTION_STEP, "    for p in params:\n        p -= lr * p.grad\n"),),
        fails={
            SGD: "torch.no_grad()",
            # the given cell that calls sgd_step stops with the same error: loss_after_step
            # is never computed, and the message says why
            AFTER_STEP: "torch.no_grad()",
        },
        why="an in-place update of a leaf that requires grad raises RuntimeError",
    ),
    Case(
        "as_column_with_torch_tensor_class_and_unsqueeze_valid",
        NB,
        (Edit("as-column", SOLUTION_AS_COLUMN,
              "return torch.Tensor(values).unsqueeze(1)  # torch.Tensor is float32"),
         Edit("init-params", "W, b = init_params(0)",
              "W, b = init_params(0)\nprint(W.shape, b.shape, W.requires_grad)")),
        why="valid: the torch.Tensor class makes float32 from integers too",
    ),
]
