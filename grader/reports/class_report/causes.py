"""Group a class's failures of one test by what went wrong.

When the check named the mistake (`Feedback(..., cause=...)`, kept in results.json as the
test's extra_data.cause), that cause is the group. Otherwise the failure's message is reduced
to its pattern: numbers, quoted code, names in backticks, file names and paths become
placeholders and only the first sentence is kept, so that "31 losses, expected 30" and
"29 losses, expected 30" fall in one group while a different mistake does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from grader.reports.class_report.records import GradedTestResult
from grader.reports.grade import readable_message
from grader.reports.sanitize import clean

CODE, TEXT, NUMBER, FILE, PATH = "`…`", "'…'", "N", "<file>", "<path>"
EXAMPLE_LIMIT = 400  # characters of the example message shown for a group

_BACKTICKS = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
_QUOTED = re.compile(r"""(?<![\w'"])(['"])[^'"\n]*\1(?![\w'"])""")
_PATH = re.compile(r"(?<![\w)\]>])(?:~|\.{1,2}|<[\w ]+>)?(?:/[^\s'\"`:;,()\[\]]+)+/?")
_FILE = re.compile(r"(?<![\w/])[\w.\-]+\.(?:ipynb|py|json|csv|txt|md|log|pt|pth|npy)\b")
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?(?![\w])")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_SPACES = re.compile(r"\s+")


def message_pattern(message: str) -> str:
    """The failure's message with what varies between students replaced by placeholders,
    cut after its first sentence."""
    text = readable_message(message)
    text = _BACKTICKS.sub(CODE, text)
    text = _QUOTED.sub(TEXT, text)
    text = _PATH.sub(PATH, text)
    text = _FILE.sub(FILE, text)
    text = _NUMBER.sub(NUMBER, text)
    end = _SENTENCE_END.search(text)
    if end:
        text = text[:end.end()]
    return _SPACES.sub(" ", text).strip() or "(no message)"


@dataclass
class FailureGroup:
    """Students who failed one test the same way."""

    cause: str | None  # the cause the check named; None for a group by message pattern
    pattern: str  # the message's pattern (for a cause: that of the first student's message)
    example: str  # one student's message, readable, capped
    students: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.cause or self.pattern

    @property
    def count(self) -> int:
        return len(self.students)


def group_failures(failures: Iterable[tuple[str, GradedTestResult]]) -> list[FailureGroup]:
    """(student, failed test) pairs of one test -> groups, the largest first (then by label)."""
    groups: dict[tuple[str, str], FailureGroup] = {}
    for student, test in failures:
        pattern = message_pattern(test.message)
        cause = clean(test.cause, 200).strip() if test.cause else None
        key = ("cause", cause.casefold()) if cause else ("pattern", pattern)
        group = groups.get(key)
        if group is None:
            example = clean(readable_message(test.message), EXAMPLE_LIMIT).strip()
            group = groups[key] = FailureGroup(cause, pattern, example or "(no message)")
        group.students.append(student)
    return sorted(groups.values(), key=lambda g: (-g.count, g.label))
