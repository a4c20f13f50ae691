"""Binary classification: probabilities in (0, 1), classes at the 0.5 threshold, accuracy,
and the binary cross-entropy of a trained model, measured by the grader itself."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from grader.checks.bands import Band, expect_in_band
from grader.checks.causes import hint_for
from grader.checks.closeness import expect_close
from grader.checks.explanation import Hint, resolve
from grader.checks.sizes import scales_with_rows
from grader.checks.tensors import expect_shape, expect_tensor
from grader.errors import Cause, Feedback

THRESHOLD = 0.5  # probability at or above which the class is 1, as in the course
END_WITH_SIGMOID = ("End the model with the sigmoid, so that `model(X)` itself gives "
                    "probabilities: nn.Sequential(nn.Linear(2, 1), nn.Sigmoid()), or "
                    "torch.sigmoid(...) in the forward() of your own nn.Module.")


def outside_unit_interval(values: torch.Tensor) -> float | None:
    """The first value that is not a finite number in [0, 1], or None."""
    tensor = values.detach().double().reshape(-1)
    outside = ~torch.isfinite(tensor) | (tensor < 0) | (tensor > 1)
    return tensor[outside][0].item() if bool(outside.any()) else None


def expect_probabilities(values: Any, name: str) -> torch.Tensor:
    """Every value is a finite number between 0 and 1 (what a sigmoid gives)."""
    tensor = expect_tensor(values, name).detach().double()
    odd = outside_unit_interval(tensor)
    if odd is not None:
        raise Feedback(
            f"`{name}` should be probabilities between 0 and 1, but it contains {odd:.4g}: "
            f"the model returns the linear layer's raw scores (logits). {END_WITH_SIGMOID}",
            cause=Cause.LOGITS)
    return tensor


def expect_class_predictions(found: Any, expected: torch.Tensor, probabilities: torch.Tensor,
                             name: str, hint: Hint = "") -> None:
    """0/1 classes (float, int or bool) for `probabilities`, equal to `expected`.

    `hint` is for classes that follow from `probabilities` correctly but still differ from
    `expected`: then the probabilities (the model) are wrong, not the threshold."""
    tensor = expect_tensor(found, name)
    expect_shape(tensor, tuple(expected.shape), name)
    values = tensor.detach().double()
    if not bool(((values == 0) | (values == 1)).all()):
        odd = values[(values != 0) & (values != 1)].reshape(-1)[0].item()
        raise Feedback(
            f"`{name}` should hold classes 0 and 1 only, found {odd:.4g}. Compare with the "
            f"threshold: (probabilities >= {THRESHOLD}).float().", cause=Cause.THRESHOLD)
    wanted = expected.detach().double().reshape(-1)
    flat, chances = values.reshape(-1), probabilities.detach().double().reshape(-1)
    wrong = flat != wanted
    if not bool(wrong.any()):
        return
    at_threshold = wrong & (chances == THRESHOLD)
    if bool(at_threshold.any()):
        count = int(at_threshold.sum())
        raise Feedback(
            f"`{name}` gives class 0 for a probability of exactly {THRESHOLD} ({count} of "
            f"{flat.numel()} values are exactly {THRESHOLD}, as a model whose parameters are "
            f"all zero gives everywhere): it should be class 1, the class for probabilities "
            f"of at least {THRESHOLD}. `> {THRESHOLD}` and .round() (which rounds {THRESHOLD} "
            f"down to 0, to the even number) both miss it: use >= {THRESHOLD}.",
            cause=Cause.THRESHOLD)
    if bool(wrong.all()) and wrong.numel() > 1:
        raise Feedback(f"`{name}` has every class inverted: class 1 is for probabilities of "
                       f"at least {THRESHOLD}, class 0 for those below.",
                       cause=Cause.CLASSES_INVERTED)
    index = int(wrong.nonzero()[0])
    probability = chances[index].item()
    if flat[index].item() == float(probability >= THRESHOLD):
        hint, cause = resolve(hint)
        raise Feedback(
            f"`{name}` has class {flat[index].item():g} at index {index}, expected "
            f"{wanted[index].item():g}: the probability there is {probability:.4g}, so the "
            f"model itself gives the wrong answer. {hint}".strip(), cause=cause)
    raise Feedback(
        f"`{name}` gives class {flat[index].item():g} for the probability {probability:.4g}, "
        f"expected {wanted[index].item():g}. Threshold at exactly {THRESHOLD}: class 1 when "
        f"the probability is >= {THRESHOLD}, else class 0.", cause=Cause.THRESHOLD)


def broadcast_accuracy(predictions: torch.Tensor, targets: torch.Tensor) -> float:
    """What `==` gives on (N,) against (N, 1): every prediction against every target."""
    column = predictions.detach().double().reshape(-1, 1)
    row = targets.detach().double().reshape(1, -1)
    return float((column == row).double().mean())


def expect_accuracy(found: Any, expected: float, name: str,
                    predictions: torch.Tensor | None = None,
                    targets: torch.Tensor | None = None, notebook_rows: Sequence[int] = (),
                    where: str = "") -> None:
    """A fraction in [0, 1] equal to `expected` (a percentage, a broadcast comparison of
    `predictions` with `targets`, or a count divided by the notebook's number of rows,
    `notebook_rows`, is recognised; `where` is the function's place, sizes.place_of)."""
    # One number held in a tensor or a NumPy array (.mean().numpy()) is that number.
    one_in_tensor = isinstance(found, torch.Tensor) and found.numel() == 1
    one_in_array = type(found).__module__ == "numpy" and getattr(found, "size", 0) == 1
    if one_in_tensor or one_in_array:
        found = found.item()
    if isinstance(found, bool) or not isinstance(found, (int, float)):
        raise Feedback(f"`{name}` should be a number (a Python float, e.g. with .item()), "
                       f"found {type(found).__name__}: {str(found)[:60]}",
                       cause=Cause.NOT_A_TENSOR)
    if math.isclose(found, 100 * expected, rel_tol=1e-6) and expected != 0:
        raise Feedback(f"`{name}` is {found:g}, a percentage: return the fraction "
                       f"{expected:g} (correct / total) and multiply by 100 only to print it.",
                       cause=Cause.PERCENTAGE)
    if predictions is not None and targets is not None and predictions.numel() > 1 and \
            math.isclose(found, broadcast_accuracy(predictions, targets), abs_tol=1e-6) and \
            not math.isclose(found, expected, abs_tol=1e-6):
        n = predictions.numel()
        raise Feedback(
            f"`{name}` is {found:g}, expected {expected:g}: it compared every prediction with "
            f"every target. A ({n},) tensor against an ({n}, 1) one broadcasts to ({n}, {n}) "
            "under ==, with no error (.squeeze() or .flatten() on one side only does that). "
            "Compare tensors of the same shape.", cause=Cause.BROADCAST)
    rows = predictions.numel() if predictions is not None else 0
    expect_close(found, expected, name, rtol=0.0, atol=1e-6, hint=hint_for(
        found, scales_with_rows(expected, rows, notebook_rows, "the accuracy",
                                "divide by len(targets), or take .mean()", where),
        "Accuracy is the number of predictions equal to their target, divided by the number "
        "of predictions; compare tensors of the same shape."))


def binary_cross_entropy(probabilities: torch.Tensor, targets: torch.Tensor) -> float:
    """The mean binary cross-entropy, measured by the grader (float64, clamped like PyTorch)."""
    return F.binary_cross_entropy(probabilities.detach().double().reshape(targets.shape),
                                  targets.detach().double()).item()


def expect_cross_entropy_below(probabilities: Any, targets: torch.Tensor,
                               threshold: float | Band, name: str, reference_loss: float,
                               hint: Hint = "") -> None:
    """The grader's own binary cross-entropy of `probabilities` is below `threshold` (or in a
    band of partial credit); `hint` (or what it returns, asked only then) explains a miss."""
    tensor = expect_probabilities(probabilities, name)
    expect_shape(tensor, tuple(targets.shape), name)
    loss = binary_cross_entropy(tensor, targets)
    band = threshold if isinstance(threshold, Band) else None
    if band is not None and band.fraction(loss) >= 1.0:
        return
    if not isinstance(threshold, Band) and loss < threshold:
        return
    text, cause = resolve(hint, Cause.LOSS_TOO_HIGH)
    text = (f"The reference reaches {reference_loss:.4g}. " + (text or (
        "Train with binary cross-entropy (F.binary_cross_entropy or nn.BCELoss) on the "
        "model's probabilities, for the number of epochs and at the learning rate asked.")))
    what = f"the binary cross-entropy of `{name}`"
    if band is not None:
        expect_in_band(loss, band, what, text, cause)
        return
    raise Feedback(f"{what} is {loss:.4g}, expected below {threshold:g}. {text}", cause=cause)
