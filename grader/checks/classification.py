"""Binary classification: probabilities in (0, 1), classes at the 0.5 threshold, accuracy,
and the binary cross-entropy of a trained model, measured by the grader itself."""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

from grader.checks.closeness import expect_close
from grader.checks.tensors import expect_shape, expect_tensor
from grader.errors import Feedback

THRESHOLD = 0.5  # probability at or above which the class is 1, as in the course


def expect_probabilities(values: Any, name: str) -> torch.Tensor:
    """Every value is a finite number between 0 and 1 (what a sigmoid gives)."""
    tensor = expect_tensor(values, name).detach().double()
    outside = ~torch.isfinite(tensor) | (tensor < 0) | (tensor > 1)
    if bool(outside.any()):
        first = tensor.reshape(-1)[int(outside.reshape(-1).nonzero()[0])].item()
        raise Feedback(
            f"`{name}` should be probabilities between 0 and 1, but it contains {first:.4g}. "
            "A linear layer alone gives any real number: end the model with nn.Sigmoid(), "
            "as in nn.Sequential(nn.Linear(2, 1), nn.Sigmoid()).")
    return tensor


def expect_class_predictions(found: Any, expected: torch.Tensor, probabilities: torch.Tensor,
                             name: str, hint: str = "") -> None:
    """0/1 classes (float, int or bool) for `probabilities`, equal to the reference's.

    `hint` is for classes that follow from `probabilities` correctly but still differ from
    the reference's: then the probabilities (the model) are wrong, not the threshold."""
    tensor = expect_tensor(found, name)
    expect_shape(tensor, tuple(expected.shape), name)
    values = tensor.detach().double()
    if not bool(((values == 0) | (values == 1)).all()):
        odd = values[(values != 0) & (values != 1)].reshape(-1)[0].item()
        raise Feedback(
            f"`{name}` should hold classes 0 and 1 only, found {odd:.4g}. Compare with the "
            f"threshold: (probabilities >= {THRESHOLD}).float().")
    wanted = expected.detach().double()
    wrong = (values != wanted).reshape(-1)
    if not bool(wrong.any()):
        return
    if bool(wrong.all()):
        raise Feedback(f"`{name}` has every class inverted: class 1 is for probabilities of "
                       f"at least {THRESHOLD}, class 0 for those below.")
    index = int(wrong.nonzero()[0])
    probability = probabilities.detach().double().reshape(-1)[index].item()
    if values.reshape(-1)[index].item() == float(probability >= THRESHOLD):
        raise Feedback(
            f"`{name}` has class {values.reshape(-1)[index].item():g} at index {index}, "
            f"expected {wanted.reshape(-1)[index].item():g}: the probability there is "
            f"{probability:.4g}, so the model itself gives the wrong answer. {hint}".strip())
    raise Feedback(
        f"`{name}` gives class {values.reshape(-1)[index].item():g} for the probability "
        f"{probability:.4g}, expected {wanted.reshape(-1)[index].item():g}. Threshold at "
        f"exactly {THRESHOLD}: class 1 when the probability is >= {THRESHOLD}, else class 0.")


def expect_accuracy(found: Any, expected: float, name: str) -> None:
    """A fraction in [0, 1] equal to the reference's (a percentage is recognised)."""
    if isinstance(found, torch.Tensor) and found.numel() == 1:
        found = found.item()
    if isinstance(found, bool) or not isinstance(found, (int, float)):
        raise Feedback(f"`{name}` should be a number (a Python float, e.g. with .item()), "
                       f"found {type(found).__name__}: {found!r}"[:300])
    if math.isclose(found, 100 * expected, rel_tol=1e-6) and expected != 0:
        raise Feedback(f"`{name}` is {found:g}, a percentage: return the fraction "
                       f"{expected:g} (correct / total) and multiply by 100 only to print it.")
    expect_close(found, expected, name, rtol=0.0, atol=1e-6,
                 hint="Accuracy is the number of predictions equal to their target, divided by "
                      "the number of predictions; compare tensors of the same shape.")


def expect_cross_entropy_below(probabilities: Any, targets: torch.Tensor, threshold: float,
                               name: str, reference_loss: float) -> None:
    """The grader's own binary cross-entropy of `probabilities` is below `threshold`."""
    tensor = expect_probabilities(probabilities, name)
    expect_shape(tensor, tuple(targets.shape), name)
    loss = F.binary_cross_entropy(tensor, targets.detach().double()).item()
    if loss < threshold:
        return
    raise Feedback(
        f"the binary cross-entropy of `{name}` is {loss:.4g}, expected below {threshold:g} "
        f"(the reference reaches {reference_loss:.4g}). Train with binary cross-entropy "
        "(F.binary_cross_entropy or nn.BCELoss), not the mean squared error, for the number of "
        "epochs and with the learning rate asked.")
