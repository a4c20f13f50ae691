"""The grader's own runs of a lesson's training: gradient descent on the mean squared error of
X @ W (+ b), as asked or with a usual mistake (grader.checks.linear_mistakes names them).

Runs start where the lesson starts (or where the student's own start is, where the student
draws it) and run in a dtype of the caller's choice: the student's own (float32, usually) and
float64, so that a cause is named only when its run reproduces the student's values within the
student's precision (see grader.checks.mistaken_runs). Many runs at once are one batched
computation, with the gradients written out (the MSE of a linear model has a closed form), so a
few dozen suspected mistakes of a 5000-epoch training cost a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import torch

from grader.checks.mistaken_runs import CURVE_EPOCHS
from grader.probing.wire import decode, encode
from grader.reference.computed import remembered

# The MSE; half of it (a "/ 2"); the sum of squared errors; half the sum (the 1/2 sum some
# textbooks write): each a multiple of the MSE, so one computation serves them all.
LOSSES = ("mean", "half", "sum", "half_sum")


@dataclass(frozen=True)
class Trained:
    """Where a run ends (the parameters, W then b, flattened, in float64), the loss of every
    epoch, and what a notebook may have recorded of it: the first entry in each way a loop
    may record it, how many entries, and the start of each series it may record (one loss per
    epoch of all the data, or of each data point's step, ...; CURVE_EPOCHS + 1 epochs of it)."""

    parameters: torch.Tensor
    losses: list[float]
    firsts: tuple[float, ...]
    counts: tuple[int, ...]
    curves: tuple[tuple[float, ...], ...] = ()


@dataclass(frozen=True)
class Descent:
    """`epochs` steps of W -= lr * dL/dW (and b) on all of X at once, from W, b; or, with
    `per_sample`, one step per row of X (in order) in every epoch."""

    X: torch.Tensor
    y: torch.Tensor
    W: torch.Tensor
    b: torch.Tensor | None
    lr: float
    epochs: int
    reset: bool = True
    loss: str = "mean"  # one of LOSSES
    flat_targets: bool = False  # y as (N,) against (N, 1) predictions: the broadcast mistake
    per_sample: bool = False  # a step per data point instead of one per epoch
    dtype: torch.dtype = torch.float64

    def but(self, **changes: Any) -> Descent:
        """The same run with some things changed (a mistake, a dtype, another epoch count)."""
        return replace(self, **changes)

    @cached_property
    def result(self) -> Trained:
        """The run's end; the same inputs give the same numbers, so a run another student's
        grading already made is read back (grader/reference/computed.py)."""
        return remembered("descent", self._key(), lambda: run_all([self])[0], _trained_to_json,
                          _trained_from_json)

    def _key(self) -> bytes:
        """Everything the result depends on, as bytes: the code, torch, the inputs."""
        parts = [_SOURCE, torch.__version__.encode(), np.__version__.encode(),
                 repr((self.lr, self.epochs, self.reset, self.loss, self.flat_targets,
                       self.per_sample, str(self.dtype))).encode()]
        for tensor in (self.X, self.y, self.W, self.b):
            if tensor is None:
                parts.append(b"none")
                continue
            data = tensor.detach().cpu().contiguous()
            parts += [f"{data.dtype}{tuple(data.shape)}".encode(),
                      data.reshape(-1).view(torch.uint8).numpy().tobytes()]
        return b"\0".join(parts)

    @property
    def counts(self) -> tuple[int, ...]:
        """How many losses a notebook may record of this run: one per epoch, or one per
        step when it steps per data point."""
        return (self.epochs, self.epochs * rows(self)) if self.per_sample else (self.epochs,)

    def start_loss(self) -> float:
        """The loss at the start, before any step: the first loss a run records."""
        return self.loss_at(self.start)

    def loss_after_one_step(self) -> float:
        """The loss after the first step: what a run records if it measures after updating."""
        return self.but(epochs=2, per_sample=False).result.losses[1]

    @property
    def start(self) -> torch.Tensor:
        parts = [self.W.detach().double().reshape(-1)]
        if self.b is not None:
            parts.append(self.b.detach().double().reshape(-1))
        return torch.cat(parts)

    def loss_at(self, parameters: torch.Tensor) -> float:
        """This run's loss (with its mistakes) at other parameters (W then b, flattened)."""
        flat = parameters.detach().double().reshape(-1)
        W = flat[: self.W.numel()].reshape(self.W.shape)
        b = None if self.b is None else flat[self.W.numel():].reshape(self.b.shape)
        X, y = self.X.detach().double(), self.y.detach().double()
        predictions = X @ W + (0 if b is None else b)
        targets = y.reshape(-1) if self.flat_targets else y.reshape(predictions.shape)
        squared = (predictions - targets) ** 2
        return (squared.mean() * _multiple(self.loss, squared.numel())).item()


_SOURCE = Path(__file__).read_bytes()  # a change to the training here is a new result


def _trained_to_json(trained: Trained) -> dict[str, object]:
    return {"parameters": encode(trained.parameters), "losses": trained.losses,
            "firsts": list(trained.firsts), "counts": list(trained.counts),
            "curves": [list(curve) for curve in trained.curves]}


def _trained_from_json(data: dict[str, Any]) -> Trained:
    parameters = decode(data["parameters"])
    losses, firsts, counts = data["losses"], data["firsts"], data["counts"]
    curves = data.get("curves", [])
    if not isinstance(parameters, torch.Tensor) or not all(
            isinstance(part, list) for part in (losses, firsts, counts, curves)):
        raise ValueError("not a training's result")
    return Trained(parameters, [float(x) for x in losses], tuple(float(x) for x in firsts),
                   tuple(int(x) for x in counts),
                   tuple(tuple(float(x) for x in curve) for curve in curves))


def rows(descent: Descent) -> int:
    return descent.X.shape[0]


def outputs(descent: Descent) -> int:
    return descent.y.numel() // rows(descent)


def run_all(runs: Sequence[Descent]) -> list[Trained]:
    """Every run's result; runs that share data, start, dtype and kind are computed together."""
    results: dict[int, Trained] = {}
    groups: dict[tuple[object, ...], list[int]] = {}
    for index, run in enumerate(runs):
        key = (id(run.X), id(run.y), id(run.W), id(run.b), run.dtype, run.per_sample)
        groups.setdefault(key, []).append(index)
    for indices in groups.values():
        batch = [runs[i] for i in indices]
        with np.errstate(all="ignore"):  # a mistaken run may diverge: its NaN is its result
            trained = _per_sample(batch) if batch[0].per_sample else _full_batch(batch)
        results.update(zip(indices, trained, strict=True))
    return [results[i] for i in range(len(runs))]


@dataclass
class _Batch:
    """C runs side by side, in NumPy (a step costs microseconds, not tens of them): parameters
    (C, d, k) and (C, 1, k), and each run's settings as (C, 1, 1) columns."""

    X: np.ndarray  # (N, d)
    targets: np.ndarray  # (C, N, k)
    offset: np.ndarray  # (C,): the variance a broadcast loss adds, 0 otherwise
    scale: np.ndarray  # (C, 1, 1): the loss as a multiple of the mean of squared errors
    lr: np.ndarray  # (C, 1, 1)
    keep: np.ndarray  # (C, 1, 1): 1 where gradients are never reset, else 0
    W: np.ndarray  # (C, d, k)
    b: np.ndarray | None  # (C, 1, k)


def _numpy(tensor: torch.Tensor, dtype: torch.dtype) -> np.ndarray:
    return tensor.detach().to(dtype).cpu().numpy()


def _batch(runs: Sequence[Descent]) -> _Batch:
    first, dtype = runs[0], runs[0].dtype
    X = _numpy(first.X, dtype)
    n, k = X.shape[0], outputs(first)
    y = _numpy(first.y, dtype).reshape(n, k)
    real = X.dtype.type
    targets, offsets, scales = [], [], []
    for run in runs:
        if run.flat_targets and k == 1:
            # (N, 1) against (N,) is the mean over every pair (i, j) of (p_i - y_j)^2, which is
            # exactly mean_i (p_i - mean(y))^2 + var(y): the mean target, and a constant.
            targets.append(np.full((n, 1), y.mean(), dtype=real))
            offsets.append(((y - y.mean()) ** 2).mean())
            count = n * n
        else:
            targets.append(y)
            offsets.append(real(0))
            count = n * k
        scales.append(_multiple(run.loss, count))
    size = len(runs)
    W = np.repeat(_numpy(first.W, dtype).reshape(1, -1, k), size, axis=0)
    b = None if first.b is None else np.repeat(_numpy(first.b, dtype).reshape(1, 1, k), size,
                                               axis=0)

    def column(values: Sequence[float]) -> np.ndarray:
        return np.asarray(values, dtype=real).reshape(size, 1, 1)
    return _Batch(X=X, targets=np.stack(targets), offset=np.asarray(offsets, dtype=real),
                  scale=column(scales), lr=column([run.lr for run in runs]),
                  keep=column([0.0 if run.reset else 1.0 for run in runs]), W=W, b=b)


def _stops(ends: Sequence[int]) -> dict[int, list[int]]:
    stops: dict[int, list[int]] = {}
    for index, end in enumerate(ends):
        stops.setdefault(end, []).append(index)
    return stops


def _full_batch(runs: Sequence[Descent]) -> list[Trained]:
    batch, ends = _batch(runs), [run.epochs for run in runs]
    n, k = batch.X.shape[0], batch.targets.shape[2]
    X, XT, last, stops = batch.X, batch.X.T, max(ends), _stops(ends)
    W, b = batch.W, batch.b
    grad_W, grad_b = np.zeros_like(W), None if b is None else np.zeros_like(b)
    losses = np.empty((len(runs), last + 1), dtype=X.dtype)
    finals: dict[int, torch.Tensor] = {}
    factor = batch.scale * (2.0 / (n * k))
    for epoch in range(last + 1):
        residual = X @ W - batch.targets if b is None else X @ W + b - batch.targets
        losses[:, epoch] = batch.scale[:, 0, 0] * ((residual ** 2).mean(axis=(1, 2))
                                                   + batch.offset)
        for index in stops.get(epoch, ()):
            finals[index] = _flat(W[index], None if b is None else b[index])
        if epoch == last:
            break
        d_predictions = factor * residual
        grad_W = XT @ d_predictions + batch.keep * grad_W
        W = W - batch.lr * grad_W
        if b is not None and grad_b is not None:
            grad_b = d_predictions.sum(axis=1, keepdims=True) + batch.keep * grad_b
            b = b - batch.lr * grad_b
    return [Trained(finals[i], losses[i, :end].tolist(), firsts=tuple(losses[i, :2].tolist()),
                    counts=(end,), curves=(tuple(losses[i, :min(end, CURVE_EPOCHS) + 1]),))
            for i, end in enumerate(ends)]


def _per_sample(runs: Sequence[Descent]) -> list[Trained]:
    """One step per row, rows in order, every epoch: what looping over the data points does.
    A loop may record each step's loss, their mean over the epoch, the last one, or the loss
    of all the data before or after the epoch: each is accepted as what it recorded."""
    batch, ends = _batch(runs), [run.epochs for run in runs]
    n, k = batch.X.shape[0], batch.targets.shape[2]
    last, stops = max(ends), _stops(ends)
    W, b = batch.W, batch.b
    grad_W, grad_b = np.zeros_like(W), None if b is None else np.zeros_like(b)
    # A row's loss: the mean of its k squared errors, half of it, or their sum (k times).
    scale = np.asarray([_multiple(run.loss, k) for run in runs],
                       dtype=batch.X.dtype).reshape(-1, 1, 1)
    rows_X = [(batch.X[row:row + 1], batch.X[row:row + 1].T, batch.targets[:, row:row + 1])
              for row in range(n)]
    early: list[np.ndarray] = []  # each step's loss over the first epochs, (C,) each
    whole = np.empty((len(runs), last + 1), dtype=batch.X.dtype)
    finals: dict[int, torch.Tensor] = {}
    factor = scale * (2.0 / k)
    for epoch in range(last + 1):
        residual = batch.X @ W - batch.targets if b is None else \
            batch.X @ W + b - batch.targets
        whole[:, epoch] = (residual ** 2).mean(axis=(1, 2))
        for index in stops.get(epoch, ()):
            finals[index] = _flat(W[index], None if b is None else b[index])
        if epoch == last:
            break
        for x, xT, target in rows_X:
            error = x @ W - target if b is None else x @ W + b - target
            if epoch <= CURVE_EPOCHS:
                early.append(scale[:, 0, 0] * (error ** 2).mean(axis=(1, 2)))
            d_predictions = factor * error
            grad_W = xT @ d_predictions + batch.keep * grad_W
            W = W - batch.lr * grad_W
            if b is not None and grad_b is not None:
                grad_b = d_predictions + batch.keep * grad_b
                b = b - batch.lr * grad_b
    # (C, epochs, n): the loss of each data point's step, epoch by epoch
    steps = np.stack(early, axis=1).reshape(len(runs), -1, n) if early else \
        whole[:, :1].reshape(len(runs), 1, 1)
    return [Trained(finals[i], whole[i, :end].tolist(),
                    firsts=(float(steps[i, 0, 0]), float(steps[i, 0].mean()),
                            float(steps[i, 0, -1]), float(whole[i, 0]),
                            float(whole[i, min(1, last)])),
                    counts=(end, end * n),
                    curves=_per_sample_curves(steps[i, :end],
                                              whole[i, :min(end, CURVE_EPOCHS) + 1]))
            for i, end in enumerate(ends)]


def _per_sample_curves(steps: np.ndarray, whole: np.ndarray) -> tuple[tuple[float, ...], ...]:
    """What a loop over the data points may record, over the first epochs: every step's loss,
    each epoch's first, mean or last step's, or the loss of all the data."""
    return (tuple(steps.reshape(-1).tolist()), tuple(steps[:, 0].tolist()),
            tuple(steps.mean(axis=1).tolist()), tuple(steps[:, -1].tolist()),
            tuple(whole.tolist()))


def _multiple(loss: str, count: int) -> float:
    """The loss as a multiple of the mean of `count` squared errors."""
    return {"mean": 1.0, "half": 0.5, "sum": float(count), "half_sum": count / 2}[loss]


def _flat(W: np.ndarray, b: np.ndarray | None) -> torch.Tensor:
    parts = [W.reshape(-1)] + ([] if b is None else [b.reshape(-1)])
    return torch.from_numpy(np.concatenate(parts).astype(np.float64))
