"""Assignment 3 in the shapes held-out submissions take: a loss module on torch.addmm with
zero_grad(set_to_none=False) at the end, F.mse_loss and float(cost) in train_step, the
generator torch.manual_seed returns, torch.random.manual_seed, device-agnostic data; and
mistakes alone and two at a time (momentum pasted from a tutorial, with an extra epoch; the
reset between backward() and step(); .item() before backward(); the notebook's own data inside
train_step; float16 data; the seed set between the two draws; a pasted rate with a summed
loss). Written afresh; each mistake names causes a careless grader would wrongly give.
"""

from tests.corpus.case import Case, Edit
from tests.corpus.cases_03_idioms import (
    LOOP,
    NB,
    PARAMETERS,
    SEED_MATCH,
    SOLUTION_FROM_SEED,
    SOLUTION_LOOP,
    SOLUTION_STEP,
)
from tests.corpus.cases_03_tutorial_idioms import ONE_STEP

RESET = "test_train_step_resets_gradients_between_calls"
SAME_SEED = "test_train_from_seed_is_identical_for_the_same_seed"
OTHER_SEED = "test_train_from_seed_differs_between_seeds"
OPTIMIZER = "optimizer = torch.optim.SGD([W, b], lr=lr)\n"
LOOP_HEAD = "for epoch in range(epochs):"
COST = "    cost = torch.mean((X_train @ W + b - y_train) ** 2)\n"
SOLUTION_DRAWS_CALL = "    return [torch.rand(1).item() for _ in range(n)]\n"
WITH_F = Edit("imports", "import torch", "import torch\nimport torch.nn.functional as F")
TUTORIAL_GUESSES = ("the learning rate is", "sum of the squared errors", "one step per data point",
                    "never reset", "runs twice", "half the mean")

CASES = [
    Case(
        "loss_module_on_addmm_and_zero_grad_kept_at_the_end_valid",
        NB,
        (Edit("training-loop", SOLUTION_LOOP, """optimizer = torch.optim.SGD([W, b], lr=lr)
loss_fn = torch.nn.MSELoss(reduction="mean")
for epoch in range(epochs):
    cost = loss_fn(torch.addmm(b, X_train, W), y_train)
    cost.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=False)
    losses += [cost.item()]
"""),),
        why="valid: nn.MSELoss on torch.addmm, the gradients zeroed (not dropped) after the step",
    ),
    Case(
        "functional_loss_float_cost_and_the_seeded_generator_valid",
        NB,
        (WITH_F,
         Edit("train-step", SOLUTION_STEP, """    optimizer.zero_grad(set_to_none=True)
    cost = F.mse_loss(X.mm(W) + b, y)
    cost.backward()
    optimizer.step()
    return float(cost)
"""),
         Edit("seeded-draws", "    torch.manual_seed(seed)\n" + SOLUTION_DRAWS_CALL,
              "    generator = torch.manual_seed(seed)  # returns the default generator\n"
              "    return [float(torch.rand(1, generator=generator)) for _ in range(n)]\n")),
        why="valid: F.mse_loss, X.mm(W), float(cost); torch.manual_seed returns the generator "
            "it seeded",
    ),
    Case(
        "train_from_seed_with_the_random_module_and_an_explicit_loop_valid",
        NB,
        (Edit("train-from-seed", SOLUTION_FROM_SEED, """    torch.random.manual_seed(seed)
    W = torch.randn((1, 1)).requires_grad_()
    b = torch.randn((1,)).requires_grad_()
    optimizer = torch.optim.SGD(params=[W, b], lr=0.01)
    losses = []
    for epoch in range(epochs):
        losses.append(train_step(X, y, W, b, optimizer))
"""),),
        why="valid: torch.random.manual_seed is torch.manual_seed; shapes as tuples; "
            "requires_grad_ after the draw",
    ),
    Case(
        "device_agnostic_training_data_valid",
        NB,
        (Edit("training-loop", OPTIMIZER,
              'device = "cuda" if torch.cuda.is_available() else "cpu"\n'
              "X_dev, y_dev = X_train.to(device), y_train.to(device)\n" + OPTIMIZER),
         Edit("training-loop", COST, "    cost = torch.mean((X_dev @ W + b - y_dev) ** 2)\n")),
        why="valid: the data moved to the available device (the CPU here)",
    ),
    Case(
        "momentum_pasted_from_a_tutorial",
        NB,
        (Edit("training-loop", OPTIMIZER,
              "optimizer = torch.optim.SGD([W, b], lr=lr, momentum=0.9)\n"),),
        fails={PARAMETERS: "then leave it"},
        never_said=TUTORIAL_GUESSES,
        why="momentum is no usual mistake the grader re-runs: it converges fully, as a summed "
            "loss or another rate would, so no cause is guessed; the losses say where it "
            "leaves the lesson's training (the loss itself ends below 1e-5)",
    ),
    Case(
        "momentum_and_one_epoch_too_many",
        NB,
        (Edit("training-loop", OPTIMIZER,
              "optimizer = torch.optim.SGD([W, b], lr=lr, momentum=0.9)\n"),
         Edit("training-loop", LOOP_HEAD, "for epoch in range(epochs + 1):")),
        fails={LOOP: "one epoch too many", PARAMETERS: "then leave it"},
        never_said=TUTORIAL_GUESSES,
        why="two mistakes, one the grader can name (the count) and one it cannot re-run",
    ),
    Case(
        "zero_grad_between_backward_and_step_in_the_loop",
        NB,
        (Edit("training-loop", "    optimizer.zero_grad()\n    cost.backward()\n"
                               "    optimizer.step()\n",
              "    cost.backward()\n    optimizer.zero_grad()\n    optimizer.step()\n"),),
        fails={LOOP: "never move from their start", PARAMETERS: "never move from their start"},
        never_said=("the learning rate is", "never reset", "sum of the squared errors"),
        why="the reset wipes each gradient before the step: W and b stay at zero",
    ),
    Case(
        "item_taken_before_backward_in_train_step",
        NB,
        (Edit("train-step", "    cost = torch.mean((X @ W + b - y) ** 2)\n",
              "    cost = torch.mean((X @ W + b - y) ** 2).item()\n"),),
        fails={ONE_STEP: "'float' object has no attribute 'backward'",
               RESET: "'float' object has no attribute 'backward'"},
        never_said=("not implemented",),
        why="train_step raises on every call: its own tests quote the error; the tests of "
            "train_from_seed judge its seeds with the lesson's step in its place",
    ),
    Case(
        "train_step_on_the_notebooks_own_data",
        NB,
        (Edit("train-step", "    cost = torch.mean((X @ W + b - y) ** 2)\n",
              "    cost = torch.mean((X_train @ W + b - y_train) ** 2)\n"),),
        fails={ONE_STEP: "notebook's own X_train and y_train"},
        never_said=("scales with the number of rows", "half of it", "sum of the squared"),
        why="the notebook's X_train and y_train instead of the X and y given",
    ),
    Case(
        "float16_data_meets_float32_parameters",
        NB,
        (Edit("training-data", "X_train = torch.tensor([[1.0], [2.0], [3.0]])",
              "X_train = torch.tensor([[1.0], [2.0], [3.0]], dtype=torch.float16)"),
         Edit("training-data", "y_train = torch.tensor([[2.0], [4.0], [6.0]])",
              "y_train = torch.tensor([[2.0], [4.0], [6.0]], dtype=torch.float16)")),
        fails={LOOP: "different dtypes", PARAMETERS: "different dtypes"},
        never_said=("not implemented", "learning rate"),
        why="any float dtype is fine for the data test, but X_train @ W of float16 and "
            "float32 raises in the training cell",
    ),
    Case(
        "seed_set_between_the_two_draws",
        NB,
        (Edit("train-from-seed", "    torch.manual_seed(seed)\n"
                                 "    W = torch.randn(1, 1, requires_grad=True)\n",
              "    W = torch.randn(1, 1, requires_grad=True)\n"
              "    torch.manual_seed(seed)\n"),),
        fails={SAME_SEED: "torch.manual_seed(seed)", SEED_MATCH: "differs from the reference"},
        never_said=("drawing b before W", "torch.rand start"),
        why="W drawn before seeding: not reproducible, and not the reference's start (as "
            "for no seed at all, the two tests that see it)",
    ),
    Case(
        "pasted_rate_with_a_summed_loss_diverges",
        NB,
        (Edit("training-loop", OPTIMIZER, "optimizer = torch.optim.SGD([W, b], lr=0.1)\n"),
         Edit("training-loop", COST, "    cost = torch.sum((X_train @ W + b - y_train) ** 2)\n")),
        fails={LOOP: "sum of the squared errors", PARAMETERS: "two changes"},
        never_said=("never reset",),
        why="a tenfold rate on a threefold loss overshoots: the training diverges",
    ),
]
