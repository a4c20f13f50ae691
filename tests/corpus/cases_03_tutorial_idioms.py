"""Assignment 3 as more tutorials write it: `from torch import optim`, data from torch.arange,
zero_grad(set_to_none=True), draws as one tensor or from a generator of their own, a set_seed()
helper and nn.Parameter; and a train_step that makes its own optimizer. Written afresh.
"""

from tests.corpus.case import Case, Edit
from tests.corpus.cases_03_idioms import NB, SOLUTION_FROM_SEED, SOLUTION_LOOP, SOLUTION_STEP

ONE_STEP = "test_train_step_is_one_step_of_the_optimizer_it_is_given"

SOLUTION_DATA = ("X_train = torch.tensor([[1.0], [2.0], [3.0]])\n"
                 "y_train = torch.tensor([[2.0], [4.0], [6.0]])\n")
SOLUTION_DRAWS = ("    torch.manual_seed(seed)\n"
                  "    return [torch.rand(1).item() for _ in range(n)]\n")

CASES = [
    Case(
        "optim_alias_arange_data_and_set_to_none_valid",
        NB,
        (Edit("imports", "import torch", "import torch\nfrom torch import optim"),
         Edit("training-data", SOLUTION_DATA,
              "X_train = torch.arange(1, 4, dtype=torch.float32).view(-1, 1)\n"
              "y_train = 2 * X_train  # y = 2x\n"),
         Edit("training-loop", SOLUTION_LOOP, """optimizer = optim.SGD([W, b], lr=lr)
for epoch in range(1, epochs + 1):
    hypothesis = X_train.matmul(W) + b
    cost = torch.mean((hypothesis - y_train) ** 2)
    optimizer.zero_grad(set_to_none=True)
    cost.backward()
    optimizer.step()
    losses.append(float(cost))
"""),
         Edit("train-step", SOLUTION_STEP, """    optimizer.zero_grad(set_to_none=True)
    cost = ((X.matmul(W) + b - y) ** 2).mean()
    cost.backward()
    optimizer.step()
    return cost.item()
""")),
        why="valid: optim.SGD, torch.arange(...).view(-1, 1), zero_grad(set_to_none=True) "
            "first, float(cost)",
    ),
    Case(
        "seeded_draws_as_one_tensor_valid",
        NB,
        (Edit("seeded-draws", SOLUTION_DRAWS,
              "    torch.manual_seed(seed)\n    return torch.rand(n).tolist()\n"),),
        why="valid: torch.rand(n) draws the same sequence as n calls of torch.rand(1)",
    ),
    Case(
        "seeded_draws_from_a_generator_of_its_own_valid",
        NB,
        (Edit("seeded-draws", SOLUTION_DRAWS,
              "    generator = torch.Generator().manual_seed(seed)\n"
              "    return [torch.rand(1, generator=generator).item() for _ in range(n)]\n"),),
        why="valid: a torch.Generator seeded with the seed gives the same draws, without "
            "touching the global generator",
    ),
    Case(
        "set_seed_helper_and_parameters_in_train_from_seed_valid",
        NB,
        (Edit("seed-demo", new="""import random

import numpy as np


def set_seed(seed):
    \"\"\"Seed every generator a run may use.\"\"\"
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
""", insert_after=True),
         Edit("train-from-seed", SOLUTION_FROM_SEED, """    set_seed(seed)
    W = torch.nn.Parameter(torch.randn(1, 1))
    b = torch.nn.Parameter(torch.randn(1))
    optimizer = torch.optim.SGD([W, b], lr=0.01)
    losses = []
    for epoch in range(1, epochs + 1):
        losses.append(train_step(X, y, W, b, optimizer))
""")),
        why="valid: a seeding helper defined in another cell; nn.Parameter draws the same "
            "numbers as requires_grad=True",
    ),
    Case(
        "optimizer_created_in_every_epoch_valid",
        NB,
        (Edit("training-loop", SOLUTION_LOOP, """for epoch in range(epochs):
    optimizer = torch.optim.SGD([W, b], lr=lr)  # plain SGD keeps no state between steps
    cost = torch.mean((X_train @ W + b - y_train) ** 2)
    optimizer.zero_grad()
    cost.backward()
    optimizer.step()
    losses.append(cost.item())
"""),),
        why="valid, if wasteful: plain SGD without momentum has no state, so a new optimizer "
            "every epoch takes the same steps",
    ),
    Case(
        "train_step_makes_its_own_optimizer",
        NB,
        (Edit("train-step", SOLUTION_STEP, """\
    sgd = torch.optim.SGD([W, b], lr=0.01)  # not the optimizer it is given
    cost = torch.mean((X @ W + b - y) ** 2)
    sgd.zero_grad()
    cost.backward()
    sgd.step()
    return cost.item()
"""),),
        fails={ONE_STEP: "do not create another optimizer inside"},
        why="the optimizer passed in (here at lr 0.05) is ignored: one step of the grader's "
            "call moves W and b by lr 0.01 (train_from_seed uses lr 0.01 too: not charged "
            "again)",
    ),
    Case(
        "train_step_resets_between_backward_and_step",
        NB,
        (Edit("train-step", SOLUTION_STEP, """    cost = torch.mean((X @ W + b - y) ** 2)
    cost.backward()
    optimizer.zero_grad()  # too late: the gradients just computed are gone
    optimizer.step()
    return cost.item()
"""),),
        fails={ONE_STEP: "do not reset the gradients between backward() and step()"},
        why="zero_grad() between backward() and step() wipes the gradients: W and b never "
            "move (train_from_seed does the steps asked with that train_step: not charged "
            "again)",
    ),
]
