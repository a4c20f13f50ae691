"""The grader's own runs of a lesson's training: full-batch gradient descent on the mean squared
error of X @ W (+ b), and the same run with each usual mistake, to name a wrong result's cause.

Runs are in float64 on the grader's CPU, from the start the lesson gives (or the student's own
start, where the student draws it). They are cheap: a few thousand steps on a handful of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import torch

from grader.checks.causes import Suspect
from grader.probing.wire import decode, encode
from grader.reference.computed import remembered

LOSSES = ("mean", "half", "sum")  # the MSE; half of it (a "/ 2"); the sum of squared errors


@dataclass(frozen=True)
class Trained:
    """Where a run ends: the parameters (flattened W then b), and the loss of every epoch."""

    parameters: torch.Tensor
    losses: list[float]


@dataclass(frozen=True)
class Descent:
    """`epochs` steps of W -= lr * dL/dW (and b) on all of X at once, from W, b."""

    X: torch.Tensor
    y: torch.Tensor
    W: torch.Tensor
    b: torch.Tensor | None
    lr: float
    epochs: int
    reset: bool = True
    loss: str = "mean"  # one of LOSSES
    flat_targets: bool = False  # y as (N,) against (N, 1) predictions: the broadcast mistake

    def but(self, **changes: object) -> Descent:
        """The same run with one thing changed (a mistake, or another epoch count)."""
        return replace(self, **changes)

    @cached_property
    def result(self) -> Trained:
        """The run's end; the same inputs give the same numbers, so a run another student's
        grading already made is read back (grader/reference/computed.py)."""
        return remembered("descent", self._key(), self._train, _trained_to_json,
                          _trained_from_json)

    def _key(self) -> bytes:
        """Everything the result depends on, as bytes: the code, torch, the inputs."""
        parts = [_SOURCE, torch.__version__.encode(),
                 repr((self.lr, self.epochs, self.reset, self.loss, self.flat_targets)).encode()]
        for tensor in (self.X, self.y, self.W, self.b):
            if tensor is None:
                parts.append(b"none")
                continue
            data = tensor.detach().cpu().contiguous()
            parts += [f"{data.dtype}{tuple(data.shape)}".encode(),
                      data.reshape(-1).view(torch.uint8).numpy().tobytes()]
        return b"\0".join(parts)

    def _train(self) -> Trained:
        X, y = self.X.detach().double(), self.y.detach().double()
        if self.flat_targets:
            y = y.reshape(-1)
        W = self.W.detach().double().clone().requires_grad_(True)
        b = None if self.b is None else self.b.detach().double().clone().requires_grad_(True)
        params = [p for p in (W, b) if p is not None]
        losses = []
        for _ in range(self.epochs):
            loss = self.loss_of(X @ W + (0 if b is None else b), y)
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= self.lr * p.grad
                    if self.reset:
                        p.grad.zero_()
            losses.append(loss.item())
        flat = torch.cat([p.detach().reshape(-1) for p in params])
        return Trained(flat, losses)

    def loss_of(self, predictions: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        squared = (predictions - targets) ** 2
        if self.loss == "sum":
            return squared.sum()
        return squared.mean() / (2 if self.loss == "half" else 1)

    def start_loss(self) -> float:
        """The loss at the start, before any step: the first loss a run records."""
        return self.but(epochs=1).result.losses[0]

    def loss_after_one_step(self) -> float:
        """The loss after the first step: what a run records if it measures after updating."""
        return self.but(epochs=2).result.losses[1]

    def loss_at(self, parameters: torch.Tensor) -> float:
        """This run's loss at other parameters (flattened W then b)."""
        flat = parameters.detach().double().reshape(-1)
        W = flat[: self.W.numel()].reshape(self.W.shape)
        b = None if self.b is None else flat[self.W.numel():].reshape(self.b.shape)
        y = self.y.detach().double()
        y = y.reshape(-1) if self.flat_targets else y
        return self.loss_of(self.X.detach().double() @ W + (0 if b is None else b), y).item()


_SOURCE = Path(__file__).read_bytes()  # a change to the training here is a new result


def _trained_to_json(trained: Trained) -> dict[str, object]:
    return {"parameters": encode(trained.parameters), "losses": trained.losses}


def _trained_from_json(data: dict[str, object]) -> Trained:
    parameters = decode(data["parameters"])
    losses = data["losses"]
    if not isinstance(parameters, torch.Tensor) or not isinstance(losses, list):
        raise ValueError("not a training's result")
    return Trained(parameters, [float(loss) for loss in losses])


def rows(descent: Descent) -> int:
    return descent.X.shape[0]


def mistaken_losses(descent: Descent) -> list[Suspect]:
    """Suspects for a wrong *loss value* at the start: another loss than the MSE, or shapes."""
    n, count = rows(descent), descent.y.numel()
    suspects = [
        Suspect("It is half the mean squared error: the loss is divided by 2 (as some texts "
                "write it, with a 1/2 in front). Use the mean of the squared errors, without "
                "the / 2.", lambda: descent.but(loss="half").start_loss()),
        Suspect(f"It is the sum of the squared errors, {count} times their mean "
                f"(reduction='sum', or .sum() instead of .mean()): average them.",
                lambda: descent.but(loss="sum").start_loss()),
    ]
    if descent.y.dim() == 2 and descent.y.shape[1] == 1:
        suspects.append(Suspect(
            f"It is the loss of ({n}, 1) predictions against ({n},) targets: they broadcast "
            f"to ({n}, {n}), every prediction against every target, with no error (F.mse_loss "
            f"only warns \"Using a target size that is different to the input size\"). Keep "
            f"the targets as a ({n}, 1) column, or reshape both to the same shape.",
            lambda: descent.but(flat_targets=True).start_loss()))
    return suspects


def evidence(parameters: torch.Tensor, recorded: list[float] | None) -> torch.Tensor:
    """What a run is recognised by: its trained parameters, and its first recorded loss when
    the notebook recorded one (it tells a larger step from a larger loss, for example)."""
    flat = parameters.detach().double().reshape(-1)
    if not recorded:
        return flat
    return torch.cat([flat, torch.tensor([recorded[0]], dtype=torch.float64)])


def mistaken_runs(descent: Descent, recorded: list[float] | None = None) -> list[Suspect]:
    """Suspects for wrong *trained parameters*: the usual mistakes, each run for real.

    Compare them with `evidence(parameters, recorded)`. With `recorded` (the notebook's loss
    list), only runs of as many epochs are suspected, and their first loss must match too."""
    epochs, n, count = descent.epochs, rows(descent), descent.y.numel()
    found_epochs = len(recorded) if recorded else None
    candidates = [
        ("It is where training lands when the gradients are never reset: backward() adds "
         "each new gradient to .grad, so every step repeats all the earlier ones. Reset them "
         "every epoch (optimizer.zero_grad(), p.grad.zero_() or p.grad = None), before "
         "backward() or after the update.", descent.but(reset=False)),
        (f"It is where {2 * epochs} epochs land, twice {epochs}: the training loop ran twice "
         "(a second loop, or a cell that trains again from the already trained parameters).",
         descent.but(epochs=2 * epochs)),
    ]
    if found_epochs and found_epochs not in (epochs, 2 * epochs):
        candidates.append((f"It is where {found_epochs} epochs land: train for exactly "
                           f"{epochs}.", descent.but(epochs=found_epochs)))
    candidates += [
        ("It is where training on half the mean squared error lands (a / 2 in the loss): "
         "every step is half as large. Use the mean of the squared errors.",
         descent.but(loss="half")),
        (f"It is where training on the sum of the squared errors lands (reduction='sum', or "
         f".sum() instead of .mean()): every step is {count} times larger. Average them.",
         descent.but(loss="sum")),
    ]
    if descent.y.dim() == 2 and descent.y.shape[1] == 1:
        candidates.append((
            f"It is where training lands when ({n}, 1) predictions are compared with ({n},) "
            f"targets: they broadcast to ({n}, {n}), every prediction against every target, "
            f"with no error. Keep the targets as a ({n}, 1) column.",
            descent.but(flat_targets=True)))
    for factor in (10, 0.1):
        lr = descent.lr * factor
        candidates.append((f"It is where training at a learning rate of {lr:g} lands, "
                           f"{factor:g} times the lesson's {descent.lr:g}: use lr = "
                           f"{descent.lr:g}.", descent.but(lr=lr)))
    return [Suspect(cause, lambda run=run: evidence(run.result.parameters,
                                                    run.result.losses if recorded else None))
            for cause, run in candidates
            if found_epochs is None or run.epochs == found_epochs]
