"""A training's cause is named only when re-running that mistake reproduces the student's values
within the student's own precision; of two mistakes, the one that explains the gap; nothing when
different mistakes reproduce it alike. The student's trainings are real PyTorch loops, float32,
as a notebook writes them. No kernels."""

from __future__ import annotations

from functools import cache

import torch
import torch.nn.functional as F
from torch import nn

from grader.checks.gradient_descent import Descent
from grader.checks.linear_mistakes import explain_linear
from grader.checks.logistic_descent import LogisticRun, explain_logistic, seeded_start
from grader.checks.mistaken_runs import Evidence, plausible_epochs, plausible_rates
from grader.errors import Cause

X = torch.tensor([[1.0], [2.0], [3.0]])
Y = 2 * X
LESSON_5 = Descent(X, Y, torch.zeros(1, 1), torch.zeros(1), lr=0.01, epochs=2000)
TOLERANCE = 1e-3  # the lesson's test: W and b within 0.001 of the reference


@cache  # each training is run once, whichever tests read it
def _sgd(loss: str = "mean", per_sample: bool = False, epochs: int = 2000,
         lr: float = 0.01) -> tuple[torch.Tensor, list[float]]:
    """Lesson 5 as a student writes it: float32, torch.optim.SGD, W = b = 0."""
    W = torch.zeros(1, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([W, b], lr=lr)
    losses = []
    for _ in range(epochs):
        if per_sample:
            for x, y in zip(X, Y, strict=True):
                cost = F.mse_loss(x @ W + b, y.reshape(1))
                optimizer.zero_grad()
                cost.backward()
                optimizer.step()
            losses.append(cost.item())
            continue
        cost = F.mse_loss(X @ W + b, Y, reduction="sum" if loss == "sum" else "mean")
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
        losses.append(cost.item())
    return torch.cat([W.detach().reshape(-1), b.detach().reshape(-1)]), losses


def test_a_float32_summed_loss_is_named_though_float64_misses_it_by_a_hair() -> None:
    trained, losses = _sgd(loss="sum")
    exact = LESSON_5.but(loss="sum").result.parameters
    assert (trained.double() - exact).abs().max() > 1e-6  # the stall float32 arithmetic gives
    explained = explain_linear(Evidence(trained, losses), LESSON_5, TOLERANCE)
    assert explained is not None and explained.cause is Cause.SUMMED_LOSS


def test_one_step_per_data_point_is_named() -> None:
    trained, losses = _sgd(per_sample=True)
    explained = explain_linear(Evidence(trained, losses), LESSON_5, TOLERANCE)
    assert explained is not None and explained.cause is Cause.PER_SAMPLE_STEPS


def test_two_mistakes_that_land_alike_name_nothing_without_recorded_losses() -> None:
    # A sum and a step per data point both converge to y = 2x: the parameters alone cannot
    # tell them apart, so neither is named.
    for trained, _ in (_sgd(loss="sum"), _sgd(per_sample=True)):
        assert explain_linear(Evidence(trained, None), LESSON_5, TOLERANCE) is None


def test_a_learning_rate_no_one_suspects_is_not_guessed() -> None:
    trained, losses = _sgd(lr=0.007)
    assert explain_linear(Evidence(trained, losses), LESSON_5, TOLERANCE) is None
    explained = explain_linear(Evidence(trained, losses), LESSON_5, TOLERANCE,
                               learning_rates=[0.007])  # the notebook's own lr: confirmed
    assert explained is not None and "learning rate is 0.007" in explained.text


def test_of_two_mistakes_the_one_that_explains_the_gap_is_named() -> None:
    """Logistic regression with a pasted optimizer line (lr = 0.05, not 1) and one epoch too
    many: the learning rate explains the gap, the extra epoch changes little."""
    points = torch.tensor([[2.0, 2.0], [4.0, 2.5], [3.5, 1.0], [5.0, 3.5]])
    X_train = torch.tensor([[1.0, 2.0], [2.0, 3.0], [3.0, 1.0], [4.0, 3.0], [5.0, 3.0],
                            [6.0, 2.0]])
    y_train = torch.tensor([[0.0], [0.0], [0.0], [1.0], [1.0], [1.0]])
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    losses = []
    for _ in range(1000 + 1):
        loss = F.binary_cross_entropy(model(X_train), y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    trained = torch.cat([p.detach().reshape(-1) for p in model[0].parameters()])
    weight, bias = seeded_start(1)
    lesson = LogisticRun(X_train, y_train, weight, bias, lr=1.0, epochs=1000)
    explained = explain_logistic(Evidence(trained, losses), lesson, points, 0.01,
                                 learning_rates=[0.05, 1.0])
    assert explained is not None and explained.cause is Cause.OTHER_LEARNING_RATE
    assert "the learning rate is 0.05" in explained.text
    assert "1001 epochs" in explained.text and "changes little" in explained.text


def test_what_the_notebook_suggests_is_re_run_only_within_reason() -> None:
    # A list of losses or optimizers as long as a notebook likes costs the grader nothing.
    assert plausible_epochs(10**7, 1000) is None and plausible_epochs(0, 1000) is None
    assert plausible_epochs(1001, 1000) == 1001 and plausible_epochs(2000, 1000) is None
    rates = plausible_rates([0.1, 0.1, -1.0, float("nan"), 0.01, *range(1, 100)], 0.01)
    assert rates == [0.1, 1.0, 2.0, 3.0]


def test_where_recorded_losses_leave_the_lessons_training_is_said_without_a_cause() -> None:
    from grader.checks.trained_line import departure

    lesson = LESSON_5.result.losses
    assert "follow the lesson's training for 1 epoch, then leave it" in departure(
        [lesson[0], lesson[1] * 1.1, *lesson[2:]], lesson)
    assert "is not the lesson's first" in departure([lesson[0] * 3, *lesson[1:]], lesson)
    assert "stop after 100 of its 2000 epochs" in departure(lesson[:100], lesson)
    # a loop that records each loss after its step follows the lesson just as well
    after = LESSON_5.but(epochs=2001).result.losses[1:]
    assert "are those of the lesson's training" in departure(after, lesson)
    assert departure(None, lesson) == ""
