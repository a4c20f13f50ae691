"""Assignment 5 written as public tutorials write it (valid idioms, and the usual mistakes).

Idioms seen in the lecture notes and NumPy/PyTorch tutorials (torch.column_stack, torch.cat of
a ones column, .view(-1), nn.MSELoss on matching shapes, weight.data assignment), and the usual
slips (a 1/2 in the loss, reduction='sum', x left unsorted, one epoch too many, .squeeze() on
one side only). Written afresh.
"""

from tests.corpus.case import Case, Edit

NB = "05_design_matrix_and_broadcasting.ipynb"
DATA = "test_data_are_the_seeded_lesson_data_with_flat_targets"
LOSS = "test_mse_loss_pairs_each_prediction_with_its_own_target"
TRAINING = "test_training_records_a_loss_per_epoch_that_ends_below_the_threshold"

SOLUTION_DESIGN = "    ones = torch.ones_like(x)\n    return torch.stack([ones, x], dim=1)\n"
SOLUTION_LOSS = "    return ((y_hat.reshape(-1) - y.reshape(-1)) ** 2).mean()\n"

CASES = [
    Case(
        "column_stack_design_matrix_and_view_in_the_loss_valid",
        NB,
        (Edit("design-matrix", SOLUTION_DESIGN,
              "    return torch.column_stack((torch.ones(len(x)), x))\n"),
         Edit("mse-loss", SOLUTION_LOSS,
              "    return ((y_hat.view(-1) - y.view(-1)) ** 2).mean()\n")),
        why="valid: torch.column_stack, .view(-1) on both sides",
    ),
    Case(
        "cat_of_a_ones_column_and_mse_criterion_on_matching_shapes_valid",
        NB,
        (Edit("design-matrix", SOLUTION_DESIGN,
              "    ones = torch.ones(x.shape[0], 1)\n"
              "    return torch.cat([ones, x.unsqueeze(1)], dim=1)\n"),
         Edit("mse-loss", SOLUTION_LOSS,
              "    criterion = nn.MSELoss()\n"
              "    return criterion(y_hat, y.view_as(y_hat))  # (N, 1) against (N, 1)\n")),
        why="valid: torch.cat of a ones column; nn.MSELoss once y has y_hat's shape",
    ),
    Case(
        "weight_set_through_data_and_epochs_from_one_valid",
        NB,
        (Edit("model", "with torch.no_grad():\n"
                       "    model.weight.copy_(torch.tensor([[-5.0, 10.0]]))\n",
              "model.weight.data = torch.tensor([[-5.0, 10.0]])  # 초기 가중치\n"),
         Edit("training", "for epoch in range(epochs):", "for epoch in range(1, epochs + 1):")),
        why="valid: the lecture's weight.data assignment, range(1, epochs + 1)",
    ),
    Case(
        "half_mean_squared_error",
        NB,
        (Edit("mse-loss", SOLUTION_LOSS,
              "    return 0.5 * ((y_hat.reshape(-1) - y.reshape(-1)) ** 2).mean()\n"),),
        fails={LOSS: "half of it"},
        why="a 1/2 in front: half the MSE (the notebook's run uses it consistently: charged "
            "once, by mse_loss's test)",
    ),
    Case(
        "mse_loss_with_reduction_sum",
        NB,
        (Edit("mse-loss", SOLUTION_LOSS,
              "    return torch.nn.functional.mse_loss(y_hat.reshape(-1), y.reshape(-1), "
              "reduction='sum')\n"),),
        fails={LOSS: "sum of the squared errors"},
        why="reduction='sum' makes every step 100 times larger and the run blows up, as it "
            "does with that loss: charged once, by mse_loss's test",
    ),
    Case(
        "x_left_unsorted",
        NB,
        (Edit("data", "x, _ = torch.randn(n).sort()", "x = torch.randn(n)"),),
        fails={DATA: "not sorted"},
        why="the right draws in the drawn order: X's rows differ from the lesson's",
    ),
    Case(
        "training_loop_runs_one_epoch_too_many",
        NB,
        (Edit("training", "for epoch in range(epochs):", "for epoch in range(epochs + 1):"),),
        fails={TRAINING: "one epoch too many"},
        why="101 epochs: the weight has converged, only the loss record's test charges it",
    ),
    Case(
        "mse_loss_squeezes_the_predictions_only",
        NB,
        (Edit("mse-loss", SOLUTION_LOSS, "    return ((y_hat.squeeze() - y) ** 2).mean()\n"),),
        fails={LOSS: "broadcasts to (8, 8)"},
        why="right for (N,) targets, broadcast for (N, 1) ones: (N,) against (N, 1)",
    ),
]
