"""The notebook's own training data, when a number was typed wrong in it.

A typo in the data is the data test's to charge, once: the tests of the training then judge the
lesson's training on the notebook's own data rather than on the lesson's, so a correct loop over
mistyped data keeps their points (and a wrong loop still loses them, for its own cause).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from grader.errors import Feedback


def data_typed_otherwise(submission: Any, reference: Any,
                         names: Sequence[str]) -> list[torch.Tensor] | None:
    """The notebook's tensors `names`, detached, when each has the shape of the reference's
    and finite floating-point values, and some differ from the reference's; None when they are
    the lesson's, or unusable for a run (missing, another type or shape, not finite)."""
    pairs = []
    for name in names:
        try:
            found = submission.value(name)
        except Feedback:
            return None
        expected = reference.value(name)
        if not (isinstance(found, torch.Tensor) and found.is_floating_point()
                and found.shape == expected.shape and bool(torch.isfinite(found).all())):
            return None
        pairs.append((found.detach(), expected))
    if all(torch.equal(found.double(), expected.double()) for found, expected in pairs):
        return None
    return [found for found, _ in pairs]
