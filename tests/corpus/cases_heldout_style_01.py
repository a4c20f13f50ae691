"""Assignment 1 in the shapes held-out submissions take: NumPy data cast back to float32, the
official tutorials' `.data` updates and `p.grad = None`, torch.addmm and torch.mm, a bias
repeated to the notebook's three rows, d2l's `/ batch_size` in the step, `.item()` inside the
loss. Written afresh; each case also names causes a careless grader would wrongly give.
"""

from tests.corpus.case import Case, Edit
from tests.corpus.cases_01_idioms import (
    AFTER_STEP,
    INIT,
    INITIAL,
    MSE,
    NB,
    PREDICT,
    SGD,
    SOLUTION_DATA,
    SOLUTION_MSE,
    SOLUTION_STEP,
)

AS_COLUMN = "test_as_column_turns_any_list_into_a_float32_column"
SOLUTION_AS_COLUMN = "return torch.tensor(values, dtype=torch.float32).reshape(-1, 1)"
SOLUTION_PREDICT = "    return X @ W + b\n"
SOLUTION_DRAWS = ("    W = torch.randn(1, 1, requires_grad=True)\n"
                  "    b = torch.randn(1, requires_grad=True)\n")
WITH_NUMPY_AND_F = Edit("imports", "import torch",
                        "import numpy as np\nimport torch\nimport torch.nn.functional as F")

CASES = [
    Case(
        "float64_arrays_cast_back_torch_mm_and_functional_mse_valid",
        NB,
        (WITH_NUMPY_AND_F,
         Edit("training-data", SOLUTION_DATA,
              "hours = np.array([[1], [2], [3]], dtype=np.float64)\n"
              "scores = np.array([[20], [40], [60]], dtype=np.float64)\n"
              "X_train = torch.from_numpy(hours).float()  # float64 -> float32\n"
              "y_train = torch.tensor(scores).to(torch.float32)\n"),
         Edit("predict-mse", SOLUTION_PREDICT, "    return torch.mm(X, W) + b\n"),
         Edit("predict-mse", SOLUTION_MSE, "    return F.mse_loss(y_pred, y)\n")),
        why="valid: NumPy's float64 converted back to float32, torch.mm, F.mse_loss",
    ),
    Case(
        "official_tutorial_data_updates_and_grad_none_valid",
        NB,
        (Edit("as-column", SOLUTION_AS_COLUMN,
              "return torch.FloatTensor(values).view(len(values), 1)"),
         Edit("predict-mse", SOLUTION_MSE, "    return torch.nn.MSELoss()(y_pred, y)\n"),
         Edit("sgd-step", SOLUTION_STEP,
              "    for p in params:\n"
              "        p.data = p.data - lr * p.grad.data  # .data: autograd does not see it\n"
              "        p.grad = None\n")),
        why="valid: assigning p.data keeps the same tensor (the list's W and b move); "
            "dropping the gradient after the update is allowed",
    ),
    Case(
        "addmm_prediction_requires_grad_after_drawing_and_sum_over_numel_valid",
        NB,
        (Edit("init-params", SOLUTION_DRAWS,
              "    W = torch.randn(1, 1)\n    W.requires_grad_()\n"
              "    b = torch.randn(1)\n    b.requires_grad = True\n"),
         Edit("predict-mse", SOLUTION_PREDICT, "    return torch.addmm(b, X, W)  # b + X @ W\n"),
         Edit("predict-mse", SOLUTION_MSE,
              "    diff = y_pred - y\n    return (diff * diff).sum() / diff.numel()\n")),
        why="valid: requires_grad set after the draw, torch.addmm, a sum over numel() is the "
            "mean",
    ),
    Case(
        "sgd_step_divides_by_the_batch_size_as_d2l_does",
        NB,
        (Edit("sgd-step", "def sgd_step(params, lr):", "def sgd_step(params, lr, batch_size=3):"),
         Edit("sgd-step", SOLUTION_STEP,
              "    with torch.no_grad():\n        for param in params:\n"
              "            param -= lr * param.grad / batch_size\n")),
        fails={SGD: "as if divided by 3"},
        never_said=("did not move", "along its gradient", "typed in", "not implemented"),
        why="d2l's step divides by the batch size (its loss is a sum); here the loss is a mean: "
            "a third of the step, charged by sgd_step's test only (the given cells replay it)",
    ),
    Case(
        "mse_returns_a_python_number",
        NB,
        (Edit("predict-mse", SOLUTION_MSE, "    return ((y_pred - y) ** 2).mean().item()\n"),),
        fails={
            MSE: "Do not call .item() inside the loss function",
            # the given cells call .item() and backward() on what mse returns: they stop
            INITIAL: "'float' object has no attribute 'item'",
            AFTER_STEP: "code cell 6 (`loss = mse(predict(X_train, W, b), y_train)`) failed",
        },
        never_said=("not implemented", "half", "sum of the squared"),
        why=".item() in the loss function: a number, not a tensor backward() can use",
    ),
    Case(
        "bias_drawn_as_a_one_by_one_matrix",
        NB,
        (Edit("init-params", SOLUTION_DRAWS,
              "    W = torch.randn(1, 1, requires_grad=True)\n"
              "    b = torch.randn(1, 1, requires_grad=True)\n"),),
        fails={INIT: "(1, 1)"},
        never_said=("torch.rand gives", "drawing b before W", "manual_seed(seed) inside"),
        why="the same draws in the wrong shape: only the shape is wrong, and only init_params's "
            "test owns it",
    ),
    Case(
        "bias_drawn_first_and_subtracted",
        NB,
        (Edit("init-params", SOLUTION_DRAWS,
              "    b = torch.randn(1, requires_grad=True)\n"
              "    W = torch.randn(1, 1, requires_grad=True)\n"),
         Edit("predict-mse", SOLUTION_PREDICT, "    return X @ W - b\n")),
        fails={INIT: "drawing b before W", PREDICT: "X @ W - b"},
        never_said=("torch.rand gives", "without the bias"),
        why="two mistakes, each charged once by its own test; the given cells replay the "
            "student's own functions and pass",
    ),
    Case(
        "bias_repeated_to_the_notebooks_three_rows",
        NB,
        (Edit("predict-mse", SOLUTION_PREDICT, "    return X @ W + b.repeat(3, 1)\n"),),
        fails={PREDICT: "`return X @ W + b.repeat(3, 1)`"},
        never_said=("without the bias", "X @ W - b"),
        why="the bias copied once per row of the study hours: works on three rows only",
    ),
    Case(
        "as_column_keeps_integers_as_int64",
        NB,
        (Edit("as-column", SOLUTION_AS_COLUMN, "return torch.tensor(values).view(-1, 1)"),),
        fails={AS_COLUMN: "int64"},
        never_said=("works only on data of the notebook's size",),
        why="torch.tensor of Python integers is int64; float32 is asked for",
    ),
    Case(
        "backward_also_called_in_the_initial_loss_cell",
        NB,
        (Edit("initial-loss", "initial_loss = loss.item()\n",
              "initial_loss = loss.item()\nloss.backward(retain_graph=True)  # gradients now\n"),),
        fails={INITIAL: "backward() ran twice"},
        never_said=("not implemented", "learning rate"),
        why="backward() once here and once in the gradients cell: the gradients are doubled "
            "(the step that follows uses them: the test of the step compares with one from "
            "the notebook's own gradients)",
    ),
]
