"""Assignment 6 as more tutorials write it: torch.where and .ge() for the classes, torch.eq and
counts for the accuracy, F.sigmoid in forward() with an nn.BCELoss criterion and the study
notes' accuracy printed during training; and the slips of a summed binary cross-entropy and of
a learning rate ten times too small. Written afresh.
"""

from tests.corpus.case import Case, Edit
from tests.corpus.cases_06_idioms import (
    CROSS_ENTROPY,
    LOSSES,
    NB,
    PROBABILITIES,
    SOLUTION_ACCURACY,
    SOLUTION_CLASSES,
    SOLUTION_LOOP,
    SOLUTION_MODEL,
)

BCE = "    loss = F.binary_cross_entropy(probabilities, y_train)\n"

CASES = [
    Case(
        "classes_with_torch_where_and_accuracy_with_torch_eq_valid",
        NB,
        (Edit("classes-and-accuracy", SOLUTION_CLASSES,
              "    return torch.where(probabilities >= 0.5, 1.0, 0.0)\n"),
         Edit("classes-and-accuracy", SOLUTION_ACCURACY,
              "    correct = torch.eq(predictions, targets).sum().item()\n"
              "    return correct / targets.numel()\n")),
        why="valid: torch.where with 1.0 and 0.0; torch.eq counted over every entry",
    ),
    Case(
        "functional_sigmoid_model_bce_criterion_and_accuracy_printed_valid",
        NB,
        (Edit("model", SOLUTION_MODEL, """class LogisticModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, x):
        return F.sigmoid(self.linear(x))


model = LogisticModel()"""),
         Edit("training", SOLUTION_LOOP, """criterion = nn.BCELoss()
for epoch in range(1, epochs + 1):
    hypothesis = model(X_train)
    cost = criterion(hypothesis, y_train)
    optimizer.zero_grad()
    cost.backward()
    optimizer.step()
    losses.append(cost.item())
    if epoch % 100 == 0:
        prediction = hypothesis >= torch.FloatTensor([0.5])
        correct_prediction = prediction.float() == y_train
        acc = correct_prediction.sum().item() / len(correct_prediction)
        print(f"Epoch {epoch:4d}/{epochs} Cost: {cost.item():.6f} Accuracy {acc * 100:2.2f}%")
"""),
         Edit("classes-and-accuracy", SOLUTION_CLASSES,
              "    return probabilities.ge(0.5).float()\n")),
        why="valid: F.sigmoid in forward(), nn.BCELoss() as a criterion, epochs counted "
            "from 1, the study notes' accuracy printed every 100 epochs; .ge(0.5)",
    ),
    Case(
        "bce_loss_with_reduction_sum",
        NB,
        (Edit("training", BCE,
              "    loss = nn.BCELoss(reduction='sum')(probabilities, y_train)\n"),),
        fails={PROBABILITIES: "reduction='sum'"},
        why="the sum over six points: every step six times larger, another model (charged "
            "once: the recorded losses are the training's own, and the model's "
            "cross-entropy is low)",
    ),
    Case(
        "learning_rate_ten_times_too_small",
        NB,
        (Edit("training", "lr = 1.0\n", "lr = 0.1\n"),),
        fails={
            PROBABILITIES: "learning rate is 0.1",
            LOSSES: "learning rate is 0.1",
            CROSS_ENTROPY: "learning rate is 0.1",
        },
        why="lr = 0.1 (the value many tutorials use) stops far from the reference",
    ),
    Case(
        "bce_with_logits_on_the_linear_layer_valid",
        NB,
        (Edit("training", SOLUTION_LOOP, """\
criterion = nn.BCEWithLogitsLoss()  # its own sigmoid, computed stably
for epoch in range(epochs):
    logits = model[0](X_train)  # the linear layer, before the model's sigmoid
    loss = criterion(logits, y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
"""),),
        why="valid: BCEWithLogitsLoss on the linear layer's logits is the binary cross-entropy "
            "of the model's probabilities; model(X) still ends with the sigmoid",
    ),
]
