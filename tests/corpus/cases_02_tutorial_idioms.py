"""Assignment 2 as more tutorials write it: d2l's summed loss with the update divided by the
batch size, the study notes' gradient written out by hand, a while loop filling a NumPy array,
torch.autograd.grad, helpers and plots in cells of their own; and two slips of layout and sign.
Written afresh for this course.
"""

from tests.corpus.case import Case, Edit
from tests.corpus.cases_02_idioms import (
    LOSSES,
    NB,
    PARAMETERS,
    RESET,
    SOLUTION_ACCUMULATED,
    SOLUTION_LOOP,
    SOLUTION_STEP,
)

ONE_STEP = "test_train_step_is_one_step_of_gradient_descent"
REPEATED = "test_train_step_repeated_trains_a_model_on_unseen_data"


CASES = [
    Case(
        "summed_loss_and_update_divided_by_the_batch_size_valid",
        NB,
        (Edit("training-loop", SOLUTION_LOOP, """batch_size = len(X_train)
for epoch in range(epochs):
    # squared error of each row, summed for backward(); the step divides by the batch size
    l = (predict(X_train, W, b) - y_train) ** 2
    l.sum().backward()
    with torch.no_grad():
        for param in (W, b):
            param -= lr * param.grad / batch_size
            param.grad.zero_()
    losses.append(l.mean().item())
"""),),
        why="valid: d2l's l.sum().backward() with the step divided by the batch size is the "
            "gradient of the mean; the recorded mean is the MSE",
    ),
    Case(
        "gradient_written_out_by_hand_valid",
        NB,
        (Edit("training-loop", SOLUTION_LOOP, """for epoch in range(epochs):
    error = predict(X_train, W, b) - y_train
    cost = torch.mean(error ** 2)
    # d(cost)/dW and d(cost)/db, written out as in the study notes
    gradient_W = 2 * torch.mean(error * X_train)
    gradient_b = 2 * torch.mean(error)
    with torch.no_grad():
        W -= lr * gradient_W
        b -= lr * gradient_b
    losses.append(cost.item())
"""),),
        why="valid: the derivative of the MSE written by hand gives the same steps as "
            "backward() (no .grad, so nothing to reset)",
    ),
    Case(
        "while_loop_filling_a_numpy_array_valid",
        NB,
        (Edit("setup", "import torch", "import numpy as np\nimport torch"),
         Edit("training-loop", SOLUTION_LOOP, """losses = np.zeros(epochs)
epoch = 0
while epoch < epochs:
    loss = mse(predict(X_train, W, b), y_train)
    W.grad, b.grad = None, None
    loss.backward()
    W.data -= lr * W.grad.data
    b.data -= lr * b.grad.data
    losses[epoch] = float(loss)
    epoch += 1
"""),),
        why="valid: a while loop that counts to `epochs`; a NumPy array of the losses; "
            "float(loss); the reset before backward()",
    ),
    Case(
        "train_step_with_autograd_grad_and_a_plain_float_valid",
        NB,
        (Edit("train-step", SOLUTION_STEP, """    loss = mse(predict(X, W, b), y)
    # torch.autograd.grad returns the gradients without storing them in .grad
    grad_W, grad_b = torch.autograd.grad(loss, [W, b])
    with torch.no_grad():
        W.sub_(lr * grad_W)
        b.sub_(lr * grad_b)
    return float(loss)
"""),
         Edit("accumulated-grad", SOLUTION_ACCUMULATED,
              "    for i in range(calls):\n        y = 2 * w\n        y.backward()\n")),
        why="valid: torch.autograd.grad leaves .grad alone, so nothing accumulates; float(loss)",
    ),
    Case(
        "update_helper_in_its_own_cell_and_a_loss_plot_valid",
        NB,
        (Edit("setup", new="""def gradient_step(params, lr):
    \"\"\"One step against the gradient, then the gradients dropped.\"\"\"
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad = None
""", insert_after=True),
         Edit("training-loop", SOLUTION_LOOP, """for epoch in range(epochs):
    loss = mse(predict(X_train, W, b), y_train)
    loss.backward()
    gradient_step([W, b], lr)
    losses.append(loss.item())
"""),
         Edit("training-loop", new="""import matplotlib.pyplot as plt

plt.plot(range(1, epochs + 1), losses)
plt.xlabel("epoch")
plt.ylabel("MSE")
plt.yscale("log")
plt.title("손실 곡선 (loss curve)")
plt.show()
""", insert_after=True)),
        why="valid: a helper defined in a cell of its own; a matplotlib figure of the losses",
    ),
    Case(
        "losses_appended_after_the_loop",
        NB,
        (Edit("training-loop", "    losses.append(loss.item())\n",
              "losses.append(loss.item())\n"),),
        fails={LOSSES: "inside the loop"},
        why="the append is not indented: one loss, the last one, for 1000 epochs (the training "
            "itself is right: the parameters are not charged)",
    ),
    Case(
        "update_adds_the_gradient",
        NB,
        (Edit("training-loop", "        W -= lr * W.grad\n        b -= lr * b.grad\n",
              "        W += lr * W.grad\n        b += lr * b.grad\n"),),
        fails={LOSSES: "sign", PARAMETERS: "sign"},
        why="a step along the gradient climbs the loss: it grows until it overflows",
    ),
    Case(
        "train_step_zeroes_gradients_before_any_backward",
        NB,
        (Edit("train-step", SOLUTION_STEP, """\
    W.grad.zero_()  # .grad is None until the first backward()
    b.grad.zero_()
    loss = mse(predict(X, W, b), y)
    loss.backward()
    with torch.no_grad():
        W -= lr * W.grad
        b -= lr * b.grad
    return loss.item()
"""),),
        fails={
            # every call of train_step on fresh parameters raises: its three tests say why
            ONE_STEP: "before any backward()",
            RESET: "before any backward()",
            # a hidden test names only the error: its kernel's text is withheld
            REPEATED: "raised AttributeError",
        },
        why="zero_() on a .grad that is still None raises AttributeError",
    ),
    Case(
        "update_rebinds_the_parameters",
        NB,
        (Edit("training-loop", "        W -= lr * W.grad\n        b -= lr * b.grad\n",
              "        W = W - lr * W.grad\n        b = b - lr * b.grad\n"),),
        fails={LOSSES: "instead of updated in place", PARAMETERS: "instead of updated in place"},
        why="W = W - ... inside torch.no_grad() makes new tensors that track nothing: the "
            "next epoch's backward() raises, and the loop's cell stops",
    ),
]
