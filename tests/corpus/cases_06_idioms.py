"""Assignment 6 written as public tutorials write it (valid idioms, and the usual mistakes).

Idioms seen in the Korean study notes (class BinaryClassifier(nn.Module) with a sigmoid,
`prediction = hypothesis >= torch.FloatTensor([0.5])`, accuracy as correct.sum().item() /
len(correct), a binary cross-entropy written with torch.log), in the PyTorch docs (BCEWithLogits
for a model without a sigmoid) and in blog posts (torch.round for classes, `> 0.5`, a sigmoid
in the loop rather than in the model). Written afresh.
"""

from tests.corpus.case import Case, Edit

NB = "06_logistic_regression.ipynb"
PROBABILITIES = "test_trained_model_gives_the_reference_probabilities_on_new_points"
LOSSES = "test_training_records_a_loss_per_epoch_that_ends_below_the_threshold"
CROSS_ENTROPY = "test_trained_model_has_a_low_binary_cross_entropy"
CLASSES = "test_predict_classes_thresholds_probabilities_at_one_half"
ACCURACY = "test_accuracy_is_the_fraction_of_matching_predictions"

SOLUTION_MODEL = "model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())"
SOLUTION_LOOP = """for epoch in range(epochs):
    probabilities = model(X_train)
    loss = F.binary_cross_entropy(probabilities, y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
"""
SOLUTION_CLASSES = "    return (probabilities >= 0.5).float()\n"
SOLUTION_ACCURACY = "    return (predictions == targets).float().mean().item()\n"

CASES = [
    Case(
        "binary_classifier_module_with_a_sigmoid_layer_valid",
        NB,
        (Edit("model", SOLUTION_MODEL, """class BinaryClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        return self.sigmoid(self.linear(x))


model = BinaryClassifier()"""),),
        why="valid: the study notes' nn.Module subclass instead of nn.Sequential",
    ),
    Case(
        "torch_sigmoid_in_forward_and_cross_entropy_by_hand_valid",
        NB,
        (Edit("model", SOLUTION_MODEL, """class LogisticRegression(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, x):
        return torch.sigmoid(self.linear(x))


model = LogisticRegression()"""),
         Edit("training", "    loss = F.binary_cross_entropy(probabilities, y_train)\n",
              "    loss = -(y_train * torch.log(probabilities)\n"
              "             + (1 - y_train) * torch.log(1 - probabilities)).mean()\n")),
        why="valid: torch.sigmoid in forward(), the binary cross-entropy written with torch.log",
    ),
    Case(
        "study_notes_prediction_and_accuracy_valid",
        NB,
        (Edit("classes-and-accuracy", SOLUTION_CLASSES,
              "    prediction = probabilities >= torch.FloatTensor([0.5])\n"
              "    return prediction.float()\n"),
         Edit("classes-and-accuracy", SOLUTION_ACCURACY,
              "    correct_prediction = predictions == targets\n"
              "    return correct_prediction.sum().item() / len(correct_prediction)\n")),
        why="valid: comparing with torch.FloatTensor([0.5]), counting the correct ones",
    ),
    Case(
        "classes_with_greater_than_one_half",
        NB,
        (Edit("classes-and-accuracy", SOLUTION_CLASSES,
              "    return (probabilities > 0.5).float()\n"),),
        fails={CLASSES: "exactly 0.5"},
        why="a probability of exactly 0.5 (a zero-initialised model's, everywhere) is class 1",
    ),
    Case(
        "classes_by_rounding",
        NB,
        (Edit("classes-and-accuracy", SOLUTION_CLASSES,
              "    return torch.round(probabilities)\n"),),
        fails={CLASSES: "rounds 0.5 down"},
        why="torch.round rounds half to even: 0.5 becomes class 0",
    ),
    Case(
        "bce_with_logits_on_a_model_that_ends_with_a_sigmoid",
        NB,
        (Edit("training", "    loss = F.binary_cross_entropy(probabilities, y_train)\n",
              "    loss = F.binary_cross_entropy_with_logits(probabilities, y_train)\n"),),
        fails={
            PROBABILITIES: "sigmoid is applied twice",
            LOSSES: "sigmoid is applied twice",
            CROSS_ENTROPY: "sigmoid is applied twice",
        },
        scores={CROSS_ENTROPY: 1.24},
        why="the loss applies a second sigmoid: training stalls (its own loss 0.5 and more; "
            "the model's cross-entropy, 0.057, earns 62 % of that test's band)",
    ),
    Case(
        "sigmoid_in_the_loop_not_in_the_model",
        NB,
        (Edit("model", SOLUTION_MODEL, "model = nn.Sequential(nn.Linear(2, 1))"),
         Edit("training", "    probabilities = model(X_train)\n",
              "    probabilities = torch.sigmoid(model(X_train))\n")),
        fails={PROBABILITIES: "logits"},
        why="trained right, but `model` returns logits: charged once, by the probabilities test",
    ),
    Case(
        "accuracy_compares_flattened_predictions",
        NB,
        (Edit("classes-and-accuracy", SOLUTION_ACCURACY,
              "    return (predictions.flatten() == targets).float().mean().item()\n"),),
        fails={ACCURACY: "every prediction with every target"},
        why="(N,) against (N, 1) under == broadcasts to (N, N)",
    ),
    Case(
        "fabricated_losses_with_an_untrained_model",
        NB,
        (Edit("training", SOLUTION_LOOP,
              "losses = [0.7 * 0.995 ** epoch for epoch in range(epochs)]\n"),),
        fails={
            PROBABILITIES: "differs from the reference",
            LOSSES: "not those of the training",
            CROSS_ENTROPY: "none here",
        },
        why="a list typed in that ends low, with the model never trained: no points for it",
    ),
]
