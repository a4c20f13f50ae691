"""Mistakes and valid alternatives for assignment 4 (lessons 7-8)."""

from tests.corpus.case import Case, Edit

NB = "04_multiple_outputs_and_nn_linear.ipynb"
START_TEST = "test_weight_and_bias_have_one_column_per_fruit_and_a_seeded_start"
FRUIT_LOSS_TEST = "test_fruit_training_records_a_loss_per_epoch_that_ends_below_1"
FRUIT_PARAMETERS_TEST = "test_trained_weight_and_bias_are_those_of_the_lessons_training"
FRAME_TEST = "test_predictions_is_a_dataframe_with_a_column_per_fruit"
FRAME_VALUES_TEST = "test_predictions_are_the_trained_models_outputs"
FIT_LINEAR_TEST = "test_fit_trains_a_graders_linear_model_like_the_reference"
FIT_ANY_TEST = "test_fit_trains_any_model_with_the_loss_and_optimizer_it_is_given"
SEED_777_TEST = "test_linear_model_is_nn_linear_1_1_started_from_seed_777"
LINE_TEST = "test_linear_model_is_trained_by_fit_as_asked_and_predicts_at_4"

FRUIT_UPDATE = ("    with torch.no_grad():\n        weight -= lr * weight.grad\n"
                "        bias -= lr * bias.grad\n")
FRUIT_RESET = "    weight.grad.zero_()\n    bias.grad.zero_()\n"
FRUIT_LOOP = ("for epoch in range(epochs):\n"
              "    loss = torch.mean((X_fruit @ weight + bias - y_fruit) ** 2)\n"
              "    loss.backward()\n" + FRUIT_UPDATE + FRUIT_RESET
              + "    fruit_losses.append(loss.item())\n")
FIT_STEP = "        optimizer.zero_grad()\n        loss.backward()\n        optimizer.step()\n"
FIT_STEP_AT_THE_END = ("        loss.backward()\n        optimizer.step()\n"
                       "        optimizer.zero_grad()\n")

CASES = [
    Case(
        "weight_transposed_as_in_the_lecture_text",
        NB,
        (Edit("fruit-params", "weight = torch.randn(3, 2, requires_grad=True)",
              "weight = torch.randn(2, 3, requires_grad=True)"),),
        fails={
            START_TEST: "dimensions are swapped",
            # X (5, 3) @ weight (2, 3) raises: the cells that train and predict say why.
            FRUIT_LOSS_TEST: "mat1 and mat2 shapes cannot be multiplied",
            FRUIT_PARAMETERS_TEST: "mat1 and mat2 shapes cannot be multiplied",
            FRAME_TEST: "mat1 and mat2 shapes cannot be multiplied",
            FRAME_VALUES_TEST: "mat1 and mat2 shapes cannot be multiplied",
        },
        why="one lecture text gives the weight as (2, 3), nn.Linear's layout",
    ),
    Case(
        "bias_as_a_row_instead_of_a_vector",
        NB,
        (Edit("fruit-params", "bias = torch.randn(2, requires_grad=True)",
              "bias = torch.randn(1, 2, requires_grad=True)"),),
        fails={START_TEST: "should have shape (2,)"},
        why="(1, 2) broadcasts to the same predictions, but is not the shape asked for",
    ),
    Case(
        "fruit_start_drawn_with_torch_rand",
        NB,
        (Edit("fruit-params", "weight = torch.randn(3, 2, requires_grad=True)",
              "weight = torch.rand(3, 2, requires_grad=True)"),
         Edit("fruit-params", "bias = torch.randn(2, requires_grad=True)",
              "bias = torch.rand(2, requires_grad=True)")),
        fails={START_TEST: "torch.rand draws uniformly"},
        why="torch.rand draws uniform numbers: another start under the same seed (trained "
            "correctly from it, and predicted from: charged once)",
    ),
    Case(
        "fruit_learning_rate_100_times_too_large",
        NB,
        (Edit("fruit-training", "lr = 1e-5\n", "lr = 1e-3\n"),),
        fails={FRUIT_LOSS_TEST: "smaller learning rate", FRUIT_PARAMETERS_TEST: "NaN"},
        why="inputs in the hundreds: lr 1e-3 overshoots and the loss explodes",
    ),
    Case(
        "fruit_training_too_few_epochs",
        NB,
        (Edit("fruit-training", "epochs = 5000\n", "epochs = 500\n"),),
        fails={FRUIT_LOSS_TEST: "runs for 500 epochs",
               FRUIT_PARAMETERS_TEST: "runs for 500 epochs"},
        why="stops at loss 40 (the predictions are still the model's own: not charged)",
    ),
    Case(
        "fruit_training_forgets_to_reset_gradients",
        NB,
        (Edit("fruit-training", FRUIT_RESET, ""),),
        fails={
            FRUIT_LOSS_TEST: "gradients are never reset",
            FRUIT_PARAMETERS_TEST: "gradients are never reset",
        },
        why="gradients accumulate: the loss ends at 378",
    ),
    Case(
        "fruit_training_cell_run_twice",
        NB,
        (Edit("fruit-training", new=FRUIT_LOOP, insert_after=True),),
        fails={FRUIT_LOSS_TEST: "ran twice", FRUIT_PARAMETERS_TEST: "ran twice"},
        why="the hidden-state pitfall: 10000 epochs reported as 5000",
    ),
    Case(
        "predictions_copy_the_targets",
        NB,
        (Edit("predictions", "pd.DataFrame(fruit_pred.detach().numpy()",
              "pd.DataFrame(y_fruit.numpy()"),),
        fails={FRAME_VALUES_TEST: "targets"},
        why="a table of the true harvests instead of the model's predictions",
    ),
    Case(
        "predictions_without_column_names",
        NB,
        (Edit("predictions", ', columns=["apples", "oranges"]', ""),),
        fails={FRAME_TEST: "pass columns="},
        why="pandas numbers the columns 0 and 1 when they are not named",
    ),
    Case(
        "fit_trains_on_the_notebooks_data",
        NB,
        (Edit("fit", "        loss = loss_fn(model(X), y)\n",
              "        loss = loss_fn(model(x_train), y_train)\n"),),
        fails={FIT_LINEAR_TEST: "use its arguments", FIT_ANY_TEST: "use its arguments"},
        why="the lecture's fit read notebook variables: it cannot train another model",
    ),
    Case(
        "fit_forgets_zero_grad",
        NB,
        (Edit("fit", "        optimizer.zero_grad()\n", ""),),
        fails={FIT_LINEAR_TEST: "optimizer.zero_grad()"},
        why="gradients accumulate in every model fit trains (charged once: fit still uses "
            "what it is given, and the line is trained by it as asked)",
    ),
    Case(
        "fit_ignores_the_loss_function_it_is_given",
        NB,
        (Edit("fit", "        loss = loss_fn(model(X), y)\n",
              "        loss = F.mse_loss(model(X), y)\n"),),
        fails={FIT_ANY_TEST: "F.l1_loss"},
        why="always the MSE, whatever loss_fn is passed",
    ),
    Case(
        "fit_makes_an_optimizer_of_its_own",
        NB,
        (Edit("fit", "    losses = []\n",
              "    losses = []\n    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)\n"),),
        fails={FIT_LINEAR_TEST: "not one of its own", FIT_ANY_TEST: "Adam"},
        why="the optimizer passed in (its kind, its learning rate) is ignored",
    ),
    Case(
        "nn_linear_created_without_the_seed",
        NB,
        (Edit("line-model", "torch.manual_seed(777)\n", ""),),
        fails={SEED_777_TEST: "torch.manual_seed(777)"},
        why="nn.Linear starts from whatever the generator holds: not -0.8362, -0.0177",
    ),
    Case(
        "flat_targets_broadcast_in_mse_loss",
        NB,
        (Edit("line-data", "y_train = torch.tensor([[2.0], [4.0], [6.0]])",
              "y_train = torch.tensor([2.0, 4.0, 6.0])"),),
        fails={LINE_TEST: "broadcast"},
        why="F.mse_loss of (3, 1) against (3,) only warns; the model learns y = 4",
    ),
    Case(
        "data_updates_and_grad_none_valid",
        NB,
        (Edit("fruit-training", FRUIT_UPDATE,
              "    weight.data = weight.data - weight.grad * lr\n"
              "    bias.data = bias.data - bias.grad * lr\n"),
         Edit("fruit-training", FRUIT_RESET, "    weight.grad = None\n    bias.grad = None\n"),
         Edit("fit", "        optimizer.zero_grad()\n",
              "        for p in model.parameters():\n            p.grad = None\n")),
        why="valid: the lecture's .data update, and param.grad = None instead of zero_grad()",
    ),
    Case(
        "sgd_for_the_fruit_and_zero_grad_after_step_valid",
        NB,
        (Edit("fruit-training", "fruit_losses = []\n",
              "fruit_losses = []\noptimizer = torch.optim.SGD([weight, bias], lr=lr)\n"),
         Edit("fruit-training", "    loss.backward()\n" + FRUIT_UPDATE + FRUIT_RESET,
              "    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\n"),
         Edit("fit", FIT_STEP, FIT_STEP_AT_THE_END)),
        why="valid: an optimizer for lesson 7, and resetting at the end of each step in fit",
    ),
    Case(
        "model_on_cuda_if_available_valid",
        NB,
        (Edit("line-model", "model = nn.Linear(1, 1)\n",
              'device = "cuda" if torch.cuda.is_available() else "cpu"\n'
              "model = nn.Linear(1, 1).to(device)\n"),
         Edit("fit", "    losses = []\n",
              "    losses = []\n    device = next(model.parameters()).device\n"
              "    X, y = X.to(device), y.to(device)\n"),
         Edit("line-prediction", "model(torch.tensor([[4.0]]))",
              "model(torch.tensor([[4.0]], device=device))")),
        why="valid: device-agnostic code (on the grader's CPU it runs on the CPU)",
    ),
    Case(
        "float64_everywhere_valid",
        NB,
        (Edit("fruit-data", "[69, 96, 70]], dtype=torch.float32)",
              "[69, 96, 70]], dtype=torch.float64)"),
         Edit("fruit-data", "[103, 119]], dtype=torch.float32)",
              "[103, 119]], dtype=torch.float64)"),
         Edit("fruit-params", "torch.randn(3, 2, requires_grad=True)",
              "torch.randn(3, 2, dtype=torch.float64, requires_grad=True)"),
         Edit("fruit-params", "torch.randn(2, requires_grad=True)",
              "torch.randn(2, dtype=torch.float64, requires_grad=True)"),
         Edit("line-data", "x_train = torch.tensor([[1.0], [2.0], [3.0]])",
              "x_train = torch.tensor([[1.0], [2.0], [3.0]], dtype=torch.float64)"),
         Edit("line-data", "y_train = torch.tensor([[2.0], [4.0], [6.0]])",
              "y_train = torch.tensor([[2.0], [4.0], [6.0]], dtype=torch.float64)"),
         Edit("line-model", "model = nn.Linear(1, 1)\n", "model = nn.Linear(1, 1).double()\n"),
         Edit("line-prediction", "torch.tensor([[4.0]])",
              "torch.tensor([[4.0]], dtype=torch.float64)")),
        why="valid: float64 where the lessons do not ask for float32",
    ),
    Case(
        "fruit_and_fit_extra_cells_and_korean_comments_valid",
        NB,
        (Edit("fruit-training", new="# 사과와 오렌지: 학습 결과\nprint(weight, bias)",
              insert_after=True),
         Edit("fit", "        loss = loss_fn(model(X), y)\n",
              "        # 1. 추론  2. 손실 계산\n        loss = loss_fn(model(X), y)\n"),
         Edit("line-prediction", new="print('예측값:', prediction_at_4)", insert_after=True)),
        why="valid: extra cells, prints, comments in any language",
    ),
]
