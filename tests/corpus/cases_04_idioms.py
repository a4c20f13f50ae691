"""Assignment 4 written as public tutorials write it (valid idioms, and the usual mistakes).

Idioms seen in Zero to GANs (a hand-written mse over diff.numel(), the update and the reset
inside one torch.no_grad() block, a fit() that loops over epochs), the Korean study notes
(class LinearRegressionModel(nn.Module) around nn.Linear(1, 1), `range(nb_epochs + 1)`, a print
every N epochs) and pandas tutorials (a DataFrame from a dict of columns). Written afresh.
"""

from tests.corpus.case import Case, Edit

NB = "04_multiple_outputs_and_nn_linear.ipynb"
FRUIT_LOSS = "test_fruit_training_records_a_loss_per_epoch_that_ends_below_1"
FRUIT_PARAMETERS = "test_trained_weight_and_bias_are_those_of_the_lessons_training"
FRAME_VALUES = "test_predictions_are_the_trained_models_outputs"
FIT_LINEAR = "test_fit_trains_a_graders_linear_model_like_the_reference"
FIT_ANY = "test_fit_trains_any_model_with_the_loss_and_optimizer_it_is_given"
START = "test_weight_and_bias_have_one_column_per_fruit_and_a_seeded_start"
FRAME = "test_predictions_is_a_dataframe_with_a_column_per_fruit"
TYPO = "code cell 3 (`torch.manual_seed(1)`), which defines"

SOLUTION_FRUIT_LOOP = """for epoch in range(epochs):
    loss = torch.mean((X_fruit @ weight + bias - y_fruit) ** 2)
    loss.backward()
    with torch.no_grad():
        weight -= lr * weight.grad
        bias -= lr * bias.grad
    weight.grad.zero_()
    bias.grad.zero_()
    fruit_losses.append(loss.item())
"""
SOLUTION_FIT = """    losses = []
    for _ in range(epochs):
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
"""
SOLUTION_FRAME = """fruit_pred = X_fruit @ weight + bias
predictions = pd.DataFrame(fruit_pred.detach().numpy(), columns=["apples", "oranges"])
"""

CASES = [
    Case(
        "hand_written_mse_and_reset_inside_no_grad_valid",
        NB,
        (Edit("fruit-training", SOLUTION_FRUIT_LOOP, """def mse(t1, t2):
    diff = t1 - t2
    return torch.sum(diff * diff) / diff.numel()


for epoch in range(epochs):
    preds = X_fruit @ weight + bias
    loss = mse(preds, y_fruit)
    loss.backward()
    with torch.no_grad():
        weight -= weight.grad * lr
        bias -= bias.grad * lr
        weight.grad.zero_()
        bias.grad.zero_()
    fruit_losses.append(loss.item())
"""),),
        why="valid: an MSE by hand over diff.numel(), the reset inside the no_grad block",
    ),
    Case(
        "line_model_as_an_nn_module_subclass_valid",
        NB,
        (Edit("line-model", "torch.manual_seed(777)\nmodel = nn.Linear(1, 1)\n",
              """class LinearRegressionModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 1)  # 입력 1, 출력 1

    def forward(self, x):
        return self.linear(x)


torch.manual_seed(777)
model = LinearRegressionModel()
"""),),
        why="valid: the study notes' class around nn.Linear(1, 1), same start under seed 777",
    ),
    Case(
        "fit_counts_epochs_from_one_and_prints_valid",
        NB,
        (Edit("fit", SOLUTION_FIT, """    losses = []
    for epoch in range(1, epochs + 1):
        prediction = model(X)
        cost = loss_fn(prediction, y)
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
        losses.append(cost.item())
        if epoch % 500 == 0:
            print(f"Epoch {epoch:4d}/{epochs} Cost: {cost.item():.6f}")
    return losses
"""),
         Edit("line-training", "fit(2000, model, F.mse_loss, optimizer, x_train, y_train)",
              "fit(2000, model, nn.MSELoss(), optimizer, x_train, y_train)")),
        why="valid: range(1, epochs + 1) with a print, and nn.MSELoss() passed as loss_fn",
    ),
    Case(
        "fit_returns_loss_tensors_valid",
        NB,
        (Edit("fit", "        losses.append(loss.item())\n",
              "        losses.append(loss.detach())\n"),),
        why="valid: one-number tensors hold the same losses as floats (loss.item() is usual)",
    ),
    Case(
        "predictions_from_a_dict_of_rounded_columns_valid",
        NB,
        (Edit("predictions", SOLUTION_FRAME, """fruit_pred = (X_fruit @ weight + bias).detach()
predictions = pd.DataFrame({"apples": fruit_pred[:, 0].numpy(),
                            "oranges": fruit_pred[:, 1].numpy()}).round(1)
"""),),
        why="valid: a DataFrame from a dict of columns, rounded to one decimal for display",
    ),
    Case(
        "fit_runs_one_epoch_too_many",
        NB,
        (Edit("fit", "    for _ in range(epochs):\n", "    for _ in range(epochs + 1):\n"),),
        fails={FIT_LINEAR: "one epoch too many"},
        why="26 epochs for fit(25, ...): charged once, by the test of fit's training (fit still "
            "uses what it is given; the line is trained by it as asked)",
    ),
    Case(
        "fit_squeezes_the_predictions_only",
        NB,
        (Edit("fit", "        loss = loss_fn(model(X), y)\n",
              "        loss = loss_fn(model(X).squeeze(), y)\n"),),
        fails={FIT_ANY: "broadcast"},
        why="(N, 1) predictions squeezed to (N,) against (N, 1) targets broadcast to (N, N); "
            "nn.Linear(3, 2)'s (N, 2) outputs are not affected",
    ),
    Case(
        "predictions_from_the_untrained_start",
        NB,
        (Edit("predictions", "fruit_pred = X_fruit @ weight + bias",
              "fruit_pred = X_fruit @ start_weight + start_bias"),),
        fails={FRAME_VALUES: "starting weight and bias"},
        why="the table shows the random start's predictions, not the trained model's",
    ),
    Case(
        "fruit_loss_sums_the_squared_errors",
        NB,
        (Edit("fruit-training", "    loss = torch.mean((X_fruit @ weight + bias - y_fruit) ** 2)\n",
              "    loss = torch.sum((X_fruit @ weight + bias - y_fruit) ** 2)\n"),),
        fails={
            FRUIT_LOSS: "sum of the squared errors",
            FRUIT_PARAMETERS: "sum of the squared errors",
        },
        why="the sum over 10 numbers makes every step 10 times larger: the loss explodes",
    ),
    Case(
        "typo_in_the_cell_that_creates_the_parameters",
        NB,
        (Edit("fruit-params", "weight = torch.randn(3, 2, requires_grad=True)",
              "weight = torch.randn(3, 2, requires_grad=Ture)"),),
        fails={
            # every test that needs weight is sent to the cell with the typo, by its number
            # as Jupyter shows it, never to the training cell that only updates weight
            START: TYPO,
            FRUIT_LOSS: TYPO,
            FRUIT_PARAMETERS: TYPO,
            FRAME: TYPO,
            FRAME_VALUES: TYPO,
        },
        why="a NameError in the cell that creates weight: the later cells fail on `weight`",
    ),
]
