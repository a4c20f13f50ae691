"""Mistakes and valid alternatives for assignment 6 (lesson 10)."""

from tests.corpus.case import Case, Edit

NB = "06_logistic_regression.ipynb"
BCE = "    loss = F.binary_cross_entropy(probabilities, y_train)\n"
LOOP = ("for epoch in range(epochs):\n    probabilities = model(X_train)\n" + BCE
        + "    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\n"
        "    losses.append(loss.item())\n")
PROBABILITIES = "test_trained_model_gives_the_reference_probabilities_on_new_points"
LOSSES = "test_training_records_a_loss_per_epoch_that_ends_below_the_threshold"
CROSS_ENTROPY = "test_trained_model_has_a_low_binary_cross_entropy"

CASES = [
    Case(
        "threshold_not_at_one_half",
        NB,
        (Edit("classes-and-accuracy", "    return (probabilities >= 0.5).float()\n",
              "    return (probabilities >= 0.6).float()\n"),),
        fails={"test_predict_classes_thresholds_probabilities_at_one_half": "exactly 0.5"},
        why="0.6 as the threshold: the six training points still pass, points near 0.5 do not",
    ),
    Case(
        "mse_instead_of_binary_cross_entropy",
        NB,
        (Edit("training", BCE, "    loss = F.mse_loss(probabilities, y_train)\n"),),
        fails={
            PROBABILITIES: "mean squared error of the probabilities",
            CROSS_ENTROPY: "mean squared error of the probabilities",
        },
        scores={CROSS_ENTROPY: 0.9},
        why="MSE trains more slowly: its own loss looks low (0.007), the model's BCE is 0.068 "
            "(45 % of the cross-entropy test's band)",
    ),
    Case(
        "stops_after_100_epochs",
        NB,
        (Edit("training", "epochs = 1000\n", "epochs = 100\n"),),
        fails={
            PROBABILITIES: "runs for 100 epochs",
            LOSSES: "ran 100 epochs",
            CROSS_ENTROPY: "runs for 100 epochs",
        },
        why="stops at loss 0.134 (still 100 % accurate on the six points)",
    ),
    Case(
        "learning_rate_100_times_too_large_saturates",
        NB,
        (Edit("training", "lr = 1.0\n", "lr = 100.0\n"),),
        fails={
            PROBABILITIES: "learning rate is 100",
            LOSSES: "learning rate is 100",
            CROSS_ENTROPY: "learning rate is 100",
        },
        why="the sigmoid saturates: loss 46, half the points misclassified",
    ),
    Case(
        "training_cell_run_twice_doubles_the_epochs",
        NB,
        (Edit("training", new=LOOP, insert_after=True),),
        fails={
            PROBABILITIES: "runs twice",
            LOSSES: "ran twice",
        },
        why="the hidden-state pitfall: a model trained 2000 epochs, 2000 losses",
    ),
    Case(
        "flat_targets",
        NB,
        (Edit("training-data", "y_train = torch.tensor([[0.0], [0.0], [0.0], [1.0], [1.0], [1.0]])",
              "y_train = torch.tensor([0.0, 0.0, 0.0, 1.0, 1.0, 1.0])"),),
        fails={
            "test_training_data_are_the_six_points_in_order": "(6, 1)",
            PROBABILITIES: "different to the input size",
            LOSSES: "different to the input size",
            CROSS_ENTROPY: "different to the input size",
        },
        why="(6,) targets against (6, 1) probabilities: binary_cross_entropy refuses them",
    ),
    Case(
        "forgets_the_sigmoid",
        NB,
        (Edit("model", "model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())",
              "model = nn.Sequential(nn.Linear(2, 1))"),),
        fails={
            PROBABILITIES: "between 0 and 1",
            LOSSES: "between 0 and 1",
            CROSS_ENTROPY: "between 0 and 1",
        },
        why="a linear layer alone gives any real number: binary cross-entropy raises",
    ),
    Case(
        "hard_codes_the_six_predictions_and_the_accuracy",
        NB,
        (Edit("classes-and-accuracy", "    return (probabilities >= 0.5).float()\n",
              "    return torch.tensor([[0.0], [0.0], [0.0], [1.0], [1.0], [1.0]])\n"),
         Edit("classes-and-accuracy", "    return (predictions == targets).float().mean().item()\n",
              "    return 1.0\n")),
        fails={
            "test_predict_classes_thresholds_probabilities_at_one_half": "shape (12, 1)",
            "test_accuracy_is_the_fraction_of_matching_predictions": "differs from the reference",
        },
        why="the lecture's answers copied: right on the six points, wrong on the grader's",
    ),
    Case(
        "accuracy_as_a_percentage",
        NB,
        (Edit("classes-and-accuracy", "    return (predictions == targets).float().mean().item()\n",
              "    return (predictions == targets).float().mean().item() * 100\n"),),
        fails={"test_accuracy_is_the_fraction_of_matching_predictions": "percentage"},
        why="100 instead of 1.0",
    ),
    Case(
        "bce_loss_module_grad_none_and_boolean_classes_valid",
        NB,
        (Edit("training", BCE, "    loss = nn.BCELoss()(probabilities, y_train)\n"),
         Edit("training", "    optimizer.zero_grad()\n",
              "    for p in model.parameters():\n        p.grad = None\n"),
         Edit("classes-and-accuracy", "    return (probabilities >= 0.5).float()\n",
              "    return probabilities >= 0.5\n"),
         Edit("classes-and-accuracy", "    return (predictions == targets).float().mean().item()\n",
              "    return (predictions == targets).sum().item() / len(targets)\n")),
        why="valid: nn.BCELoss, param.grad = None, boolean classes, accuracy by counting",
    ),
    Case(
        "classifier_on_the_available_device_valid",
        NB,
        (Edit("model", "model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())",
              'device = "cuda" if torch.cuda.is_available() else "cpu"\n'
              "X_train, y_train = X_train.to(device), y_train.to(device)\n"
              "model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid()).to(device)"),),
        why="valid: a model on 'cuda' if available, else 'cpu'",
    ),
    Case(
        "float64_classifier_valid",
        NB,
        (Edit("training-data", "[5.0, 3.0], [6.0, 2.0]])",
              "[5.0, 3.0], [6.0, 2.0]],\n                       dtype=torch.float64)"),
         Edit("training-data", "[1.0], [1.0], [1.0]])",
              "[1.0], [1.0], [1.0]], dtype=torch.float64)"),
         Edit("model", "model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())",
              "model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid()).double()")),
        why="valid: float64 throughout (the lesson does not require float32)",
    ),
    Case(
        "unseeded_model_with_extra_cells_valid",
        NB,
        (Edit("model", "torch.manual_seed(1)\n", "# 시드 없이 (no seed)\n"),
         Edit("training", new="print(losses[::100])\n# 학습 완료", insert_after=True),
         Edit("evaluation", new="print(model[0].weight, model[0].bias)", insert_after=True)),
        why="valid: on separable data training lands within 5e-4 of the reference from any start"
            " (the seed keeps a notebook reproducible; the grade does not depend on it); extra"
            " cells, prints, Korean comments",
    ),
]
