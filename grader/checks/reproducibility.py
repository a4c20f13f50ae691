"""Seeds make runs repeatable: the same seed gives identical results, another seed other ones,
and a seeded result is the reference's.

Each check takes a run's results by name ({"W": ..., "losses": ...}): tensors, numbers, or
lists of numbers. "Identical" means bit for bit: one seed in one kernel on one CPU replays the
same draws and the same arithmetic, so there is nothing to tolerate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from grader.checks.closeness import ATOL, RTOL, expect_close
from grader.checks.explanation import Hint
from grader.errors import Cause, Feedback

SEED_IT = ("Call torch.manual_seed(seed) inside the function, before anything random is drawn, "
           "so that each call starts from the same random state.")


def expect_same_for_same_seed(first: Mapping[str, Any], second: Mapping[str, Any],
                              call: str) -> None:
    """Two runs of `call` with the same seed gave `first` and `second`: they must be identical."""
    for name, value in first.items():
        a, b = _numbers(value), _numbers(second[name])
        if _equal(a, b):
            continue
        raise Feedback(
            f"{call} gave a different `{name}` when called again with the same seed: first "
            f"{_show(a)}, then {_show(b)}. The same seed must reproduce the same results, run "
            f"after run. {SEED_IT}", cause=Cause.NOT_REPRODUCIBLE)


def expect_different_for_different_seeds(runs: Mapping[int, Mapping[str, Any]],
                                         call: str) -> None:
    """`runs` maps each seed to one run's results: runs with different seeds must differ."""
    seeds = list(runs)
    for position, seed in enumerate(seeds):
        for other in seeds[position + 1:]:
            if _identical(runs[seed], runs[other]):
                raise Feedback(
                    f"{call} gave identical results for seeds {seed} and {other}: the seed "
                    "argument is not used. Seed with torch.manual_seed(seed), the argument, not "
                    "a fixed number, and draw the numbers rather than typing them in.",
                    cause=Cause.SEED_NOT_USED)


def expect_seeded_like_reference(found: Mapping[str, Any], expected: Mapping[str, Any],
                                 call: str, *, rtol: float = RTOL, atol: float = ATOL,
                                 hint: Hint = "") -> None:
    """A seeded run's results match the reference's run with the same seed and inputs."""
    for name, wanted in expected.items():
        expect_close(_numbers(found[name]), _numbers(wanted), f"{name} from {call}",
                     rtol=rtol, atol=atol, hint=hint)


def identical(first: Any, second: Any) -> bool:
    """Whether two results hold the same numbers, bit for bit, in the same structure."""
    return _equal(_numbers(first), _numbers(second))


def _equal(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Same length and the same numbers (a NaN equals a NaN: both runs blew up alike)."""
    return a.shape == b.shape and bool(((a == b) | (a.isnan() & b.isnan())).all())


def _identical(first: Mapping[str, Any], second: Mapping[str, Any]) -> bool:
    return all(identical(value, second[name]) for name, value in first.items())


def _numbers(value: Any) -> torch.Tensor:
    """A tensor, a number or a (nested) list of numbers or tensors, flattened, as float64.

    Runs are compared value for value, whatever their structure: a run of another length is
    simply another run."""
    if isinstance(value, torch.Tensor):
        return value.detach().double().reshape(-1)
    if isinstance(value, (list, tuple)):
        items = [_numbers(v) for v in value]
        return torch.cat(items) if items else torch.empty(0, dtype=torch.float64)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return torch.tensor([float(value)], dtype=torch.float64)
    try:
        return torch.as_tensor(value, dtype=torch.float64).reshape(-1)
    except (TypeError, ValueError, RuntimeError):
        raise Feedback(f"expected numbers or tensors, found {type(value).__name__}: "
                       f"{str(value)[:60]}") from None


def _show(values: torch.Tensor) -> str:
    flat = values.reshape(-1).tolist()
    if len(flat) > 4:
        return f"{len(flat)} numbers starting {', '.join(f'{v:.6g}' for v in flat[:3])}"
    return "[" + ", ".join(f"{v:.6g}" for v in flat) + "]"
