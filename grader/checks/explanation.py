"""What a check says about a wrong value beyond "expected X, found Y": words for the student,
and, when the evidence named one, the mistake as data (a Cause, what reports group by)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from grader.errors import Cause


@dataclass(frozen=True)
class Explanation:
    text: str
    cause: Cause | None = None

    def __str__(self) -> str:
        return self.text


# Words, or an Explanation that also carries the cause. A callable is asked only when the check
# fails: it may cost (re-running a training with each usual mistake).
Hint = str | Explanation | Callable[[], "str | Explanation"]


def resolve(hint: Hint, cause: Cause | None = None) -> tuple[str, Cause | None]:
    """The hint's words, and the cause it names (else `cause`, the check's own)."""
    given = hint() if callable(hint) else hint
    named = given.cause if isinstance(given, Explanation) else None
    return str(given or ""), named or cause
