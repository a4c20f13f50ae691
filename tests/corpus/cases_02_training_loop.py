"""Mistakes and valid alternatives for assignment 2 (lessons 3-4)."""

from tests.corpus.case import Case, Edit

NB = "02_training_loop.ipynb"
RESET_IN_STEP = "    for p in (W, b):\n        if p.grad is not None:\n            p.grad.zero_()\n"

CASES = [
    Case(
        "forgets_to_reset_gradients_in_train_step",
        NB,
        (Edit("train-step", RESET_IN_STEP, ""),),
        fails={
            "test_train_step_resets_gradients_between_calls": "zero_grad",
            "test_train_step_repeated_trains_a_model_on_unseen_data": "",
        },
        why="gradients accumulate across calls",
    ),
    Case(
        "backword_typo_in_the_training_loop",
        NB,
        (Edit("training-loop", "    loss.backward()\n", "    loss.backword()\n"),),
        fails={
            "test_training_loop_records_a_loss_per_epoch_that_ends_below_the_threshold":
                "'Tensor' object has no attribute 'backword'",
            "test_trained_parameters_are_near_the_reference":
                "'Tensor' object has no attribute 'backword'",
        },
        why="the typo from the lecture notes raises AttributeError",
    ),
    Case(
        "forgets_to_reset_gradients_in_the_training_loop",
        NB,
        (Edit("training-loop", "    W.grad.zero_()\n    b.grad.zero_()\n", ""),),
        fails={
            "test_training_loop_records_a_loss_per_epoch_that_ends_below_the_threshold":
                "gradients are never reset",
            "test_trained_parameters_are_near_the_reference": "gradients are never reset",
        },
        why="the loop still runs but lands at loss 27.2",
    ),
    Case(
        "learning_rate_100_times_too_large",
        NB,
        (Edit("training-loop", "lr = 0.01\n", "lr = 1.0\n"),),
        fails={
            "test_training_loop_records_a_loss_per_epoch_that_ends_below_the_threshold":
                "smaller learning rate",
            "test_trained_parameters_are_near_the_reference": "NaN",
        },
        why="diverges",
    ),
    Case(
        "too_few_epochs",
        NB,
        (Edit("training-loop", "epochs = 1000\n", "epochs = 100\n"),),
        fails={
            "test_training_loop_records_a_loss_per_epoch_that_ends_below_the_threshold":
                "one per epoch",
            "test_trained_parameters_are_near_the_reference": "differs from the reference",
        },
        why="stops early",
    ),
    Case(
        "training_cell_run_twice",
        NB,
        (Edit("training-loop", new="for epoch in range(epochs):\n"
              "    loss = mse(predict(X_train, W, b), y_train)\n    loss.backward()\n"
              "    with torch.no_grad():\n        W -= lr * W.grad\n        b -= lr * b.grad\n"
              "    W.grad.zero_()\n    b.grad.zero_()\n    losses.append(loss.item())\n",
              insert_after=True),),
        fails={
            "test_training_loop_records_a_loss_per_epoch_that_ends_below_the_threshold":
                "ran twice",
            "test_trained_parameters_are_near_the_reference": "ran twice",
        },
        why="the hidden-state pitfall: results of a model trained twice",
    ),
    Case(
        "grad_set_to_none_and_optimizer_style_reset_valid",
        NB,
        (Edit("train-step", RESET_IN_STEP, "    W.grad = None\n    b.grad = None\n"),
         Edit("training-loop", "    W.grad.zero_()\n    b.grad.zero_()\n",
              "    W.grad = None\n    b.grad = None\n")),
        why="valid: param.grad = None resets as well as zero_()",
    ),
    Case(
        "update_through_data_valid",
        NB,
        (Edit("training-loop", "    with torch.no_grad():\n        W -= lr * W.grad\n"
              "        b -= lr * b.grad\n",
              "    W.data -= lr * W.grad.data\n    b.data -= lr * b.grad.data\n"),),
        why="valid: updating through .data instead of torch.no_grad()",
    ),
]
