"""Assignment 2 written as public tutorials write it (valid idioms, and the usual mistakes).

Idioms seen in d2l (the update and the reset inside one torch.no_grad() block, after the step),
the Korean study notes (epochs counted from 1, a print every 100 epochs, `nb_epochs + 1`), the
PyTorch tutorials (an optimizer even for a hand-made model), and DataLoader loops. Written afresh.
"""

from tests.corpus.case import Case, Edit

NB = "02_training_loop.ipynb"
LOSSES = "test_training_loop_records_a_loss_per_epoch_that_ends_below_the_threshold"
PARAMETERS = "test_trained_parameters_are_near_the_reference"
ACCUMULATED = "test_accumulated_grad_shows_gradients_adding_up"
RESET = "test_train_step_resets_gradients_between_calls"

SOLUTION_LOOP = """for epoch in range(epochs):
    loss = mse(predict(X_train, W, b), y_train)
    loss.backward()
    with torch.no_grad():
        W -= lr * W.grad
        b -= lr * b.grad
    W.grad.zero_()
    b.grad.zero_()
    losses.append(loss.item())
"""
SOLUTION_STEP = """    for p in (W, b):
        if p.grad is not None:
            p.grad.zero_()
    loss = mse(predict(X, W, b), y)
    loss.backward()
    with torch.no_grad():
        W -= lr * W.grad
        b -= lr * b.grad
    return loss.item()
"""
SOLUTION_ACCUMULATED = "    for _ in range(calls):\n        (2 * w).backward()\n"

MINI_BATCHES = "from torch.utils.data import DataLoader, TensorDataset\n"

CASES = [
    Case(
        "train_step_resets_after_the_update_inside_no_grad",
        NB,
        (Edit("train-step", SOLUTION_STEP, """    loss = mse(predict(X, W, b), y)
    loss.backward()
    with torch.no_grad():
        W -= lr * W.grad
        b -= lr * b.grad
        # 기울기 초기화: reset once the gradients are used
        W.grad.zero_()
        b.grad.zero_()
    return loss.item()
"""),),
        why="valid: the most common placement in tutorials; .grad is 0 after the call, and "
            "nothing accumulates",
    ),
    Case(
        "loop_counts_epochs_from_one_and_prints_every_100_valid",
        NB,
        (Edit("training-loop", SOLUTION_LOOP, """for epoch in range(1, epochs + 1):
    hypothesis = X_train @ W + b
    cost = torch.mean((hypothesis - y_train) ** 2)
    cost.backward()
    with torch.no_grad():
        W -= lr * W.grad
        b -= lr * b.grad
    W.grad.zero_()
    b.grad.zero_()
    losses.append(cost.item())
    if epoch % 100 == 0:
        print(f"Epoch {epoch:4d}/{epochs} W: {W.item():.3f} b: {b.item():.3f} "
              f"Cost: {cost.item():.6f}")
"""),),
        why="valid: range(1, epochs + 1) still runs exactly `epochs` epochs",
    ),
    Case(
        "hand_made_model_trained_with_an_sgd_optimizer_and_f_mse_loss_valid",
        NB,
        (Edit("training-loop", SOLUTION_LOOP, """import torch.nn.functional as F
optimizer = torch.optim.SGD([W, b], lr=lr)
for epoch in range(epochs):
    optimizer.zero_grad()
    loss = F.mse_loss(predict(X_train, W, b), y_train)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
"""),),
        why="valid: an optimizer does the same update and reset",
    ),
    Case(
        "losses_recorded_as_tensors_valid",
        NB,
        (Edit("training-loop", "    losses.append(loss.item())\n",
              "    losses.append(loss.detach())\n"),
         Edit("training-loop", 'print(f"final loss {losses[-1]:.4f}',
              'print(f"final loss {losses[-1].item():.4f}')),
        why="valid: one-number tensors hold the same losses as floats (loss.item() is usual)",
    ),
    Case(
        "loop_runs_one_epoch_too_many",
        NB,
        (Edit("training-loop", "for epoch in range(epochs):", "for epoch in range(epochs + 1):"),),
        fails={LOSSES: "one epoch too many"},
        why="range(epochs + 1) runs 1001 epochs: only the loss record's test charges it (the "
            "parameters are still within tolerance)",
    ),
    Case(
        "fabricated_losses_in_a_blank_training_loop",
        NB,
        (Edit("training-loop", SOLUTION_LOOP,
              "losses = [1611.85 * 0.99 ** epoch for epoch in range(epochs)]\n"),),
        fails={
            LOSSES: "not those of the training",
            PARAMETERS: "differs from the reference",
        },
        why="a list typed in that ends low, with W and b never trained: no points for it",
    ),
    Case(
        "accumulated_grad_returns_the_formula_without_backward",
        NB,
        (Edit("accumulated-grad", SOLUTION_ACCUMULATED,
              "    w.grad = torch.tensor(2.0 * calls)\n"),),
        fails={ACCUMULATED: "called backward() 0 times"},
        why="the right numbers without calling backward(): the point is to watch .grad grow",
    ),
    Case(
        "accumulated_grad_resets_between_the_calls",
        NB,
        (Edit("accumulated-grad", SOLUTION_ACCUMULATED,
              "    for _ in range(calls):\n        w.grad = None\n        (2 * w).backward()\n"),),
        fails={ACCUMULATED: "reset between the calls"},
        why="resetting inside the demonstration hides the accumulation it should show",
    ),
    Case(
        "half_mean_squared_error_in_the_loop",
        NB,
        (Edit("training-loop", "    loss = mse(predict(X_train, W, b), y_train)\n",
              "    loss = mse(predict(X_train, W, b), y_train) / 2\n"),),
        fails={LOSSES: "half the mean squared error", PARAMETERS: "half the mean squared error"},
        why="a 1/2 in the loss halves every step: 1000 epochs end at W = 19.13",
    ),
    Case(
        "loss_recorded_per_mini_batch",
        NB,
        (Edit("training-loop", SOLUTION_LOOP, MINI_BATCHES + """\
loader = DataLoader(TensorDataset(X_train, y_train), batch_size=1, shuffle=True)
for epoch in range(epochs):
    for xb, yb in loader:
        loss = mse(predict(xb, W, b), yb)
        loss.backward()
        with torch.no_grad():
            W -= lr * W.grad
            b -= lr * b.grad
        W.grad.zero_()
        b.grad.zero_()
        losses.append(loss.item())
"""),),
        fails={LOSSES: "per mini-batch", PARAMETERS: "differs from the reference"},
        why="mini-batches of one row: three steps and three losses per epoch, not one",
    ),
]
