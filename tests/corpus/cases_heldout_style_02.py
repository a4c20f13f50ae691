"""Assignment 2 in the shapes held-out submissions take: the official tutorial's loop (`.mm`,
`.pow(2)`, `p.grad = None` inside `torch.no_grad()`), `.data.sub_` updates, device-agnostic
data and a while loop, a graph kept for repeated backward() calls, an optimizer made inside
train_step; and mistakes alone and two at a time (`.item()` before backward(), a detached
prediction, a rate typed into the update with an extra epoch, a summed loss one epoch short).
Written afresh; each mistake names the causes a careless grader would wrongly give.
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
from tests.corpus.cases_02_tutorial_idioms import ONE_STEP, REPEATED

LOOP_HEAD = "for epoch in range(epochs):"
LOSS_LINE = "    loss = mse(predict(X_train, W, b), y_train)\n"
UPDATE = "        W -= lr * W.grad\n        b -= lr * b.grad\n"
STEP_LOSS = "    loss = mse(predict(X, W, b), y)\n"

CASES = [
    Case(
        "official_tutorial_loop_with_grad_none_inside_no_grad_valid",
        NB,
        (Edit("training-loop", SOLUTION_LOOP, """for t in range(epochs):
    y_pred = X_train.mm(W) + b
    loss = (y_pred - y_train).pow(2).mean()
    if t % 100 == 99:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        W -= lr * W.grad
        b -= lr * b.grad
        W.grad = None
        b.grad = None
    losses.append(loss.item())
"""),),
        why="valid: the official 'Learning PyTorch with Examples' loop, its gradients dropped "
            "to None inside the no_grad block",
    ),
    Case(
        "data_sub_updates_and_float_of_the_loss_valid",
        NB,
        (Edit("training-loop", SOLUTION_LOOP, """for epoch in range(epochs):
    loss = mse(predict(X_train, W, b), y_train)
    loss.backward()
    W.data.sub_(lr * W.grad.data)
    b.data.sub_(lr * b.grad.data)
    W.grad.data.zero_()
    b.grad.data.zero_()
    losses.append(float(loss))
"""),
         Edit("train-step", SOLUTION_STEP, """    W.grad = None
    b.grad = None
    loss = mse(predict(X, W, b), y)
    loss.backward()
    W.data -= lr * W.grad.data
    b.data -= lr * b.grad.data
    return float(loss)
""")),
        why="valid: older tutorials' .data updates; float(loss) is loss.item()",
    ),
    Case(
        "device_agnostic_data_and_a_while_loop_valid",
        NB,
        (Edit("training-loop", SOLUTION_LOOP, """\
device = "cuda" if torch.cuda.is_available() else "cpu"
X, y = X_train.to(device), y_train.to(device)
epoch = 0
while epoch < epochs:
    loss = mse(predict(X, W, b), y)
    loss.backward()
    with torch.no_grad():
        W -= lr * W.grad
        b -= lr * b.grad
    W.grad.zero_()
    b.grad.zero_()
    losses.append(loss.item())
    epoch += 1
"""),),
        why="valid: data moved to the available device, a while loop counting epochs",
    ),
    Case(
        "one_graph_backpropagated_repeatedly_and_an_optimizer_inside_train_step_valid",
        NB,
        (Edit("accumulated-grad", SOLUTION_ACCUMULATED,
              "    y = 2 * w  # one graph, kept for every call\n"
              "    for _ in range(calls):\n        y.backward(retain_graph=True)\n"),
         Edit("train-step", SOLUTION_STEP, """\
    optimizer = torch.optim.SGD([W, b], lr=lr)  # plain SGD keeps no state
    optimizer.zero_grad()
    loss = mse(predict(X, W, b), y)
    loss.backward()
    optimizer.step()
    return loss.item()
""")),
        why="valid: backward() on one retained graph adds the same 2 each call; an SGD "
            "optimizer made in every call takes the same step",
    ),
    Case(
        "squared_error_in_place_on_a_fresh_tensor_valid",
        NB,
        (Edit("training-loop", LOSS_LINE,
              "    err = predict(X_train, W, b) - y_train\n"
              "    err.pow_(2)  # in place on a fresh tensor: autograd keeps what it needs\n"
              "    loss = err.mean()\n"),),
        why="valid: an in-place square of an intermediate tensor that autograd can still "
            "differentiate",
    ),
    Case(
        "item_taken_before_backward",
        NB,
        (Edit("training-loop", LOSS_LINE,
              "    loss = mse(predict(X_train, W, b), y_train).item()\n"),
         Edit("training-loop", "    losses.append(loss.item())\n", "    losses.append(loss)\n")),
        fails={LOSSES: "'float' object has no attribute 'backward'",
               PARAMETERS: "'float' object has no attribute 'backward'"},
        never_said=("not implemented", "never reset", "learning rate"),
        why=".item() on the loss before backward(): a number has no graph",
    ),
    Case(
        "rate_typed_into_the_update_and_one_epoch_too_many",
        NB,
        (Edit("training-loop", UPDATE,
              "        W -= 0.001 * W.grad\n        b -= 0.001 * b.grad\n"),
         Edit("training-loop", LOOP_HEAD, "for epoch in range(epochs + 1):")),
        fails={LOSSES: "one epoch too many", PARAMETERS: "the learning rate is 0.001"},
        never_said=("never reset", "runs twice", "half the mean", "sum of the squared"),
        why="two mistakes: the count names the extra epoch; the parameters, far from the "
            "lesson's, are explained by the rate (the extra epoch changes little)",
    ),
    Case(
        "summed_loss_and_one_epoch_short",
        NB,
        (Edit("training-loop", LOSS_LINE,
              "    loss = ((predict(X_train, W, b) - y_train) ** 2).sum()\n"),
         Edit("training-loop", LOOP_HEAD, "for epoch in range(1, epochs):")),
        fails={LOSSES: "one epoch short", PARAMETERS: "sum of the squared errors"},
        never_said=("never reset", "learning rate is"),
        why="two mistakes: range(1, epochs) runs 999 epochs; the sum makes every step three "
            "times larger",
    ),
    Case(
        "prediction_detached_inside_train_step",
        NB,
        (Edit("train-step", STEP_LOSS, "    loss = mse(predict(X, W, b).detach(), y)\n"),),
        fails={ONE_STEP: "does not require grad", RESET: "does not require grad",
               REPEATED: "RuntimeError"},
        never_said=("not implemented", "accumulate"),
        why="a detached graph: backward() has nothing to differentiate (every test that "
            "calls train_step sees the error)",
    ),
    Case(
        "train_step_returns_the_loss_after_its_update",
        NB,
        (Edit("train-step", "    return loss.item()\n",
              "    return mse(predict(X, W, b), y).item()  # the new loss\n"),),
        fails={ONE_STEP: "computed before the update"},
        never_said=("scales with the number of rows", "half of it", "sum of the squared"),
        why="the loss after the step, not the one the step was computed from",
    ),
    Case(
        "train_step_without_reset_and_a_rate_typed_in",
        NB,
        (Edit("train-step", "    for p in (W, b):\n        if p.grad is not None:\n"
                            "            p.grad.zero_()\n", ""),
         Edit("train-step", UPDATE, "        W -= 0.01 * W.grad\n        b -= 0.01 * b.grad\n")),
        fails={ONE_STEP: "as a learning rate of 0.01 would", RESET: "Gradients accumulate",
               REPEATED: "expected below"},
        never_said=("did not move",),
        why="two mistakes in one function: the first call moves W by 0.01 instead of lr "
            "times the gradient (its own test), the second repeats the first (the reset's)",
    ),
]
