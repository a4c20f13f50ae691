"""Name the cause of a wrong value only when the evidence points to it.

A test lists its suspects: for each usual mistake, the value that mistake would give (computed
by the grader: a training re-run without resetting gradients, the loss halved, ...). A wrong
value is blamed on a cause only if it matches that cause's value; otherwise the message says
what differs and claims no cause. Values are computed lazily: most tests pass, and a suspect
is only evaluated when a value is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from grader.checks.closeness import is_close


@dataclass(frozen=True)
class Suspect:
    """A usual mistake: what it is (a sentence for the student) and the value it gives."""

    cause: str
    value: Callable[[], Any]
    rtol: float = 1e-3
    atol: float = 1e-6


def matching_cause(found: Any, suspects: Iterable[Suspect]) -> str | None:
    """The cause of the first suspect whose value `found` matches, or None."""
    for suspect in suspects:
        try:
            value = suspect.value()
        except Exception:  # a suspect that cannot be computed points nowhere
            continue
        if value is not None and is_close(found, value, rtol=suspect.rtol, atol=suspect.atol):
            return suspect.cause
    return None


def hint_for(found: Any, suspects: Iterable[Suspect], otherwise: str = "") -> str:
    """`matching_cause`, or `otherwise` (a neutral reminder of what is asked) if none matches."""
    return matching_cause(found, suspects) or otherwise
