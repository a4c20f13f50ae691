"""Assignment 5 as more tutorials write it: d2l's torch.normal noise, .sort().values, a design
matrix filled in place or made with torch.hstack, a weight replaced by an nn.Parameter or
loaded from a state dict, a criterion on flattened outputs in the loop; and an unsqueeze that
only suits flat targets. Written afresh.
"""

from tests.corpus.case import Case, Edit
from tests.corpus.cases_05_idioms import LOSS, NB, SOLUTION_DESIGN, SOLUTION_LOSS

SOLUTION_DRAWS = "x, _ = torch.randn(n).sort()"
SOLUTION_NOISE = "noise = 0.4 * torch.randn(n)"
SOLUTION_WEIGHT = ("with torch.no_grad():\n"
                   "    model.weight.copy_(torch.tensor([[-5.0, 10.0]]))\n")
SOLUTION_LOOP_LOSS = "    loss = mse_loss(model(X), y)\n"

CASES = [
    Case(
        "noise_from_torch_normal_and_sort_values_valid",
        NB,
        (Edit("data", SOLUTION_DRAWS, "x = torch.randn(n).sort().values"),
         Edit("data", SOLUTION_NOISE, "noise = torch.normal(0.0, 0.4, size=(n,))  # sd 0.4")),
        why="valid: torch.normal(0, 0.4, size) draws 0.4 times what torch.randn does; "
            ".sort().values keeps the sorted values",
    ),
    Case(
        "design_matrix_filled_in_place_and_weight_as_a_new_parameter_valid",
        NB,
        (Edit("design-matrix", SOLUTION_DESIGN,
              "    X = torch.ones(len(x), 2)\n    X[:, 1] = x  # the first column stays ones\n"
              "    return X\n"),
         Edit("model", SOLUTION_WEIGHT,
              "model.weight = nn.Parameter(torch.tensor([[-5.0, 10.0]]))\n")),
        why="valid: a matrix of ones with x written into its second column; the weight "
            "replaced by a new nn.Parameter before the optimizer is made",
    ),
    Case(
        "hstack_design_matrix_state_dict_and_criterion_in_the_loop_valid",
        NB,
        (Edit("design-matrix", SOLUTION_DESIGN,
              "    return torch.hstack([torch.ones(x.shape[0], 1), x.reshape(-1, 1)])\n"),
         Edit("model", SOLUTION_WEIGHT,
              'model.load_state_dict({"weight": torch.tensor([[-5.0, 10.0]])})\n'),
         Edit("mse-loss", SOLUTION_LOSS,
              "    return torch.mean((y_hat.flatten() - y.flatten()) ** 2)\n"),
         Edit("training", SOLUTION_LOOP_LOSS,
              "    loss = nn.MSELoss()(model(X).squeeze(1), y)  # (100,) against (100,)\n")),
        why="valid: torch.hstack of two columns; load_state_dict; .flatten() on both sides; "
            "nn.MSELoss on matching (N,) shapes in the loop",
    ),
    Case(
        "mse_loss_with_its_arguments_swapped_valid",
        NB,
        (Edit("training", SOLUTION_LOOP_LOSS, "    loss = mse_loss(y, model(X))\n"),
         Edit("training", "    optimizer.zero_grad()\n",
              "    optimizer.zero_grad(set_to_none=True)\n")),
        why="valid: the squared error is symmetric, so target first gives the same loss",
    ),
    Case(
        "mse_loss_unsqueezes_the_targets",
        NB,
        (Edit("imports", "from torch import nn",
              "from torch import nn\nimport torch.nn.functional as F"),
         Edit("mse-loss", SOLUTION_LOSS,
              "    return F.mse_loss(y_hat, y.unsqueeze(1))  # y (N,) -> (N, 1)\n")),
        fails={LOSS: "every prediction paired with every target"},
        why="right for (N,) targets, but (N, 1) ones become (N, 1, 1) and broadcast: the "
            "notebook's own (100,) y hides it (charged once, by mse_loss's test)",
    ),
    Case(
        "targets_kept_as_a_column",
        NB,
        (Edit("data", "y = X @ W_true + noise", "y = (X @ W_true + noise).reshape(-1, 1)"),),
        fails={"test_data_are_the_seeded_lesson_data_with_flat_targets": "extra column"},
        why="the lesson keeps y flat, (100,), to show the trap; a column is another shape "
            "(mse_loss pairs it right, so the run on it is not charged again)",
    ),
]
