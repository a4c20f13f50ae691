"""The grader's own runs of a logistic regression's training (a linear layer, a sigmoid, binary
cross-entropy, SGD), and the same run with each usual mistake, to name a wrong model's cause.

As for linear regression (grader.checks.gradient_descent), many runs are one batched NumPy
computation with the gradients written out, in the student's dtype and in float64. The
gradients are PyTorch's own formulas, clamps included (binary cross-entropy divides by
max(p (1 - p), 1e-12) and clamps its logarithms at -100), so that a saturated sigmoid stalls
here exactly as it does in the student's run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
import torch

from grader.checks.explanation import Explanation
from grader.checks.gradient_descent import Trained
from grader.checks.mistaken_runs import (
    CURVE_EPOCHS,
    NEVER_MOVES,
    Evidence,
    Mistake,
    epochs_mistake,
    explain_training,
    plausible_epochs,
    rate_mistakes,
)
from grader.errors import Cause

LOSSES = ("bce", "sum", "mse", "logits")  # the lesson's; summed; MSE of probabilities; a
# second sigmoid (BCEWithLogitsLoss on the model's probabilities)
EPSILON = 1e-12  # PyTorch's binary_cross_entropy: the smallest p (1 - p) it divides by
LOG_FLOOR = -100.0  # and the smallest logarithm it takes


def seeded_start(seed: int, features: int = 2) -> tuple[torch.Tensor, torch.Tensor]:
    """nn.Linear(features, 1)'s weight and bias right after torch.manual_seed(seed), drawn in
    the grader's process without touching its own random state."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        layer = torch.nn.Linear(features, 1)
    return layer.weight.detach().clone(), layer.bias.detach().clone()


@dataclass(frozen=True)
class LogisticRun:
    """`epochs` full-batch steps of SGD on sigmoid(X @ weight.T + bias), from weight, bias."""

    X: torch.Tensor  # (N, d)
    y: torch.Tensor  # (N, 1), labels 0 and 1
    weight: torch.Tensor  # (1, d)
    bias: torch.Tensor  # (1,)
    lr: float
    epochs: int
    loss: str = "bce"  # one of LOSSES
    reset: bool = True
    dtype: torch.dtype = torch.float64

    def but(self, **changes: Any) -> LogisticRun:
        return replace(self, **changes)

    @cached_property
    def result(self) -> Trained:
        return run_all([self])[0]

    @property
    def counts(self) -> tuple[int, ...]:
        return (self.epochs,)

    def probabilities(self, parameters: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
        """What a model with `parameters` (weight then bias, flattened) gives on `points`."""
        flat = parameters.detach().double().reshape(-1)
        weight, bias = flat[:-1].reshape(-1, 1), flat[-1]
        return torch.sigmoid(points.detach().double() @ weight + bias)


def run_all(runs: Sequence[LogisticRun]) -> list[Trained]:
    """Every run's result; runs that share data, start, dtype and loss are computed together."""
    results: dict[int, Trained] = {}
    groups: dict[tuple[object, ...], list[int]] = {}
    for index, run in enumerate(runs):
        key = (id(run.X), id(run.y), id(run.weight), id(run.bias), run.dtype, run.loss)
        groups.setdefault(key, []).append(index)
    for indices in groups.values():
        with np.errstate(all="ignore"):  # a mistaken run may blow up: its NaN is its result
            trained = _batch([runs[i] for i in indices])
        results.update(zip(indices, trained, strict=True))
    return [results[i] for i in range(len(runs))]


def _batch(runs: Sequence[LogisticRun]) -> list[Trained]:
    first = runs[0]
    X = first.X.detach().to(first.dtype).numpy()
    real = X.dtype.type
    n = X.shape[0]
    y = first.y.detach().to(first.dtype).numpy().reshape(1, n, 1)
    size, ends = len(runs), [run.epochs for run in runs]
    last = max(ends)
    W = np.repeat(first.weight.detach().to(first.dtype).numpy().reshape(1, -1, 1), size, 0)
    b = np.repeat(first.bias.detach().to(first.dtype).numpy().reshape(1, 1, 1), size, 0)
    lr = np.asarray([run.lr for run in runs], dtype=real).reshape(size, 1, 1)
    keep = np.asarray([0.0 if run.reset else 1.0 for run in runs], dtype=real).reshape(size, 1, 1)
    loss_of, gradient_of = _LOSSES[first.loss]
    grad_W, grad_b = np.zeros_like(W), np.zeros_like(b)
    losses = np.empty((size, last + 1), dtype=real)
    finals: dict[int, torch.Tensor] = {}
    stops: dict[int, list[int]] = {}
    for index, end in enumerate(ends):
        stops.setdefault(end, []).append(index)
    one = real(1)
    for epoch in range(last + 1):
        p = one / (one + np.exp(-(X @ W + b)))  # (C, N, 1)
        losses[:, epoch] = loss_of(p, y, n)
        for index in stops.get(epoch, ()):
            finals[index] = torch.from_numpy(
                np.concatenate([W[index].reshape(-1), b[index].reshape(-1)]).astype(np.float64))
        if epoch == last:
            break
        d_z = gradient_of(p, y, n).astype(real)  # dL/dz, (C, N, 1)
        grad_W = X.T @ d_z + keep * grad_W
        grad_b = d_z.sum(axis=1, keepdims=True) + keep * grad_b
        W = W - lr * grad_W
        b = b - lr * grad_b
    return [Trained(finals[i], losses[i, :end].tolist(), firsts=tuple(losses[i, :2].tolist()),
                    counts=(end,), curves=(tuple(losses[i, :min(end, CURVE_EPOCHS) + 1]),))
            for i, end in enumerate(ends)]


def _bce(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    return -(y * np.maximum(np.log(p), LOG_FLOOR) + (1 - y) * np.maximum(np.log1p(-p), LOG_FLOOR))


def _bce_gradient(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    """d BCE / d z through the sigmoid, as PyTorch computes it (its clamp included)."""
    q = p * (1 - p)
    return (p - y) / np.maximum(q, EPSILON) * q


def _logits_loss(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.maximum(p, 0) - p * y + np.log1p(np.exp(-np.abs(p)))


_LOSSES: dict[str, tuple[Callable[..., np.ndarray], Callable[..., np.ndarray]]] = {
    "bce": (lambda p, y, n: _bce(p, y).mean(axis=(1, 2)),
            lambda p, y, n: _bce_gradient(p, y) / n),
    "sum": (lambda p, y, n: _bce(p, y).sum(axis=(1, 2)),
            lambda p, y, n: _bce_gradient(p, y)),
    "mse": (lambda p, y, n: ((p - y) ** 2).mean(axis=(1, 2)),
            lambda p, y, n: 2 * (p - y) / n * p * (1 - p)),
    "logits": (lambda p, y, n: _logits_loss(p, y).mean(axis=(1, 2)),
               lambda p, y, n: (1 / (1 + np.exp(-p)) - y) / n * p * (1 - p)),
}


def logistic_mistakes(run: LogisticRun, recorded: list[float] | None = None,
                      learning_rates: Sequence[float] = ()) -> list[Mistake]:
    """The usual mistakes of a logistic regression's training, as changes of its run."""
    epochs, n = run.epochs, run.X.shape[0]
    found_epochs = plausible_epochs(len(recorded) if recorded else None, epochs)
    mistakes = [
        Mistake(Cause.GRADIENTS_ACCUMULATE, "the gradients are never reset",
                "backward() adds each new gradient to .grad: call optimizer.zero_grad() every "
                "epoch.", {"reset": False}),
        Mistake(Cause.TRAINED_TWICE,
                f"the training runs twice, {2 * epochs} epochs instead of {epochs}",
                "The training loop ran twice (a second loop, or a cell that trains again): the "
                "grader runs every cell once, top to bottom.", {"epochs": 2 * epochs}),
        Mistake(Cause.MSE_NOT_BCE, "the loss is the mean squared error of the probabilities",
                "Train on the binary cross-entropy, F.binary_cross_entropy (or nn.BCELoss): "
                "with a sigmoid, the MSE's gradients vanish when a prediction is confidently "
                "wrong.", {"loss": "mse"}),
        Mistake(Cause.SUMMED_LOSS,
                f"the loss is the sum of the {n} points' binary cross-entropies "
                "(reduction='sum')",
                f"Every step is {n} times larger: use the mean, F.binary_cross_entropy (or "
                "nn.BCELoss()) with its default reduction='mean'.", {"loss": "sum"}),
        Mistake(Cause.SIGMOID_TWICE,
                "the sigmoid is applied twice (BCEWithLogitsLoss, or "
                "F.binary_cross_entropy_with_logits, on the model's probabilities)",
                "Those losses apply a sigmoid of their own, for a model without one; your model "
                "ends with one: use F.binary_cross_entropy (or nn.BCELoss) on its output.",
                {"loss": "logits"}),
        NEVER_MOVES,
    ]
    return mistakes + epochs_mistake(found_epochs, epochs) + rate_mistakes(run.lr,
                                                                            learning_rates)


def explain_logistic(evidence: Evidence, run: LogisticRun, points: torch.Tensor,
                     tolerance: float, learning_rates: Sequence[float] = ()
                     ) -> Explanation | None:
    """`explain_training` for a logistic regression. A mistake matters when, without it, the
    model's probabilities on `points` move by more than `tolerance` (the test's)."""
    def material(a: torch.Tensor, b: torch.Tensor) -> bool:
        moved = (run.probabilities(a, points) - run.probabilities(b, points)).abs()
        return not bool(torch.isfinite(moved).all()) or bool((moved > tolerance).any())
    return explain_training(evidence, run,
                            logistic_mistakes(run, evidence.recorded, learning_rates),
                            run_all, material)
