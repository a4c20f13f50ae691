"""Held-out-style variants of notebooks 02-06 written as students write them. Valid: a loss
called with keywords, optimizer.step(closure), a full-batch DataLoader, nn.Sequential around the
bias-free layer, torch.inference_mode(), .data rebinding, NumPy numbers and arrays where a number
is asked, torch.heaviside, torch.special.expit, a local generator, parameter groups, extra cells.
Mistakes, each charged once by the test that owns it, with its cause: a data typo (alone and with
a loop mistake), a return inside fit's loop, a forward pass made once before the loop, the reset
between backward() and step(), a seed before every draw, the notebook's optimizer inside
train_from_seed, a float from mse_loss. Written afresh for this file.
"""

from tests.corpus.case import Case, Edit
from tests.corpus.cases_04_idioms import SOLUTION_FIT

NB02 = "02_training_loop.ipynb"
NB03 = "03_optimizer_and_seeds.ipynb"
NB04 = "04_multiple_outputs_and_nn_linear.ipynb"
NB05 = "05_design_matrix_and_broadcasting.ipynb"
NB06 = "06_logistic_regression.ipynb"

CASES = [
    Case(
        "fit_calls_the_loss_function_with_keywords_valid",
        NB04,
        (Edit("fit", "        loss = loss_fn(model(X), y)\n",
              "        loss = loss_fn(input=model(X), target=y)\n"),),
        why="valid: loss_fn(input=..., target=...) is how F.mse_loss and nn.MSELoss name "
            "their arguments",
    ),
    Case(
        "fit_with_type_hints_train_mode_and_inference_mode_prediction_valid",
        NB04,
        (Edit("fit", 'def fit(epochs, model, loss_fn, optimizer, X, y):',
              "def fit(epochs: int, model: nn.Module, loss_fn, optimizer: torch.optim.Optimizer,\n"
              "        X: torch.Tensor, y: torch.Tensor) -> list[float]:"),
         Edit("fit", SOLUTION_FIT, """    model.train()
    history: list[float] = []
    for epoch in range(1, epochs + 1):
        optimizer.zero_grad(set_to_none=True)
        batch_loss = loss_fn(model(X), y)
        batch_loss.backward()
        optimizer.step()
        history.append(float(batch_loss))
    return history
"""),
         Edit("line-prediction", "prediction_at_4 = model(torch.tensor([[4.0]])).item()\n",
              "model.eval()\nwith torch.inference_mode():\n"
              "    prediction_at_4 = model(torch.tensor([4.0])).item()\n")),
        why="valid: type hints, model.train()/eval(), set_to_none, float(loss); a (1,) input "
            "under inference_mode",
    ),
    Case(
        "update_under_inference_mode_and_tensor_loss_from_train_step_valid",
        NB02,
        (Edit("training-loop", """    with torch.no_grad():
        W -= lr * W.grad
        b -= lr * b.grad
    W.grad.zero_()
    b.grad.zero_()
""", """    with torch.inference_mode():
        W -= lr * W.grad
        b -= lr * b.grad
        W.grad.zero_()
        b.grad.zero_()
"""),
         Edit("train-step", "    return loss.item()\n", "    return loss.detach()\n"),),
        why="valid: the update and reset under torch.inference_mode(); train_step returns the "
            "loss as a detached one-number tensor",
    ),
    Case(
        "sgd_parameter_groups_and_a_local_generator_valid",
        NB03,
        (Edit("training-loop", "optimizer = torch.optim.SGD([W, b], lr=lr)\n",
              'optimizer = torch.optim.SGD([{"params": [W]}, {"params": [b]}], lr=lr)\n'),
         Edit("train-from-seed", """    torch.manual_seed(seed)
    W = torch.randn(1, 1, requires_grad=True)
    b = torch.randn(1, requires_grad=True)
""", """    generator = torch.Generator().manual_seed(seed)
    W = torch.randn(1, 1, generator=generator, requires_grad=True)
    b = torch.randn(1, generator=generator, requires_grad=True)
""")),
        why="valid: SGD over two parameter groups; a generator of its own seeded with the seed "
            "draws what the global one would",
    ),
    Case(
        "design_matrix_with_ones_of_the_length_and_a_lambda_loss_valid",
        NB05,
        (Edit("design-matrix",
              "    ones = torch.ones_like(x)\n    return torch.stack([ones, x], dim=1)\n",
              "    return torch.stack((torch.ones(len(x)), x), 1)\n"),
         Edit("mse-loss", "def mse_loss(y_hat, y):", "def _unused(y_hat, y):"),
         Edit("mse-loss", "    return ((y_hat.reshape(-1) - y.reshape(-1)) ** 2).mean()\n",
              "    return None\n\n\nmse_loss = lambda y_hat, y: torch.mean((y_hat.view(-1) - "
              "y.view(-1)) ** 2)  # noqa: E731\n")),
        why="valid: torch.ones(len(x)) for the ones column; the loss as a lambda",
    ),
    Case(
        "mse_loss_returns_a_python_float",
        NB05,
        (Edit("mse-loss", "    return ((y_hat.reshape(-1) - y.reshape(-1)) ** 2).mean()\n",
              "    return ((y_hat.reshape(-1) - y.reshape(-1)) ** 2).mean().item()\n"),),
        fails={"test_mse_loss_pairs_each_prediction_with_its_own_target": "do not call .item()",
               "test_initial_loss_is_your_loss_at_the_starting_weight": "def mse_loss",
               "test_training_records_a_loss_per_epoch_that_ends_below_the_threshold":
                   "has no attribute 'backward'",
               "test_learned_weight_is_that_of_the_lessons_training":
                   "has no attribute 'backward'"},
        why="a float has no graph: its own test names .item(); the cells that use it stop, "
            "and their tests quote the error and point at the loss's cell",
    ),
    Case(
        "classes_with_heaviside_and_accuracy_in_numpy_valid",
        NB06,
        (Edit("classes-and-accuracy", "    return (probabilities >= 0.5).float()\n",
              "    return torch.heaviside(probabilities - 0.5, torch.tensor(1.0))\n"),
         Edit("classes-and-accuracy", "    return (predictions == targets).float().mean().item()\n",
              "    import numpy as np\n"
              "    return np.mean(predictions.numpy() == targets.numpy())\n")),
        why="valid: heaviside(0) takes the value given, 1.0; np.mean gives a NumPy float64, "
            "a subclass of Python's float",
    ),
    Case(
        "classes_as_integers_and_accuracy_as_a_one_number_tensor_valid",
        NB06,
        (Edit("classes-and-accuracy", "    return (probabilities >= 0.5).float()\n",
              "    return (probabilities >= 0.5).long()\n"),
         Edit("classes-and-accuracy", "    return (predictions == targets).float().mean().item()\n",
              "    return (predictions == targets).float().mean()\n")),
        why="valid: integer 1/0 classes equal float labels under ==; a one-number tensor holds "
            "the fraction as .item() would",
    ),
    Case(
        "expit_in_a_module_with_train_and_eval_modes_valid",
        NB06,
        (Edit("model", "model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())\n",
              """class LogisticRegression(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.special.expit(self.linear(x))


model = LogisticRegression()
"""),
         Edit("training", "for epoch in range(epochs):\n",
              "model.train()\nfor epoch in range(epochs):\n"),
         Edit("training", "    losses.append(loss.item())\n",
              "    losses.append(loss.item())\nmodel.eval()\n")),
        why="valid: torch.special.expit is the sigmoid; train()/eval() change nothing here",
    ),
    Case(
        "fit_records_the_loss_after_the_step",
        NB04,
        (Edit("fit", "        losses.append(loss.item())\n", """        with torch.no_grad():
            losses.append(loss_fn(model(X), y).item())
"""),),
        fails={"test_fit_trains_a_graders_linear_model_like_the_reference":
               "before the first step"},
        why="each epoch records the loss after its step: the first loss is already one step "
            "on (fit still trains as asked: the line's test passes)",
    ),
    Case(
        "fit_records_numpy_losses_valid",
        NB04,
        (Edit("fit", "        losses.append(loss.item())\n",
              "        losses.append(loss.detach().numpy())\n"),),
        why="valid: zero-dimensional NumPy arrays of the losses, as some tutorials keep them",
    ),
    Case(
        "train_from_seed_steps_the_notebooks_optimizer",
        NB03,
        (Edit("train-from-seed", "    optimizer = torch.optim.SGD([W, b], lr=0.01)\n", ""),),
        fails={"test_train_from_seed_matches_the_reference": "never moved"},
        why="the notebook's optimizer steps the notebook's W and b: the seeded W and b never move",
    ),
    Case(
        "seed_set_before_every_draw",
        NB03,
        (Edit("seeded-draws", """    torch.manual_seed(seed)
    return [torch.rand(1).item() for _ in range(n)]
""", """    draws = []
    for _ in range(n):
        torch.manual_seed(seed)
        draws.append(torch.rand(1).item())
    return draws
"""),),
        fails={"test_seeded_draws_follow_the_seed_and_repeat_the_lecture":
               "seeded again before every draw"},
        why="re-seeding before each draw repeats the first number n times",
    ),
    Case(
        "targets_as_a_column_in_the_loss_and_y_from_the_formula_valid",
        NB05,
        (Edit("data", "y = X @ W_true + noise\n", "y = 2.5 + 4.0 * x + noise\n"),
         Edit("mse-loss", "    return ((y_hat.reshape(-1) - y.reshape(-1)) ** 2).mean()\n",
              "    return torch.mean((y_hat - y.view(-1, 1)) ** 2)\n")),
        why="valid: y written from the formula; y.view(-1, 1) pairs a flat or a column target "
            "with its prediction",
    ),
    Case(
        "bce_on_squeezed_probabilities_valid",
        NB06,
        (Edit("training", "    loss = F.binary_cross_entropy(probabilities, y_train)\n",
              "    loss = F.binary_cross_entropy(probabilities.squeeze(1),\n"
              "                                  y_train.squeeze(1))\n"),),
        why="valid: both sides squeezed to (6,): the same pairs, the same loss",
    ),
    Case(
        "design_matrix_model_wrapped_in_a_sequential_valid",
        NB05,
        (Edit("model", """model = nn.Linear(2, 1, bias=False)
with torch.no_grad():
    model.weight.copy_(torch.tensor([[-5.0, 10.0]]))
""", """model = nn.Sequential(nn.Linear(2, 1, bias=False))
with torch.no_grad():
    model[0].weight.copy_(torch.tensor([[-5.0, 10.0]]))
"""),
         Edit("model", "print(model.weight)", "print(model[0].weight)"),
         Edit("training", "model.weight.data.tolist()", "model[0].weight.data.tolist()")),
        why="valid: the same bias-free linear layer inside nn.Sequential",
    ),
    Case(
        "sgd_step_with_a_closure_valid",
        NB03,
        (Edit("train-step", """    cost = torch.mean((X @ W + b - y) ** 2)
    optimizer.zero_grad()
    cost.backward()
    optimizer.step()
    return cost.item()
""", """    def closure():
        optimizer.zero_grad()
        cost = torch.mean((X @ W + b - y) ** 2)
        cost.backward()
        return cost

    return optimizer.step(closure).item()
"""),),
        why="valid: optimizer.step(closure) computes the loss, backpropagates, steps, and "
            "returns that loss",
    ),
    Case(
        "fit_steps_with_a_closure_valid",
        NB04,
        (Edit("fit", SOLUTION_FIT, """    def closure():
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        return loss

    return [optimizer.step(closure).item() for _ in range(epochs)]
"""),),
        why="valid: optimizer.step(closure), one step and one loss per epoch",
    ),
    Case(
        "train_step_steps_before_backward",
        NB03,
        (Edit("train-step", """    optimizer.zero_grad()
    cost.backward()
    optimizer.step()
""", """    optimizer.zero_grad()
    optimizer.step()
    cost.backward()
"""),),
        fails={"test_train_step_is_one_step_of_the_optimizer_it_is_given": "step"},
        why="step() before backward() steps on gradients just reset: W and b never move "
            "(train_from_seed, with this train_step, is charged nothing more)",
    ),
    Case(
        "fit_over_a_full_batch_data_loader_valid",
        NB04,
        (Edit("fit", SOLUTION_FIT, """    from torch.utils.data import DataLoader, TensorDataset

    loader = DataLoader(TensorDataset(X, y), batch_size=len(X))  # one batch: all rows
    losses = []
    for epoch in range(epochs):
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        losses.append(loss.item())
    return losses
"""),),
        why="valid: a DataLoader whose one batch is the whole data set steps as the full "
            "batch does",
    ),
    Case(
        "design_matrix_through_numpy_valid",
        NB05,
        (Edit("design-matrix",
              "    ones = torch.ones_like(x)\n    return torch.stack([ones, x], dim=1)\n",
              "    import numpy as np\n\n"
              "    columns = np.column_stack([np.ones(len(x)), x.numpy()])\n"
              "    return torch.from_numpy(columns).to(x.dtype)\n"),),
        why="valid: np.column_stack of ones and x, back to a tensor of x's dtype",
    ),
    Case(
        "demo_cells_run_again_and_draws_as_a_tuple_valid",
        NB03,
        (Edit("seed-demo", "", "for seed in (3, 5, 3):\n    torch.manual_seed(seed)\n"
              "    print(seed, torch.rand(2))\ntorch.rand(7)  # the generator moves on",
              insert_after=True),
         Edit("seeded-draws", "    return [torch.rand(1).item() for _ in range(n)]\n",
              "    return tuple(float(torch.rand(1)) for _ in range(n))\n"),
         Edit("train-from-seed", "", "print(train_from_seed(3, X_train, y_train, 5)[:2])\n"
              "torch.rand(3)", insert_after=True)),
        why="valid: extra cells that move the global generator; draws as a tuple of floats",
    ),
    Case(
        "train_step_resets_with_zeros_like_before_backward_valid",
        NB02,
        (Edit("train-step", """    for p in (W, b):
        if p.grad is not None:
            p.grad.zero_()
""", """    W.grad = torch.zeros_like(W)
    b.grad = torch.zeros_like(b)
"""),),
        why="valid: gradients set to fresh zeros before backward() start from nothing",
    ),
    Case(
        "evaluation_run_twice_with_a_boundary_plot_valid",
        NB06,
        (Edit("evaluation", "", """import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

with torch.no_grad():
    weight, bias = model[0].weight[0], model[0].bias[0]
xs = torch.linspace(0, 7, 50)
plt.scatter(X_train[:, 0], X_train[:, 1], c=y_train.flatten())
plt.plot(xs, -(weight[0] * xs + bias) / weight[1])
with torch.no_grad():
    probabilities = model(X_train)
train_predictions = predict_classes(probabilities)
train_accuracy = accuracy(train_predictions, y_train)
print(train_accuracy)""", insert_after=True),),
        why="valid: the evaluation repeated in an extra cell with a plot of the boundary",
    ),
    Case(
        "fit_returns_a_tensor_of_the_losses_valid",
        NB04,
        (Edit("fit", "    return losses\n", "    return torch.tensor(losses)\n"),),
        why="valid: one tensor holding every epoch's loss",
    ),
    Case(
        "fit_returns_inside_its_loop",
        NB04,
        (Edit("fit", """        losses.append(loss.item())
    return losses
""", """        losses.append(loss.item())
        return losses
"""),),
        fails={"test_fit_trains_a_graders_linear_model_like_the_reference":
               "ended after the first epoch"},
        why="the return indented into the loop: one epoch, one loss; named as such, not as an "
            "append after the loop (the line, trained by this fit, is charged nothing more)",
        never_said=("the append ran once",),
    ),
    Case(
        "classifier_reset_between_backward_and_step",
        NB06,
        (Edit("training", """    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
""", """    loss.backward()
    optimizer.zero_grad()
    optimizer.step()
"""),),
        fails={"test_trained_model_gives_the_reference_probabilities_on_new_points":
               "never between the two",
               "test_training_records_a_loss_per_epoch_that_ends_below_the_threshold":
               "never move from their start",
               "test_trained_model_has_a_low_binary_cross_entropy": "never move from their start"},
        why="the reset wipes each gradient before the step: the model never moves, and the "
            "re-run without updates says so in the three tests of the training",
    ),
    Case(
        "design_matrix_reset_between_backward_and_step",
        NB05,
        (Edit("training", """    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
""", """    loss.backward()
    optimizer.zero_grad()
    optimizer.step()
"""),),
        fails={"test_learned_weight_is_that_of_the_lessons_training": "never between the two",
               "test_training_records_a_loss_per_epoch_that_ends_below_the_threshold":
               "never move from their start"},
        why="the reset wipes each gradient before the step: the weight stays at [-5, 10]",
    ),
    Case(
        "updates_by_rebinding_data_valid",
        NB02,
        (Edit("training-loop", """        W -= lr * W.grad
        b -= lr * b.grad
    W.grad.zero_()""", """        pass
    W.data = W.data - lr * W.grad.data
    b.data = b.data - lr * b.grad.data
    W.grad.zero_()"""),
         Edit("train-step", """    with torch.no_grad():
        W -= lr * W.grad
        b -= lr * b.grad
""", """    W.data = W.data - lr * W.grad
    b.data = b.data - lr * b.grad
""")),
        why="valid: older tutorials' W.data = W.data - lr * W.grad replaces the values of the "
            "same tensor",
    ),
    Case(
        "classifier_predicts_once_before_the_loop",
        NB06,
        (Edit("training", """for epoch in range(epochs):
    probabilities = model(X_train)
""", """probabilities = model(X_train)
for epoch in range(epochs):
"""),),
        fails={"test_trained_model_gives_the_reference_probabilities_on_new_points":
               "again every epoch, inside the loop",
               "test_training_records_a_loss_per_epoch_that_ends_below_the_threshold":
               "a prediction made once, before the loop",
               "test_trained_model_has_a_low_binary_cross_entropy": "inside the loop"},
        why="one forward pass before the loop: the second backward() finds its graph freed; "
            "the training cell stops, and the advice is to predict every epoch",
    ),
    Case(
        "classifier_data_with_a_typo_in_one_point",
        NB06,
        (Edit("training-data", "[4.0, 3.0]", "[4.0, 2.0]"),),
        fails={"test_training_data_are_the_six_points_in_order": "X_train"},
        why="one number typed wrong: the data test charges it; the training, right on those "
            "data, is judged on them (it was charged twice more, once as losses 'not those of "
            "the training')",
        never_said=("not those of the training",),
    ),
    Case(
        "sgd_data_with_a_typo_in_one_target",
        NB03,
        (Edit("training-data", "[[2.0], [4.0], [6.0]]", "[[2.0], [4.0], [8.0]]"),),
        fails={"test_training_data_are_the_y_equals_2x_columns": "y_train"},
        why="one target typed wrong: the data test charges it; the loop, right on those data, "
            "is judged on them (it was charged twice more, its first loss called half the sum)",
        never_said=("half the sum", "1/2"),
    ),
    Case(
        "noise_drawn_with_torch_rand",
        NB05,
        (Edit("data", "noise = 0.4 * torch.randn(n)\n", "noise = 0.4 * torch.rand(n)\n"),),
        fails={"test_data_are_the_seeded_lesson_data_with_flat_targets": "rand"},
        why="uniform noise in [0, 0.4): other targets, charged once by the data test (the run "
            "on them is right)",
    ),
    Case(
        "sgd_data_typo_and_no_reset",
        NB03,
        (Edit("training-data", "[[2.0], [4.0], [6.0]]", "[[2.0], [4.0], [8.0]]"),
         Edit("training-loop", "    optimizer.zero_grad()\n", "")),
        fails={"test_training_data_are_the_y_equals_2x_columns": "y_train",
               "test_sgd_loop_records_a_loss_per_epoch_that_ends_below_1e_5": "reset",
               "test_trained_W_and_b_are_near_the_reference": "reset"},
        why="two mistakes: a target typed wrong (the data test) and no reset (the loop's "
            "tests, whose re-run on the notebook's own data names it)",
        never_said=("half the sum",),
    ),
    Case(
        "classifier_data_typo_and_a_tenth_of_the_rate",
        NB06,
        (Edit("training-data", "[4.0, 3.0]", "[4.0, 2.0]"),
         Edit("training", "    optimizer.zero_grad()\n", "    optimizer.zero_grad()\n"
              "    for group in optimizer.param_groups:\n        group['lr'] = 0.1\n")),
        fails={"test_training_data_are_the_six_points_in_order": "X_train",
               "test_trained_model_gives_the_reference_probabilities_on_new_points": "0.1",
               "test_training_records_a_loss_per_epoch_that_ends_below_the_threshold": "0.1",
               "test_trained_model_has_a_low_binary_cross_entropy": "0.1"},
        why="two mistakes: a point typed wrong (the data test) and lr 0.1 (the training's "
            "tests, whose re-run on the notebook's own data names the rate)",
    ),
    Case(
        "prediction_at_4_as_a_numpy_number_valid",
        NB04,
        (Edit("line-prediction", "prediction_at_4 = model(torch.tensor([[4.0]])).item()\n",
              "prediction_at_4 = model(torch.tensor([[4.0]])).detach().numpy()[0, 0]\n"),),
        why="valid: a NumPy float32 read from the output array is the same number",
    ),
    Case(
        "accuracy_as_a_zero_dimensional_array_valid",
        NB06,
        (Edit("classes-and-accuracy",
              "    return (predictions == targets).float().mean().item()\n",
              "    return (predictions == targets).float().mean().numpy()\n"),),
        why="valid: the fraction as a zero-dimensional NumPy array",
    ),
    Case(
        "train_step_returns_the_loss_as_a_numpy_array_valid",
        NB03,
        (Edit("train-step", "    return cost.item()\n", "    return cost.detach().numpy()\n"),),
        why="valid: the loss as a zero-dimensional NumPy array",
    ),
]
