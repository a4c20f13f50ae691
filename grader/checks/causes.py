"""Name the cause of a wrong value only when the evidence points to it, and to it alone.

A test lists its suspects: for each usual mistake, the value that mistake would give (computed
by the grader: the loss halved, X @ W without the bias, ...). A wrong value is blamed on a
cause only if it matches that cause's value and no other cause's: two mistakes that both
explain it leave the evidence undecided, and the message then says what differs, claiming no
cause. Values are computed lazily: most tests pass, and a suspect is only evaluated when a
value is wrong. (Trainings are explained by re-running them: grader.checks.mistaken_runs.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from grader.checks.closeness import is_close
from grader.checks.explanation import Explanation
from grader.errors import Cause


@dataclass(frozen=True)
class Suspect:
    """A usual mistake: its cause, the sentence that explains it, and the value it gives."""

    cause: Cause
    text: str
    value: Callable[[], Any]
    rtol: float = 1e-3
    atol: float = 1e-6

    @property
    def explanation(self) -> Explanation:
        return Explanation(self.text, self.cause)


def matching(found: Any, suspects: Iterable[Suspect]) -> Explanation | None:
    """The explanation of the one cause whose value `found` matches; None when no cause does,
    or when suspects of different causes do (the evidence does not single one out)."""
    matches: dict[Cause, Suspect] = {}
    for suspect in suspects:
        try:
            value = suspect.value()
        except Exception:  # a suspect that cannot be computed points nowhere
            continue
        if value is not None and is_close(found, value, rtol=suspect.rtol, atol=suspect.atol):
            matches.setdefault(suspect.cause, suspect)
    return next(iter(matches.values())).explanation if len(matches) == 1 else None


def hint_for(found: Any, suspects: Iterable[Suspect],
             otherwise: str | Explanation = "") -> Explanation:
    """`matching`, or `otherwise` (a neutral reminder of what is asked) if none matches."""
    explained = matching(found, suspects)
    if explained is not None:
        return explained
    return otherwise if isinstance(otherwise, Explanation) else Explanation(otherwise)
