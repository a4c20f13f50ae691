"""The Markdown summary of a run, for a GitHub job summary ($GITHUB_STEP_SUMMARY) or a
pull-request comment: the total, a table per assignment, then what to fix.

Everything that comes from a run (test names, failure messages that quote a student's
code or error) is escaped, so it reads as text and never as Markdown or HTML.
"""

from __future__ import annotations

import re
from typing import Any

from grader.reports.grade import AssignmentGrade, Grade, GradedTest, read_grade

PASSED, PARTIAL, FAILED, HIDDEN = "✅", "🟡", "❌", "🔒"
AFTER_PUBLISHED = "shown after grades are published"

# Balanced backtick runs stay code spans (the kit's messages quote code that way).
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_ALWAYS_ESCAPED = re.compile(r"([\\`*_\[\]<>|~&])")
_LINE_START = re.compile(r"^(\s*\d*)([#>+=.)-])")


def markdown_summary(results: dict[str, Any]) -> str:
    """Markdown for people, from a Gradescope-format results dict (results.json)."""
    grade = read_grade(results)
    parts = [_heading(grade)]
    parts += [_assignment_table(assignment) for assignment in grade.assignments]
    failures = [test for a in grade.assignments for test in a.visible if not test.passed]
    if failures:
        parts.append("#### What to fix\n\n" + "\n".join(_failure(test) for test in failures))
    if grade.hidden_not_run:
        one = grade.hidden_not_run == 1
        parts.append(f"{count(grade.hidden_not_run, 'hidden test')} worth "
                     f"{points(grade.hidden_points_not_run)} {'was' if one else 'were'} not "
                     f"run here: the grader runs {'it' if one else 'them'} after you submit.")
    if grade.seconds is not None:
        parts.append(f"<sub>Graded in {grade.seconds:.1f} s.</sub>")
    return "\n\n".join(parts) + "\n"


def _heading(grade: Grade) -> str:
    if not grade.assignments:
        return "## Grade: no graded tests ran"
    heading = f"## Grade: {grade.earned:g} / {grade.possible:g}"
    if not grade.hidden_count:
        return heading
    one = grade.hidden_count == 1
    return (f"{heading} on the visible tests\n\n"
            f"{count(grade.hidden_count, 'hidden test')} ({points(grade.hidden_points)}) "
            f"also count{'s' * one}; {'its result is' if one else 'their results are'} "
            f"{AFTER_PUBLISHED}.")


def _assignment_table(assignment: AssignmentGrade) -> str:
    title = f"### {escape(assignment.name)}: {assignment.earned:g} / {assignment.possible:g}"
    if assignment.hidden:
        title += f" (+ {points(assignment.hidden_points)} hidden)"
    rows = ["| test | points | |", "|---|--:|:-:|"]
    rows += [f"| {escape(t.title, in_table=True)} | {t.score:g} / {t.max_score:g} | "
             f"{_mark(t)} |" for t in assignment.visible]
    rows += [f"| *hidden test* | {t.max_score:g} | {HIDDEN} |" for t in assignment.hidden]
    return title + "\n\n" + "\n".join(rows)


def _mark(test: GradedTest) -> str:
    """Passed, failed, or failed with part of its points (a graded band)."""
    if test.passed:
        return PASSED
    return PARTIAL if test.score > 0 else FAILED


def _failure(test: GradedTest) -> str:
    head = f"- **{escape(test.title)}** ({test.score:g} / {test.max_score:g})"
    lines = [escape(line) for line in test.message.splitlines() if line.strip()]
    if not lines:
        return head
    # A hard line break (trailing backslash) between the message's lines, inside the item.
    return head + ": " + " \\\n  ".join(lines)


def escape(text: str, in_table: bool = False) -> str:
    """`text` as literal Markdown on one line; balanced `code spans` are kept as code."""
    pieces, last = [], 0
    for span in _CODE_SPAN.finditer(text):
        pieces.append(_escape_plain(text[last:span.start()]))
        code = span.group(0)
        pieces.append(code.replace("|", "\\|") if in_table else code)
        last = span.end()
    pieces.append(_escape_plain(text[last:]))
    joined = "".join(pieces)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), joined, count=1)


def _escape_plain(text: str) -> str:
    return _ALWAYS_ESCAPED.sub(r"\\\1", text)


def count(n: float, thing: str) -> str:
    """`1 hidden test`, `2 hidden tests`."""
    return f"{n:g} {thing}{'s' * (n != 1)}"


def points(value: float) -> str:
    """`1 point`, `2.5 points`."""
    return f"{value:g} point{'s' * (value != 1)}"
