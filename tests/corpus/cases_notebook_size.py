"""Code that only works on the notebook's own data: a row count typed in, or read from the
notebook's data inside a function. The grader's inputs of other sizes find it, and the message
says so, with the function, its cell and the line. Written afresh."""

from tests.corpus.case import Case, Edit

NB1 = "01_tensors_and_loss.ipynb"
NB2 = "02_training_loop.ipynb"
NB3 = "03_optimizer_and_seeds.ipynb"
NB5 = "05_design_matrix_and_broadcasting.ipynb"
NB6 = "06_logistic_regression.ipynb"

ONE_STEP_2 = "test_train_step_is_one_step_of_gradient_descent"
ONE_STEP_3 = "test_train_step_is_one_step_of_the_optimizer_it_is_given"

CASES = [
    Case(
        "loss_divided_by_the_row_count_typed_in",
        NB2,
        (Edit("train-step", "    loss = mse(predict(X, W, b), y)\n",
              "    r = predict(X, W, b) - y\n    loss = r.T @ r / 3\n"),),
        fails={ONE_STEP_2: "`loss = r.T @ r / 3`"},
        never_said=("Return loss.item(), the loss computed before the update",),
        why="the issue's example: 4/3 of the MSE on the grader's 4 rows; right on the notebook's 3",
    ),
    Case(
        "loss_divided_by_the_notebooks_own_length",
        NB2,
        (Edit("train-step", "    loss = mse(predict(X, W, b), y)\n",
              "    loss = ((predict(X, W, b) - y) ** 2).sum() / len(X_train)\n"),),
        fails={ONE_STEP_2: "scales with the number of rows"},
        why="len(X_train), the notebook's data, inside a function given other data",
    ),
    Case(
        "optimizer_step_on_a_sum_over_three",
        NB3,
        (Edit("train-step", "    cost = torch.mean((X @ W + b - y) ** 2)\n",
              "    cost = torch.sum((X @ W + b - y) ** 2) / 3\n"),),
        fails={ONE_STEP_3: "scales with the number of rows"},
        why="the same slip with an optimizer: right on y = 2x's three rows only",
    ),
    Case(
        "mse_divided_by_three",
        NB1,
        (Edit("predict-mse", "    return ((y_pred - y) ** 2).mean()\n",
              "    return ((y_pred - y) ** 2).sum() / 3\n"),),
        fails={"test_mse_is_the_mean_of_squared_errors": "in `mse` (code cell 5"},
        why="the study hours have three rows; the grader's tensors have 6, 1, 300 and 4",
    ),
    Case(
        "as_column_reshapes_to_three_rows",
        NB1,
        (Edit("as-column", "    return torch.tensor(values, dtype=torch.float32).reshape(-1, 1)\n",
              "    return torch.tensor(values, dtype=torch.float32).reshape(3, 1)\n"),),
        fails={"test_as_column_turns_any_list_into_a_float32_column":
               "works only on data of the notebook's size"},
        why="reshape(3, 1) raises on four values: the error quotes the notebook's 3",
    ),
    Case(
        "design_matrix_with_a_hundred_ones",
        NB5,
        (Edit("design-matrix", "    ones = torch.ones_like(x)\n", "    ones = torch.ones(100)\n"),),
        fails={"test_design_matrix_puts_a_column_of_ones_before_x":
               "`ones = torch.ones(100)`"},
        why="torch.ones(100) stacks with the notebook's 100 values only",
    ),
    Case(
        "mse_loss_over_a_hundred",
        NB5,
        (Edit("mse-loss", "    return ((y_hat.reshape(-1) - y.reshape(-1)) ** 2).mean()\n",
              "    return ((y_hat.reshape(-1) - y.reshape(-1)) ** 2).sum() / 100\n"),),
        fails={"test_mse_loss_pairs_each_prediction_with_its_own_target":
               "scales with the number of rows"},
        why="the notebook's n = 100 typed into the loss",
    ),
    Case(
        "accuracy_over_six_points",
        NB6,
        (Edit("classes-and-accuracy",
              "    return (predictions == targets).float().mean().item()\n",
              "    return (predictions == targets).float().sum().item() / 6\n"),),
        fails={"test_accuracy_is_the_fraction_of_matching_predictions":
               "scales with the number of rows"},
        why="the six training points typed in: right on them, wrong on 10 predictions",
    ),
    Case(
        "classes_reshaped_to_six_rows",
        NB6,
        (Edit("classes-and-accuracy", "    return (probabilities >= 0.5).float()\n",
              "    return (probabilities >= 0.5).float().reshape(6, 1)\n"),),
        fails={"test_predict_classes_thresholds_probabilities_at_one_half":
               "works only on data of the notebook's size"},
        why="reshape(6, 1) raises on twelve probabilities",
    ),
]
