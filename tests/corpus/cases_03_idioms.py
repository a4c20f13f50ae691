"""Assignment 3 written as public tutorials write it (valid idioms, and the usual mistakes).

Idioms seen in the Korean study notes (hypothesis = x_train * W + b, a print every 100 epochs
with str.format, `for epoch in range(nb_epochs + 1)`), the PyTorch docs (F.mse_loss, a
criterion = nn.MSELoss(), zero_grad() at the end of a step) and DataLoader loops. Written afresh.
"""

from tests.corpus.case import Case, Edit

NB = "03_optimizer_and_seeds.ipynb"
DATA = "test_training_data_are_the_y_equals_2x_columns"
LOOP = "test_sgd_loop_records_a_loss_per_epoch_that_ends_below_1e_5"
PARAMETERS = "test_trained_W_and_b_are_near_the_reference"
SEED_MATCH = "test_train_from_seed_matches_the_reference"

SOLUTION_LOOP = """optimizer = torch.optim.SGD([W, b], lr=lr)
for epoch in range(epochs):
    cost = torch.mean((X_train @ W + b - y_train) ** 2)
    optimizer.zero_grad()
    cost.backward()
    optimizer.step()
    losses.append(cost.item())
    if epoch % 500 == 0:
        print(f"epoch {epoch:4d}: W = {W.item():.3f}, b = {b.item():.3f}, cost = {cost.item():.6f}")
"""
SOLUTION_STEP = """    cost = torch.mean((X @ W + b - y) ** 2)
    optimizer.zero_grad()
    cost.backward()
    optimizer.step()
    return cost.item()
"""
SOLUTION_FROM_SEED = """    torch.manual_seed(seed)
    W = torch.randn(1, 1, requires_grad=True)
    b = torch.randn(1, requires_grad=True)
    optimizer = torch.optim.SGD([W, b], lr=0.01)
    losses = [train_step(X, y, W, b, optimizer) for _ in range(epochs)]
"""

MINI_BATCHES = "from torch.utils.data import DataLoader, TensorDataset\n"

CASES = [
    Case(
        "study_notes_loop_with_a_print_every_100_epochs_valid",
        NB,
        (Edit("training-data", "X_train = torch.tensor([[1.0], [2.0], [3.0]])",
              "X_train = torch.FloatTensor([[1], [2], [3]])"),
         Edit("training-data", "y_train = torch.tensor([[2.0], [4.0], [6.0]])",
              "y_train = torch.FloatTensor([[2], [4], [6]])"),
         Edit("training-loop", SOLUTION_LOOP, """optimizer = torch.optim.SGD([W, b], lr=lr)
for epoch in range(epochs):
    # H(x) 계산
    hypothesis = X_train * W + b
    # cost 계산
    cost = torch.mean((hypothesis - y_train) ** 2)
    # cost로 H(x) 개선
    optimizer.zero_grad()
    cost.backward()
    optimizer.step()
    losses.append(cost.item())
    if epoch % 100 == 0:
        print('Epoch {:4d}/{} W: {:.3f}, b: {:.3f} Cost: {:.6f}'.format(
            epoch, epochs, W.item(), b.item(), cost.item()))
"""),),
        why="valid: the study notes' loop (x_train * W for one feature, a print every 100)",
    ),
    Case(
        "f_mse_loss_and_zero_grad_after_the_step_valid",
        NB,
        (Edit("imports", "import torch", "import torch\nimport torch.nn.functional as F"),
         Edit("train-step", SOLUTION_STEP, """    cost = F.mse_loss(X @ W + b, y)
    cost.backward()
    optimizer.step()
    optimizer.zero_grad()
    return cost.item()
"""),),
        why="valid: F.mse_loss, and the gradients reset after the step instead of before",
    ),
    Case(
        "mse_criterion_and_epochs_counted_from_one_valid",
        NB,
        (Edit("training-loop", SOLUTION_LOOP, """optimizer = torch.optim.SGD([W, b], lr=lr)
criterion = torch.nn.MSELoss()
for epoch in range(1, epochs + 1):
    cost = criterion(X_train @ W + b, y_train)
    optimizer.zero_grad()
    cost.backward()
    optimizer.step()
    losses.append(cost.item())
"""),),
        why="valid: nn.MSELoss as a criterion, range(1, epochs + 1)",
    ),
    Case(
        "loop_runs_nb_epochs_plus_one",
        NB,
        (Edit("training-loop", "for epoch in range(epochs):", "for epoch in range(epochs + 1):"),),
        fails={LOOP: "one epoch too many"},
        why="the study notes' `range(nb_epochs + 1)` with epochs = 2000: 2001 epochs (the "
            "parameters move by 1e-6: only the loss record's test charges it)",
    ),
    Case(
        "train_from_seed_runs_one_epoch_too_many",
        NB,
        (Edit("train-from-seed", "    losses = [train_step(X, y, W, b, optimizer) "
                                 "for _ in range(epochs)]\n",
              "    losses = []\n    for epoch in range(epochs + 1):\n"
              "        losses.append(train_step(X, y, W, b, optimizer))\n"),),
        fails={SEED_MATCH: "one epoch too many"},
        why="31 steps for epochs = 30: still reproducible, and different between seeds, so only "
            "the test against the reference charges it",
    ),
    Case(
        "train_from_seed_draws_b_before_W",
        NB,
        (Edit("train-from-seed", SOLUTION_FROM_SEED, """    torch.manual_seed(seed)
    b = torch.randn(1, requires_grad=True)
    W = torch.randn(1, 1, requires_grad=True)
    optimizer = torch.optim.SGD([W, b], lr=0.01)
    losses = [train_step(X, y, W, b, optimizer) for _ in range(epochs)]
"""),),
        fails={SEED_MATCH: "drawing b before W"},
        why="the draws come in order: b first gives another start",
    ),
    Case(
        "fabricated_losses_with_untrained_parameters",
        NB,
        (Edit("training-loop", SOLUTION_LOOP,
              "losses = [18.67 / (epoch + 1) ** 2 for epoch in range(epochs)]\n"),),
        fails={LOOP: "not those of the training", PARAMETERS: "differs from the reference"},
        why="a list typed in that ends below 1e-5, with W = b = 0: no points for it",
    ),
    Case(
        "mini_batches_of_two_rows_in_the_sgd_loop",
        NB,
        (Edit("training-loop", SOLUTION_LOOP, MINI_BATCHES + """\
optimizer = torch.optim.SGD([W, b], lr=lr)
loader = DataLoader(TensorDataset(X_train, y_train), batch_size=2, shuffle=True)
for epoch in range(epochs):
    for xb, yb in loader:
        cost = torch.mean((xb @ W + b - yb) ** 2)
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
    losses.append(cost.item())
"""),),
        fails={LOOP: "mini-batch", PARAMETERS: "differs from the reference"},
        why="two steps per epoch on parts of the data: the recorded cost is a mini-batch's",
    ),
    Case(
        "integer_data_in_the_sgd_loop",
        NB,
        (Edit("training-data", "X_train = torch.tensor([[1.0], [2.0], [3.0]])",
              "X_train = torch.tensor([[1], [2], [3]])"),),
        fails={
            DATA: "Integers were given",
            # int64 @ float32 raises in the loop: both of its tests name the dtypes
            LOOP: "same float type",
            PARAMETERS: "same float type",
        },
        why="int64 data cannot be multiplied with float parameters",
    ),
]
