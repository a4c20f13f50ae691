"""Mistakes and valid alternatives for assignment 5 (lesson 9)."""

from tests.corpus.case import Case, Edit

NB = "05_design_matrix_and_broadcasting.ipynb"
RIGHT_LOSS = "    return ((y_hat.reshape(-1) - y.reshape(-1)) ** 2).mean()\n"
LOOP = ("for epoch in range(epochs):\n    loss = mse_loss(model(X), y)\n"
        "    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\n"
        "    losses.append(loss.item())\n")
TRAINING = "test_training_records_a_loss_per_epoch_that_ends_below_the_threshold"
DESIGN = "test_design_matrix_puts_a_column_of_ones_before_x"
DATA = "test_data_are_the_seeded_lesson_data_with_flat_targets"
LOSS = "test_mse_loss_pairs_each_prediction_with_its_own_target"
INITIAL = "test_initial_loss_is_your_loss_at_the_starting_weight"
WEIGHT = "test_learned_weight_is_that_of_the_lessons_training"

CASES = [
    Case(
        "compares_flat_targets_with_column_predictions",
        NB,
        (Edit("mse-loss", RIGHT_LOSS, "    return ((y_hat - y) ** 2).mean()\n"),),
        fails={LOSS: "broadcasts to (8, 8)"},
        why="y (N,) minus y_hat (N, 1) broadcasts to (N, N): 187.09 instead of 109.81, no error "
            "(charged by mse_loss's test; the notebook's run uses it as written)",
    ),
    Case(
        "f_mse_loss_on_mismatched_shapes",
        NB,
        (Edit("mse-loss", RIGHT_LOSS,
              "    return torch.nn.functional.mse_loss(y_hat, y)\n"),),
        fails={LOSS: "F.mse_loss only warns"},
        why="F.mse_loss broadcasts too (only a UserWarning on stderr, which decides nothing)",
    ),
    Case(
        "no_seed_for_the_data",
        NB,
        (Edit("data", "torch.manual_seed(202150754)\n", ""),),
        fails={DATA: "torch.manual_seed(202150754)"},
        why="unseeded draws: other data (the run on them is right: charged once)",
    ),
    Case(
        "draws_x_with_torch_rand",
        NB,
        (Edit("data", "x, _ = torch.randn(n).sort()", "x, _ = torch.rand(n).sort()"),),
        fails={DATA: "torch.rand's draws"},
        why="torch.rand is uniform on [0, 1): other x under the same seed (100 epochs on them "
            "end at loss 0.62, as the lesson's loop does on those data: charged once)",
    ),
    Case(
        "design_matrix_not_transposed",
        NB,
        (Edit("design-matrix", "    return torch.stack([ones, x], dim=1)\n",
              "    return torch.vstack([ones, x])\n"),),
        fails={
            DESIGN: "transposed",
            # X @ W_true, then model(X), raise and name the shape (2x100)
            DATA: "2x100",
            INITIAL: "2x100",
            TRAINING: "2x100",
            WEIGHT: "2x100",
        },
        why="(2, N) instead of (N, 2): X @ W_true fails, and everything after it",
    ),
    Case(
        "ones_column_last",
        NB,
        (Edit("design-matrix", "    return torch.stack([ones, x], dim=1)\n",
              "    return torch.stack([x, ones], dim=1)\n"),),
        fails={DESIGN: "swapped"},
        why="[x, 1] instead of [1, x]: the weights trade places (the data and the run follow "
            "from design_matrix: charged once)",
    ),
    Case(
        "hard_codes_the_lecture_loss",
        NB,
        (Edit("mse-loss", RIGHT_LOSS, "    return torch.tensor(109.81)\n"),),
        fails={
            LOSS: "differs from the reference",
            TRAINING: "does not require grad",
            WEIGHT: "does not require grad",
        },
        why="a number copied from the lecture fails on the grader's inputs, and cannot train",
    ),
    Case(
        "stops_after_10_epochs",
        NB,
        (Edit("training", "epochs = 100\n", "epochs = 10\n"),),
        fails={TRAINING: "ran 10 epochs", WEIGHT: "runs for 10 epochs"},
        why="stops at [1.94, 4.31], far from [2.52, 3.99]",
    ),
    Case(
        "learning_rate_100_times_too_large_diverges",
        NB,
        (Edit("training", "lr = 0.1\n", "lr = 10.0\n"),),
        fails={TRAINING: "smaller learning rate", WEIGHT: "NaN"},
        why="diverges to NaN",
    ),
    Case(
        "training_cell_run_twice_after_converging",
        NB,
        (Edit("training", new=LOOP, insert_after=True),),
        fails={TRAINING: "ran twice"},
        why="the hidden-state pitfall: twice the losses (the weight had already converged)",
    ),
    Case(
        "grad_set_to_none_and_vstack_transpose_valid",
        NB,
        (Edit("design-matrix", "    ones = torch.ones_like(x)\n"
              "    return torch.stack([ones, x], dim=1)\n",
              "    return torch.vstack([torch.ones(len(x)), x]).T\n"),
         Edit("training", "    optimizer.zero_grad()\n",
              "    for p in model.parameters():\n        p.grad = None\n")),
        why="valid: the lecture's vstack(...).T, and param.grad = None instead of zero_grad()",
    ),
    Case(
        "linear_model_on_the_available_device_valid",
        NB,
        (Edit("model", "model = nn.Linear(2, 1, bias=False)\n",
              'device = "cuda" if torch.cuda.is_available() else "cpu"\n'
              "X, y = X.to(device), y.to(device)\n"
              "model = nn.Linear(2, 1, bias=False).to(device)\n"),
         Edit("model", "    model.weight.copy_(torch.tensor([[-5.0, 10.0]]))",
              "    model.weight.copy_(torch.tensor([[-5.0, 10.0]], device=device))")),
        why="valid: a model on 'cuda' if available, else 'cpu'",
    ),
    Case(
        "float64_design_matrix_and_model_valid",
        NB,
        (Edit("data", "X = design_matrix(x)\n", "X = design_matrix(x).double()\n"),
         Edit("data", "W_true = torch.tensor([2.5, 4.0])",
              "W_true = torch.tensor([2.5, 4.0], dtype=torch.float64)"),
         Edit("model", "model = nn.Linear(2, 1, bias=False)\n",
              "model = nn.Linear(2, 1, bias=False).double()\n")),
        why="valid: float64 throughout (the lesson does not require float32)",
    ),
    Case(
        "f_mse_loss_on_flattened_shapes_with_extra_cells_valid",
        NB,
        (Edit("mse-loss", RIGHT_LOSS,
              "    # 모양을 맞춘다: (N, 1) -> (N,)\n"
              "    return torch.nn.functional.mse_loss(y_hat.squeeze(1), y.reshape(-1))\n"),
         Edit("broadcast-demo", new="# 브로드캐스팅 확인\nprint((y - y_hat).shape, y.mean())",
              insert_after=True),
         Edit("training", new="print(losses[:3], model.weight)", insert_after=True)),
        why="valid: F.mse_loss once shapes match; extra cells, prints, Korean comments",
    ),
]
