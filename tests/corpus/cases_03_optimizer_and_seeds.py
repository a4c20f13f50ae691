"""Mistakes and valid alternatives for assignment 3 (lessons 5-6)."""

from tests.corpus.case import Case, Edit

NB = "03_optimizer_and_seeds.ipynb"
LOOP_TEST = "test_sgd_loop_records_a_loss_per_epoch_that_ends_below_1e_5"
PARAMETERS_TEST = "test_trained_W_and_b_are_near_the_reference"
LOOP_STEP = "    optimizer.zero_grad()\n    cost.backward()\n    optimizer.step()\n"
STEP_AT_THE_END = "    cost.backward()\n    optimizer.step()\n    optimizer.zero_grad()\n"
RESET_IN_PLACE = ("    for p in (W, b):\n        if p.grad is not None:\n"
                  "            p.grad.zero_()\n")
SEED_MATCH_TEST = "test_train_from_seed_matches_the_reference"

CASES = [
    Case(
        "sgd_loop_forgets_zero_grad",
        NB,
        (Edit("training-loop", "    optimizer.zero_grad()\n", ""),),
        fails={
            LOOP_TEST: "gradients are never reset",
            PARAMETERS_TEST: "gradients are never reset",
        },
        why="gradients accumulate: the loop lands at cost 19 with W = 3.89",
    ),
    Case(
        "train_step_forgets_zero_grad",
        NB,
        (Edit("train-step", "    optimizer.zero_grad()\n", ""),),
        fails={"test_train_step_resets_gradients_between_calls": "zero_grad"},
        why="the second call steps with the sum of both calls' gradients (train_from_seed "
            "reuses train_step and does the steps asked: not charged again)",
    ),
    Case(
        "sgd_loop_backword_typo",
        NB,
        (Edit("training-loop", "    cost.backward()\n", "    cost.backword()\n"),),
        fails={
            LOOP_TEST: "'Tensor' object has no attribute 'backword'",
            PARAMETERS_TEST: "'Tensor' object has no attribute 'backword'",
        },
        why="the typo from the lecture notes raises AttributeError",
    ),
    Case(
        "sgd_loop_learning_rate_100_times_too_large",
        NB,
        (Edit("training-loop", "lr = 0.01\n", "lr = 1.0\n"),),
        fails={LOOP_TEST: "smaller learning rate", PARAMETERS_TEST: "NaN"},
        why="every step overshoots: the cost explodes to inf, then NaN",
    ),
    Case(
        "sgd_loop_too_few_epochs",
        NB,
        (Edit("training-loop", "epochs = 2000\n", "epochs = 200\n"),),
        fails={LOOP_TEST: "one per epoch", PARAMETERS_TEST: "differs from the reference"},
        why="stops at W = 1.80, cost 0.03",
    ),
    Case(
        "sgd_loop_cell_run_twice",
        NB,
        (Edit("training-loop", new="for epoch in range(epochs):\n"
              "    cost = torch.mean((X_train @ W + b - y_train) ** 2)\n" + LOOP_STEP
              + "    losses.append(cost.item())\n", insert_after=True),),
        fails={LOOP_TEST: "ran twice", PARAMETERS_TEST: "ran twice"},
        why="the hidden-state pitfall behind the lecture's 16.236: the loop ran on",
    ),
    Case(
        "flat_targets_broadcast_in_the_loss",
        NB,
        (Edit("training-data", "y_train = torch.tensor([[2.0], [4.0], [6.0]])",
              "y_train = torch.tensor([2.0, 4.0, 6.0])"),),
        fails={
            "test_training_data_are_the_y_equals_2x_columns": "(3, 1)",
            LOOP_TEST: "broadcast",
            PARAMETERS_TEST: "broadcast",
        },
        why="(3, 1) predictions against (3,) targets: a (3, 3) loss, no error, W ends at 0.01",
    ),
    Case(
        "train_from_seed_does_not_seed",
        NB,
        (Edit("train-from-seed", "    torch.manual_seed(seed)\n", ""),),
        fails={
            "test_train_from_seed_is_identical_for_the_same_seed": "torch.manual_seed(seed)",
            SEED_MATCH_TEST: "differs from the reference",
        },
        why="no seed: every call starts from other random numbers",
    ),
    Case(
        "train_from_seed_seeds_with_a_fixed_number",
        NB,
        (Edit("train-from-seed", "torch.manual_seed(seed)", "torch.manual_seed(3)"),),
        fails={
            "test_train_from_seed_differs_between_seeds": "seed argument is not used",
            SEED_MATCH_TEST: "differs from the reference",
        },
        why="reproducible, but the same run whatever the seed",
    ),
    Case(
        "train_from_seed_draws_with_torch_rand",
        NB,
        (Edit("train-from-seed", "W = torch.randn(1, 1, requires_grad=True)",
              "W = torch.rand(1, 1, requires_grad=True)"),
         Edit("train-from-seed", "b = torch.randn(1, requires_grad=True)",
              "b = torch.rand(1, requires_grad=True)")),
        fails={SEED_MATCH_TEST: "torch.rand start"},
        why="torch.rand draws uniform numbers: another start under the same seed",
    ),
    Case(
        "seeded_draws_hard_codes_the_lecture_numbers",
        NB,
        (Edit("seeded-draws", "    torch.manual_seed(seed)\n"
              "    return [torch.rand(1).item() for _ in range(n)]\n",
              "    return [0.0043, 0.1056]\n"),),
        fails={"test_seeded_draws_follow_the_seed_and_repeat_the_lecture":
               "identical results for seeds 3 and 5"},
        why="numbers copied from the lecture fail on the grader's seeds",
    ),
    Case(
        "seeded_draws_with_torch_randn",
        NB,
        (Edit("seeded-draws", "return [torch.rand(1).item()", "return [torch.randn(1).item()"),),
        fails={"test_seeded_draws_follow_the_seed_and_repeat_the_lecture": "normal distribution"},
        why="the lesson draws uniform numbers with torch.rand",
    ),
    Case(
        "resets_by_hand_with_grad_none_and_zero_valid",
        NB,
        (Edit("training-loop", "    optimizer.zero_grad()\n",
              "    W.grad = None\n    b.grad = None\n"),
         Edit("train-step", "    optimizer.zero_grad()\n", RESET_IN_PLACE)),
        why="valid: param.grad = None and param.grad.zero_() reset like optimizer.zero_grad()",
    ),
    Case(
        "zero_grad_after_step_valid",
        NB,
        (Edit("training-loop", LOOP_STEP, STEP_AT_THE_END),
         Edit("train-step", LOOP_STEP, STEP_AT_THE_END)),
        why="valid: resetting at the end of each step, as one lecture does",
    ),
    Case(
        "float64_and_elementwise_product_valid",
        NB,
        (Edit("training-data", "X_train = torch.tensor([[1.0], [2.0], [3.0]])",
              "X_train = torch.tensor([[1.0], [2.0], [3.0]], dtype=torch.float64)"),
         Edit("training-data", "y_train = torch.tensor([[2.0], [4.0], [6.0]])",
              "y_train = torch.tensor([[2.0], [4.0], [6.0]], dtype=torch.float64)"),
         Edit("training-loop", "W = torch.zeros(1, 1, requires_grad=True)",
              "W = torch.zeros(1, 1, dtype=torch.float64, requires_grad=True)"),
         Edit("training-loop", "b = torch.zeros(1, requires_grad=True)",
              "b = torch.zeros(1, dtype=torch.float64, requires_grad=True)"),
         Edit("training-loop", "(X_train @ W + b - y_train)", "(X_train * W + b - y_train)"),
         # The given demos mix the float64 data with float32 parameters: cast them.
         Edit("train-step", "print([round(train_step(X_train, y_train,",
              "print([round(train_step(X_train.float(), y_train.float(),"),
         Edit("seed-demo", new="X_demo, y_demo = X_train.float(), y_train.float()",
              insert_after=True),
         Edit("train-from-seed", "W_first, b_first, losses_first = train_from_seed(3, X_train, "
              "y_train, 100)", "W_first, b_first, losses_first = train_from_seed(3, X_demo, "
              "y_demo, 100)"),
         Edit("train-from-seed", "W_again, b_again, losses_again = train_from_seed(3, X_train, "
              "y_train, 100)", "W_again, b_again, losses_again = train_from_seed(3, X_demo, "
              "y_demo, 100)"),
         Edit("train-from-seed", "W_other, b_other, losses_other = train_from_seed(5, X_train, "
              "y_train, 100)", "W_other, b_other, losses_other = train_from_seed(5, X_demo, "
              "y_demo, 100)")),
        why="valid: float64 where the lesson does not ask for float32; x * W for a (1, 1) W",
    ),
    Case(
        "seeds_notebook_extra_cells_and_korean_comments_valid",
        NB,
        (Edit("training-loop", new="# 학습 결과: 가중치와 편향\nprint('W =', W, 'b =', b)",
              insert_after=True),
         Edit("train-step", "    cost = torch.mean((X @ W + b - y) ** 2)\n",
              "    # 손실 (loss): 평균 제곱 오차\n    cost = torch.mean((X @ W + b - y) ** 2)\n"),
         Edit("seeded-draws", new="print(seeded_draws(7, 3))  # 시드 7, 세 번", insert_after=True)),
        why="valid: extra cells, prints, comments in any language",
    ),
]
