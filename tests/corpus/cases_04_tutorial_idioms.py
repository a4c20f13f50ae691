"""Assignment 4 as more tutorials write it: Zero to GANs' `def model(x)` for the hand-made
model, DataFrames named after the fact or built from lists with an index, model.zero_grad() in
fit, an nn.Sequential holding the line; and the slips of a fit that returns only its last loss
and of a prediction taken before training. Written afresh.
"""

from tests.corpus.case import Case, Edit
from tests.corpus.cases_04_idioms import (
    FIT_ANY,
    FIT_LINEAR,
    NB,
    SOLUTION_FIT,
    SOLUTION_FRAME,
    SOLUTION_FRUIT_LOOP,
)

LINE = "test_linear_model_is_trained_by_fit_as_asked_and_predicts_at_4"


CASES = [
    Case(
        "fruit_model_as_a_function_and_frame_named_afterwards_valid",
        NB,
        (Edit("fruit-training", SOLUTION_FRUIT_LOOP, """def model(x):
    return x @ weight + bias


for epoch in range(epochs):
    preds = model(X_fruit)
    loss = F.mse_loss(preds, y_fruit)
    loss.backward()
    with torch.no_grad():
        weight -= weight.grad * lr
        bias -= bias.grad * lr
        weight.grad.zero_()
        bias.grad.zero_()
    fruit_losses.append(loss.item())
"""),
         Edit("predictions", SOLUTION_FRAME, """preds = model(X_fruit)
predictions = pd.DataFrame(preds.detach().numpy())
predictions.columns = ["apples", "oranges"]
""")),
        why="valid: Zero to GANs' `def model(x)` (lesson 8 rebinds `model` to nn.Linear "
            "later); F.mse_loss; columns named after the DataFrame is built",
    ),
    Case(
        "frame_from_a_nested_list_with_region_names_valid",
        NB,
        (Edit("predictions", SOLUTION_FRAME, """fruit_pred = X_fruit @ weight + bias
regions = ["region 1", "region 2", "region 3", "region 4", "region 5"]
predictions = pd.DataFrame(fruit_pred.tolist(), columns=["apples", "oranges"], index=regions)
"""),),
        why="valid: .tolist() needs no .detach(); an index of region names",
    ),
    Case(
        "fit_resets_with_model_zero_grad_and_line_in_a_sequential_valid",
        NB,
        (Edit("fit", SOLUTION_FIT, """    model.train()
    history = []
    for epoch in range(epochs):
        model.zero_grad()  # the model's gradients: the ones the optimizer steps
        prediction = model(X)
        loss = loss_fn(prediction, y)
        loss.backward()
        optimizer.step()
        history.append(loss.item())
    return history
"""),
         Edit("line-model", "model = nn.Linear(1, 1)\n",
              "model = nn.Sequential(nn.Linear(1, 1))\n"),
         Edit("line-prediction", "prediction_at_4 = model(torch.tensor([[4.0]])).item()",
              "new_x = torch.FloatTensor([4.0])\nprediction_at_4 = model(new_x).item()")),
        why="valid: model.zero_grad() resets what optimizer.zero_grad() does here; "
            "nn.Sequential around nn.Linear(1, 1); a flat input of one value",
    ),
    Case(
        "fit_returns_only_the_last_loss",
        NB,
        (Edit("fit", SOLUTION_FIT, """    for _ in range(epochs):
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()
"""),),
        fails={
            FIT_LINEAR: "return the list",
            FIT_ANY: "return the list",
            # the given `linear_losses[-1]` of the line's training cell raises on a number:
            # the cell stops, and the message says what to look at
            LINE: "not only the last loss",
        },
        why="one number instead of the list of every epoch's loss",
    ),
    Case(
        "prediction_at_4_taken_before_training",
        NB,
        (Edit("line-model", "model = nn.Linear(1, 1)\n",
              "model = nn.Linear(1, 1)\nprediction_at_4 = model(torch.tensor([[4.0]])).item()\n"),
         Edit("line-prediction", "prediction_at_4 = model(torch.tensor([[4.0]])).item()",
              "print(model(torch.tensor([[4.0]])))")),
        fails={LINE: "untrained model"},
        why="the prediction was computed right after creating the model: the untrained "
            "line's answer",
    ),
    Case(
        "fit_with_the_loss_arguments_swapped_valid",
        NB,
        (Edit("fit", "        loss = loss_fn(model(X), y)\n",
              "        loss = loss_fn(y, model(X))  # target first\n"),),
        why="valid: the squared error is symmetric, and fit still passes the model's "
            "predictions and y to the loss it is given",
    ),
    Case(
        "fit_records_every_tenth_loss",
        NB,
        (Edit("fit", "        losses.append(loss.item())\n",
              "        if _ % 10 == 0:\n            losses.append(loss.item())\n"),),
        fails={
            FIT_LINEAR: "append the loss once in each",
            FIT_ANY: "one step and one loss per epoch",
        },
        why="only the printed epochs' losses: fit's own tests charge it (the line is still "
            "trained by fit as asked, and linear_losses is what fit returns)",
    ),
    Case(
        "fruit_seed_set_after_drawing_the_weight",
        NB,
        (Edit("fruit-params", "torch.manual_seed(1)\n", ""),
         Edit("fruit-params", "weight = torch.randn(3, 2, requires_grad=True)\n",
              "weight = torch.randn(3, 2, requires_grad=True)\ntorch.manual_seed(1)\n")),
        fails={"test_weight_and_bias_have_one_column_per_fruit_and_a_seeded_start":
               "Right after torch.manual_seed(1)"},
        why="the seed comes too late for the weight: another start (trained correctly from it, "
            "and predicted from: charged once)",
    ),
]
