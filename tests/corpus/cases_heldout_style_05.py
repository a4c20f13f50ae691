"""Assignment 5 in the shapes held-out submissions take: a design matrix padded with a column of
ones or built row by row, `F.mse_loss` on `view_as`, both shapes squeezed, `torch.mv`, a weight
written through a slice, `zero_grad(set_to_none=True)` after the step; and mistakes alone and
two at a time (the noise drawn before x, a loss that reshapes to the notebook's 100 rows, the
root of the mean, the weight copied while autograd tracks it, a halved rate with an extra
epoch, no reset for twice the epochs). Written afresh; each mistake names causes a careless
grader would wrongly give.
"""

from tests.corpus.case import Case, Edit
from tests.corpus.cases_05_design_matrix_and_broadcasting import (
    DATA,
    INITIAL,
    LOSS,
    NB,
    TRAINING,
    WEIGHT,
)
from tests.corpus.cases_05_idioms import SOLUTION_DESIGN, SOLUTION_LOSS
from tests.corpus.cases_05_tutorial_idioms import SOLUTION_DRAWS, SOLUTION_WEIGHT

WITH_F = Edit("imports", "from torch import nn",
              "from torch import nn\nimport torch.nn.functional as F")
SOLUTION_DATA = """x, _ = torch.randn(n).sort()
X = design_matrix(x)
W_true = torch.tensor([2.5, 4.0])
noise = 0.4 * torch.randn(n)
"""
SOLUTION_TRAINING_LOOP = """for epoch in range(epochs):
    loss = mse_loss(model(X), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
"""
NOT_THERE = ("broadcast", "half the", "sum of the squared", "never reset")

CASES = [
    Case(
        "design_matrix_padded_with_ones_and_mse_on_view_as_valid",
        NB,
        (WITH_F,
         Edit("design-matrix", SOLUTION_DESIGN,
              "    return F.pad(x.unsqueeze(1), (1, 0), value=1.0)  # a 1 before each x\n"),
         Edit("mse-loss", SOLUTION_LOSS, "    return F.mse_loss(y_hat, y.view_as(y_hat))\n")),
        why="valid: F.pad puts a column of ones first; y.view_as(y_hat) matches the shapes",
    ),
    Case(
        "rows_built_one_by_one_squeezed_shapes_and_torch_mv_valid",
        NB,
        (Edit("design-matrix", SOLUTION_DESIGN,
              "    return torch.tensor([[1.0, value.item()] for value in x])\n"),
         Edit("data", SOLUTION_DRAWS, "x = torch.sort(torch.randn(n))[0]"),
         Edit("data", "y = X @ W_true + noise", "y = torch.mv(X, W_true) + noise"),
         Edit("mse-loss", SOLUTION_LOSS,
              "    return (y_hat.squeeze() - y.squeeze()).pow(2).mean()\n")),
        why="valid: one row [1, x_i] per value; squeezing both sides pairs prediction i with "
            "target i, one row included; torch.mv is X @ W_true",
    ),
    Case(
        "weight_written_through_a_slice_and_set_to_none_after_the_step_valid",
        NB,
        (Edit("model", SOLUTION_WEIGHT,
              "with torch.no_grad():\n    model.weight[:] = torch.tensor([[-5.0, 10.0]])\n"),
         Edit("training", SOLUTION_TRAINING_LOOP, """for epoch in range(epochs):
    y_hat = model(X)
    loss = mse_loss(y_hat, y)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    losses.append(loss.detach().item())
""")),
        why="valid: the weight written in place under no_grad; the gradients dropped after "
            "the step",
    ),
    Case(
        "noise_drawn_before_x",
        NB,
        (Edit("data", SOLUTION_DATA, """noise = 0.4 * torch.randn(n)
x, _ = torch.randn(n).sort()
X = design_matrix(x)
W_true = torch.tensor([2.5, 4.0])
"""),),
        fails={DATA: "in that order"},
        never_said=("torch.rand's draws", "not sorted", "without the noise"),
        why="the draws come in order: noise first changes x and the noise; the loss and the "
            "training replay the notebook's own data and pass",
    ),
    Case(
        "mse_loss_reshapes_targets_to_the_notebooks_hundred_rows",
        NB,
        (Edit("mse-loss", SOLUTION_LOSS,
              "    return ((y_hat - y.reshape(100, 1)) ** 2).mean()\n"),),
        fails={LOSS: "works only on data of the notebook's size"},
        never_said=NOT_THERE,
        why="reshape(100, 1) raises on the grader's 8 rows: the error quotes the notebook's 100",
    ),
    Case(
        "mse_loss_as_the_root_of_the_mean",
        NB,
        (Edit("mse-loss", SOLUTION_LOSS,
              "    return torch.sqrt(((y_hat.reshape(-1) - y.reshape(-1)) ** 2).mean())\n"),),
        fails={LOSS: "square root"},
        never_said=NOT_THERE,
        why="the root mean squared error: its own test only (the loop replays the notebook's "
            "own loss)",
    ),
    Case(
        "weight_copied_while_autograd_tracks_it",
        NB,
        (Edit("model", SOLUTION_WEIGHT,
              "model.weight.copy_(torch.tensor([[-5.0, 10.0]]))\n"),),
        fails={INITIAL: "torch.no_grad()", TRAINING: "torch.no_grad()", WEIGHT: "torch.no_grad()"},
        never_said=("not implemented", "typed in", "mini-batch"),
        why="copy_ on a parameter outside torch.no_grad() raises: the model cell stops, and the "
            "tests that read the model say so (the notebook trains from another start)",
    ),
    Case(
        "rate_halved_and_one_epoch_too_many",
        NB,
        (Edit("training", "lr = 0.1\n", "lr = 0.05\n"),
         Edit("training", "for epoch in range(epochs):", "for epoch in range(epochs + 1):")),
        fails={TRAINING: "one epoch too many"},
        never_said=("never reset", "runs twice"),
        why="two mistakes, one visible: the count names the extra epoch; at half the rate the "
            "weight still converges within 0.01 of the lesson's",
    ),
    Case(
        "no_reset_for_twice_the_epochs",
        NB,
        (Edit("training", "epochs = 100\n", "epochs = 200\n"),
         Edit("training", "    optimizer.zero_grad()\n", "")),
        fails={TRAINING: "twice as many", WEIGHT: "never reset"},
        never_said=("broadcast", "sum of the squared"),
        why="two mistakes: twice the epochs (the count), gradients piling up (the weight)",
    ),
]
