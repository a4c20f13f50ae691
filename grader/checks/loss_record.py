"""A recorded loss curve: numbers, exactly one per epoch, finite, and really the training's.

"Really the training's" is checked against what the grader knows independently: the first
entry must be the loss at the start (or after the first step, for a loop that measures after
updating), and the last one the loss of the trained parameters (give or take the last step).
A list typed in, or copied from the lecture, fails one of the two however low it ends.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import pairwise
from typing import Any

import torch

from grader.checks.bands import Band, expect_in_band
from grader.checks.causes import Suspect, matching
from grader.checks.closeness import quoted
from grader.checks.explanation import Hint, resolve
from grader.errors import Cause, Feedback

SAME_LOSS = 1e-3  # relative: float32 vs float64, x * W vs X @ W, F.mse_loss vs a hand mean
# Mistakes that make a training record another quantity than the MSE of all the data: what
# its last recorded loss may differ by (other mistakes explain other things, not that).
RECORDS_ANOTHER_LOSS = frozenset({Cause.SUMMED_LOSS, Cause.HALF_MSE, Cause.BROADCAST,
                                  Cause.PER_SAMPLE_STEPS})


def recorded_numbers(value: Any, name: str) -> list[float]:
    """A list (or tuple, or 1-D tensor or array) of numbers, as floats.

    One-number tensors count as numbers: `losses.append(loss)` records the right values too
    (loss.item() is the usual way, and keeps no computation graph alive)."""
    if isinstance(value, torch.Tensor) and value.dim() == 1:
        return [float(v) for v in value.detach().double()]
    if _is_array(value) and value.ndim == 1:
        return [float(v) for v in value]
    if not isinstance(value, (list, tuple)):
        how = (f"{name}.append(loss.item())" if quoted(name) != name else
               "append loss.item() to a list every epoch, and return the list")
        raise Feedback(f"{quoted(name)} should be a list of numbers, one per epoch ({how}), "
                       f"but it is {_kind(value)}.")
    numbers, odd = [], []
    for position, item in enumerate(value):
        number = one_number(item)
        if number is None:
            odd.append(position)
        else:
            numbers.append(number)
    if odd:
        first = value[odd[0]]
        raise Feedback(f"{quoted(name)} should hold one number per epoch, but {len(odd)} of its "
                       f"{len(value)} entries are not numbers (entry {odd[0]} is "
                       f"{_kind(first)}). Append loss.item(), the loss as a Python float.")
    return numbers


def expect_one_per_epoch(values: list[float], epochs: int, name: str, *,
                         loop: str = "the training loop", explained: Hint = "") -> None:
    """Exactly `epochs` entries; a wrong count is explained by the usual causes. Where the
    count alone leaves two causes open (more epochs, or a loss per mini-batch), `explained`
    (the training's re-run explanation, asked only then) may decide."""
    found = len(values)
    if found == epochs:
        return
    if (found > epochs and found % epochs == 0) or (found < epochs and found and \
            epochs % found == 0 and found != 1):
        text, cause = resolve(explained)
        if cause is not None:
            raise Feedback(f"{quoted(name)} holds {found} losses, expected {epochs} (one per "
                           f"epoch). {text}", cause=cause)
    counted = f"{quoted(name)} holds {found} losses, expected {epochs} (one per epoch)"
    if found == 0:
        raise Feedback(f"{quoted(name)} is empty: append each epoch's loss (loss.item()) to it.",
                       cause=Cause.NO_LOSS_RECORDED)
    if found == epochs + 1:
        raise Feedback(f"{counted}: one epoch too many. range(epochs + 1) runs epochs + 1 "
                       "times: use range(epochs), or range(1, epochs + 1) to count from 1.",
                       cause=Cause.ONE_EPOCH_TOO_MANY)
    if found == epochs - 1:
        raise Feedback(f"{counted}: one epoch short. range(1, epochs) runs epochs - 1 times: "
                       "use range(epochs), or range(1, epochs + 1) to count from 1.",
                       cause=Cause.ONE_EPOCH_SHORT)
    if found == 1:
        raise Feedback(f"{quoted(name)} holds a single loss, expected {epochs} (one per epoch): "
                       "the append ran once. Put it inside the loop, indented under the `for` "
                       "with the rest of the epoch's steps, so that it runs every epoch (not "
                       "once, after the loop).", cause=Cause.APPEND_OUTSIDE_LOOP)
    if found == 2 * epochs:
        raise Feedback(f"{counted}: twice as many. Either {loop} ran twice (a second loop, or "
                       "a cell that trains again: the grader runs every cell once, top to "
                       "bottom), or the loss was recorded twice per epoch (once per "
                       "mini-batch?).", cause=Cause.TWICE_AS_MANY_LOSSES)
    if found > epochs and found % epochs == 0:
        raise Feedback(f"{counted}: {found // epochs} times as many. Either {loop} ran "
                       f"{found // epochs} times as many epochs, or it recorded a loss per "
                       "mini-batch: this lesson takes one step per epoch on all the data at "
                       "once (full-batch gradient descent), and records that step's loss.",
                       cause=Cause.MORE_LOSSES)
    if found < epochs and epochs % found == 0:
        raise Feedback(f"{counted}: one for every {epochs // found}. Either {loop} ran "
                       f"{found} epochs (check `epochs` and the range), or it recorded only "
                       f"every {epochs // found}th loss: record every epoch's, not only the "
                       "ones you print.", cause=Cause.FEWER_LOSSES)
    raise Feedback(f"{counted}. Train for exactly `epochs` epochs and append the loss once in "
                   "each.", cause=Cause.OTHER_LOSS_COUNT)


def expect_finite(values: list[float], name: str) -> None:
    for position, value in enumerate(values):
        if not math.isfinite(value):
            raise Feedback(
                f"training diverged: entry {position + 1} of {quoted(name)} is {value} (the loss "
                "grew without bound). The steps are too large: try a smaller learning rate, "
                "and check the update's sign (p -= lr * p.grad moves against the gradient).",
                cause=Cause.DIVERGED)


def expect_recorded_start(first: float, start: float, after_one_step: float, name: str,
                          suspects: Iterable[Suspect] = (), explained: Hint = "") -> None:
    """The first entry is the loss at the start (or after the first step). A wrong one is
    explained by the one suspect it matches, else by `explained` (the training's re-run
    explanation, asked only then) when that names a cause."""
    if _same(first, start) or _same(first, after_one_step):
        return
    suspect = matching(first, suspects)
    if suspect is not None:
        raise Feedback(f"the first loss in {quoted(name)} is {first:.6g}, but the mean squared "
                       f"error at the start is {start:.6g}. {suspect.text}", cause=suspect.cause)
    text, cause = resolve(explained)
    if cause is not None:
        raise Feedback(f"the first loss in {quoted(name)} is {first:.6g}, but the loss of all "
                       f"the training data at the start is {start:.6g}. {text}", cause=cause)
    raise Feedback(
        f"the first loss in {quoted(name)} is {first:.6g}, but the loss of all the training data "
        f"at the start is {start:.6g} ({after_one_step:.6g} after the first step). Each entry "
        "must be the loss of the whole training set at that epoch: not the loss of a "
        "mini-batch (this lesson takes one step per epoch on all the data), and not a value "
        "typed in.", cause=Cause.NOT_THE_TRAININGS_LOSSES)


def expect_recorded_end(values: list[float], final: float, name: str, what: str,
                        explained: Hint = "") -> None:
    """The last entry is the loss of the trained parameters, give or take the last step.

    `final`: the grader's loss of the trained parameters; `what`: how to name them;
    `explained`: the training's re-run explanation (asked only on a miss): a mistake in the
    loss itself (its shapes, a sum) also makes the recorded loss another quantity."""
    last = values[-1]
    step = max((abs(a - b) for a, b in pairwise(values[-3:])), default=0.0)
    if abs(last - final) <= 2 * step + SAME_LOSS * abs(final) + 1e-7:
        return
    text, cause = resolve(explained)
    if cause in RECORDS_ANOTHER_LOSS:
        raise Feedback(f"the last loss in {quoted(name)} is {last:.6g}, but the mean squared "
                       f"error of {what} is {final:.6g}. {text}", cause=cause)
    raise Feedback(
        f"the last loss in {quoted(name)} is {last:.6g}, but the loss of {what} is {final:.6g}: "
        "the recorded losses are not those of the training that produced them. Record "
        "loss.item() inside the training loop, every epoch, from the loss it minimises on all "
        "the training data (not a mini-batch's, not values typed in).",
        cause=Cause.NOT_THE_TRAININGS_LOSSES)


def expect_last_below(values: list[float], threshold: float | Band, name: str,
                      hint: Hint = "") -> None:
    """The last entry is below `threshold`, or in a band of partial credit; `hint` (or what it
    returns, asked only on a miss) explains a miss, and names its cause when it knows it."""
    last = values[-1]
    if isinstance(threshold, Band):
        text, cause = resolve(hint, Cause.LOSS_TOO_HIGH) if threshold.fraction(last) < 1 \
            else ("", None)
        expect_in_band(last, threshold, f"the last loss in {quoted(name)}", text, cause)
        return
    if last < threshold:
        return
    text, cause = resolve(hint, Cause.LOSS_TOO_HIGH)
    raise Feedback(f"the last loss in {quoted(name)} is {last:.4g}, expected below "
                   f"{threshold:g}. {text}".strip(), cause=cause)


def _same(a: float, b: float) -> bool:
    return math.isfinite(a) and abs(a - b) <= SAME_LOSS * abs(b) + 1e-7


def one_number(item: Any) -> float | None:
    """The number `item` holds: a Python int or float, or one element of a tensor or a NumPy
    array or scalar (loss.item(), loss.detach(), loss.detach().numpy()); None otherwise."""
    if isinstance(item, bool):
        return None
    if isinstance(item, (int, float)):
        return float(item)
    if isinstance(item, torch.Tensor) and item.numel() == 1 and (
            item.is_floating_point() or not item.dtype.is_complex):
        return float(item.detach().double().reshape(()))
    if (_is_array(item) or _is_numpy_scalar(item)) and item.size == 1 and \
            item.dtype.kind in "biuf":
        return float(item.reshape(()))
    return None


def _is_array(value: Any) -> bool:
    return type(value).__name__ == "ndarray" and hasattr(value, "ndim")


def _is_numpy_scalar(value: Any) -> bool:  # numpy.float32(1.5): NumPy's own number types
    return type(value).__module__ == "numpy" and hasattr(value, "dtype") and \
        hasattr(value, "reshape")


def _kind(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    text = repr(value)
    return f"a {type(value).__name__} ({text[:40]}{'...' if len(text) > 40 else ''})"
