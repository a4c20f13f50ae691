"""Assignment 1 written as public tutorials write it: their valid idioms keep full marks, their
usual mistakes cost the points of the one test that owns them, with a message naming the cause.

Idioms seen in the Korean study notes (torch.FloatTensor data, hypothesis = x_train * W + b,
torch.mean((hypothesis - y_train) ** 2)), in d2l (a squared loss with a 1/2, an sgd() that
zeroes each gradient after its update) and in the PyTorch docs (F.mse_loss, nn.MSELoss). The code
is written afresh for this course.
"""

from tests.corpus.case import Case, Edit

NB = "01_tensors_and_loss.ipynb"
DATA = "test_training_data_are_float32_columns_in_the_given_order"
INIT = "test_init_params_draws_seeded_standard_normal_parameters"
PREDICT = "test_predict_is_the_linear_model_on_the_graders_inputs"
MSE = "test_mse_is_the_mean_of_squared_errors"
INITIAL = "test_initial_loss_and_its_gradients_are_those_of_your_functions"
SGD = "test_sgd_step_moves_each_parameter_against_its_gradient"
AFTER_STEP = "test_one_step_lowers_the_loss_as_your_functions_do"

SOLUTION_DATA = ("X_train = torch.tensor([[1.0], [2.0], [3.0]])\n"
                 "y_train = torch.tensor([[20.0], [40.0], [60.0]])\n")
SOLUTION_MSE = "    return ((y_pred - y) ** 2).mean()\n"
SOLUTION_STEP = ("    with torch.no_grad():\n        for p in params:\n"
                 "            p -= lr * p.grad\n")
WITH_F = Edit("imports", "import torch", "import torch\nimport torch.nn.functional as F")

CASES = [
    Case(
        "float_tensor_data_and_matmul_as_in_the_study_notes_valid",
        NB,
        (Edit("training-data", SOLUTION_DATA,
              "# 공부 시간과 점수 (hours and scores)\n"
              "X_train = torch.FloatTensor([[1], [2], [3]])\n"
              "y_train = torch.FloatTensor([[20], [40], [60]])\n"),
         Edit("as-column", "return torch.tensor(values, dtype=torch.float32).reshape(-1, 1)",
              "return torch.FloatTensor(values).view(-1, 1)"),
         Edit("predict-mse", "return X @ W + b", "return X.matmul(W) + b"),
         Edit("predict-mse", SOLUTION_MSE, "    return torch.mean((y_pred - y) ** 2)\n")),
        why="valid: torch.FloatTensor, .view(-1, 1), X.matmul(W), torch.mean(...)",
    ),
    Case(
        "hypothesis_as_x_times_W_and_f_mse_loss_valid",
        NB,
        (WITH_F,
         Edit("predict-mse", "return X @ W + b", "return X * W + b  # W is (1, 1): same as X @ W"),
         Edit("predict-mse", SOLUTION_MSE, "    return F.mse_loss(y_pred, y)\n")),
        why="valid: the notes' hypothesis x_train * W + b (one feature), F.mse_loss",
    ),
    Case(
        "nn_mse_loss_module_and_requires_grad_after_drawing_valid",
        NB,
        (Edit("imports", "import torch", "import torch\nfrom torch import nn"),
         Edit("init-params", "W = torch.randn(1, 1, requires_grad=True)",
              "W = torch.randn(1, 1).requires_grad_()"),
         Edit("init-params", "b = torch.randn(1, requires_grad=True)",
              "b = torch.randn(1).requires_grad_()"),
         Edit("predict-mse", SOLUTION_MSE, "    criterion = nn.MSELoss()\n"
                                           "    return criterion(y_pred, y)\n")),
        why="valid: nn.MSELoss() as a criterion, .requires_grad_() after drawing",
    ),
    Case(
        "sgd_step_zeroes_each_gradient_after_its_update_valid",
        NB,
        (Edit("sgd-step", SOLUTION_STEP,
              "    with torch.no_grad():\n        for param in params:\n"
              "            param -= lr * param.grad\n            param.grad.zero_()\n"),
         Edit("as-column", "return torch.tensor(values, dtype=torch.float32).reshape(-1, 1)",
              "return torch.tensor(values, dtype=torch.float32).unsqueeze(1)")),
        why="valid: d2l's sgd() resets each gradient right after using it",
    ),
    Case(
        "half_mean_squared_error_as_in_d2l",
        NB,
        (Edit("predict-mse", SOLUTION_MSE, "    return ((y_pred - y) ** 2 / 2).mean()\n"),),
        fails={MSE: "half of it"},
        why="d2l's squared loss carries a 1/2: half the MSE (the initial loss and the step that "
            "use it are consistent with it: charged once)",
    ),
    Case(
        "mse_with_reduction_sum",
        NB,
        (WITH_F,
         Edit("predict-mse", SOLUTION_MSE, "    return F.mse_loss(y_pred, y, reduction='sum')\n")),
        fails={MSE: "sum of the squared errors"},
        why="reduction='sum' adds the squared errors instead of averaging them",
    ),
    Case(
        "flat_target_column_from_float_tensor",
        NB,
        (Edit("training-data", "y_train = torch.tensor([[20.0], [40.0], [60.0]])",
              "y_train = torch.FloatTensor([20, 40, 60])"),),
        fails={DATA: "broadcasts to (3, 3)"},
        why="(3,) targets against (3, 1) predictions: the loss broadcasts; the data test names it "
            "and the later cells are not blamed on the learning rate",
    ),
    Case(
        "float16_data_from_rounding_a_numpy_array",
        NB,
        (Edit("training-data", SOLUTION_DATA,
              "import numpy as np\n"
              "hours = np.round(np.array([[1.0], [2.0], [3.0]]), 1).astype(np.float16)\n"
              "X_train = torch.from_numpy(hours)\n"
              "y_train = torch.tensor([[20.0], [40.0], [60.0]])\n"),),
        fails={
            DATA: "half precision",
            # float16 @ float32 raises in the given cells that use the data
            INITIAL: "same float type",
            AFTER_STEP: "failed before it",
        },
        why="an array rounded and stored as float16 becomes a float16 tensor",
    ),
    Case(
        "init_params_draws_b_before_W",
        NB,
        (Edit("init-params", "    W = torch.randn(1, 1, requires_grad=True)\n"
                             "    b = torch.randn(1, requires_grad=True)\n",
              "    b = torch.randn(1, requires_grad=True)\n"
              "    W = torch.randn(1, 1, requires_grad=True)\n"),),
        fails={INIT: "drawing b before W"},
        why="random draws come in order: b first gives W and b other values (charged once)",
    ),
    Case(
        "predict_forgets_the_bias",
        NB,
        (Edit("predict-mse", "return X @ W + b", "return X @ W"),),
        fails={
            PREDICT: "without the bias",
            # b is left out of the loss: b.grad stays None, and the given cells that use it fail
            INITIAL: "left out of the prediction",
            AFTER_STEP: "failed before it",
        },
        why="X @ W alone: the line through the origin, and b never gets a gradient",
    ),
    Case(
        "sgd_step_rebinds_the_name_instead_of_updating",
        NB,
        (Edit("sgd-step", SOLUTION_STEP,
              "    for p in params:\n        p = p - lr * p.grad  # a new tensor\n"),),
        fails={SGD: "did not move"},
        why="p = p - lr * p.grad makes a new tensor and leaves W and b as they were",
    ),
]
