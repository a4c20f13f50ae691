"""What a pull request is told: the flag, the grade, what was and was not graded, and the
check result (conclusion and title) the workflow publishes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from grader.reports.markdown import escape, markdown_summary
from grader.reports.sanitize import clean

if TYPE_CHECKING:
    from grader.ci.autograde import AutogradeOutcome

LISTED = 10  # trusted paths named in the flag; the rest are counted


@dataclass(frozen=True)
class CheckResult:
    conclusion: str  # a GitHub check run conclusion: success or neutral
    title: str


def check_result(outcome: AutogradeOutcome) -> CheckResult:
    """Full marks on an unflagged pull request is a success; any other grade is neutral: the
    score is feedback, the check never fails a pull request for it."""
    flag = " · flagged: changes the trusted grader" if outcome.flagged else ""
    score = outcome.score
    if score is None:
        return CheckResult("neutral", f"Nothing to grade{flag}")
    earned, possible = score
    full = earned == possible and not outcome.flagged
    return CheckResult("success" if full else "neutral", f"Score {earned:g} / {possible:g}{flag}")


def pr_summary(outcome: AutogradeOutcome) -> str:
    parts = [_flag(outcome)] if outcome.flagged else []
    if outcome.results is not None:
        parts.append(markdown_summary(outcome.results).rstrip())
    else:
        parts.append("## Grade: nothing to grade\n\n"
                     "This pull request changes no assignment notebook.")
    if outcome.graded:
        parts.append("Graded: " + ", ".join(f"{_code(n.path)} as {_code(n.assignment)}"
                                            for n in outcome.graded) + ".")
    if outcome.not_graded:
        parts.append("Not graded:\n\n" + "\n".join(f"- {_code(n.path)}: {escape(clean(n.reason))}"
                                                   for n in outcome.not_graded))
    parts.append(f"<sub>Pull request at `{outcome.head[:12]}`, graded with the grader, tests "
                 f"and solutions of the base branch at `{outcome.base[:12]}`.</sub>")
    return "\n\n".join(parts) + "\n"


def _flag(outcome: AutogradeOutcome) -> str:
    named = ", ".join(_code(path) for path in outcome.flagged[:LISTED])
    if len(outcome.flagged) > LISTED:
        named += f" and {len(outcome.flagged) - LISTED} more"
    return ("> ⚠️ **Flagged for review.** This pull request changes files of the trusted "
            f"grader: {named}.\n"
            "> These changes were **not used**: the notebooks were graded with the grader, "
            f"tests and solutions of the base branch (`{outcome.base[:12]}`).")


def _code(path: str) -> str:
    path = " ".join(clean(path, 300).split())
    return escape(path) if "`" in path else f"`{path}`"
