"""report.md: the class report in Markdown, for a CI job summary ($GITHUB_STEP_SUMMARY) or a
README. Job summaries show no inline images, so each distribution is a table with a bar of
characters; the PNG files beside the report hold the figures."""

from __future__ import annotations

from grader.reports.class_report.facts import RunFacts
from grader.reports.class_report.links import feedback_link
from grader.reports.class_report.similar_code import SimilarCode
from grader.reports.class_report.statistics import (
    TOTAL,
    ClassSummary,
    Distribution,
    PerTestSummary,
)
from grader.reports.class_report.words import count
from grader.reports.markdown import escape
from grader.reports.sanitize import clean
from grader.similarity import ClassSimilarity

BAR = "█"
BAR_WIDTH = 30  # characters of the longest bar
GROUP_STUDENTS = 12  # students named per group; the rest are counted


def markdown_page(summary: ClassSummary, facts: RunFacts,
                  similar: SimilarCode | None = None) -> str:
    parts = ["# Class report", _facts(summary, facts), "## Scores"]
    parts += [_distribution(d) for d in summary.distributions]
    parts.append("## Pass rate per test")
    parts += [_pass_rates(summary, a) for a in summary.assignments]
    parts.append("## What went wrong")
    parts += [_failed_test(test) for test in summary.most_failed] or [
        "Every graded student passed every test."]
    parts.append("## Students without a grade")
    parts.append(_without_grade(summary))
    flagged = _flagged(summary)
    if flagged:
        parts += ["## Submissions to look at", flagged]
    if similar is not None:
        parts.append("## Similar code")
        if similar.problem:
            parts.append(f"The comparison failed, an error of the kit: {md(similar.problem)}")
        parts += [_similar(a) for a in similar.assignments] or [
            "No student's code was compared."]
    return "\n\n".join(parts) + "\n"


def md(value: object, limit: int = 2000, in_table: bool = False) -> str:
    """Any text as literal Markdown on one line (cleaned, escaped; code spans kept)."""
    return escape(" ".join(clean(str(value), limit).split()), in_table=in_table)


def _facts(summary: ClassSummary, facts: RunFacts) -> str:
    sandboxes = "; ".join(f"{md(d)} ({count(n, 'student')})" for d, n in facts.sandboxes
                          ) or "not recorded"
    return (f"{count(summary.students, 'student')}: {len(summary.graded)} graded, "
            f"{len(summary.without_grade)} without a grade. "
            f"Seed {md(', '.join(facts.seeds))}; {md(facts.kit_version)}; "
            f"sandbox {sandboxes}.")


def _distribution(distribution: Distribution) -> str:
    name = "Total" if distribution.name == TOTAL else md(distribution.name)
    most = max((b.count for b in distribution.bins), default=0) or 1
    rows = [f"| {b.label} | {b.count} | {BAR * round(BAR_WIDTH * b.count / most)} |"
            for b in distribution.bins]
    return (f"### {name}: {count(len(distribution.scores), 'student')}, out of "
            f"{distribution.possible:g} (mean {distribution.mean:.3g}, median "
            f"{distribution.median:g})\n\n| points | students | |\n|--:|--:|:--|\n"
            + "\n".join(rows))


def _pass_rates(summary: ClassSummary, assignment: str) -> str:
    rows = [f"| {md(t.title, in_table=True)}{' (hidden)' if t.hidden else ''} | "
            f"{t.max_score:g} | {t.passed} / {t.graded} | {100 * t.pass_rate:.0f} % |"
            for t in summary.tests_of(assignment)]
    return (f"### {md(assignment)}\n\n| test | points | passed | rate |\n|---|--:|--:|--:|\n"
            + "\n".join(rows))


def _failed_test(test: PerTestSummary) -> str:
    lines = [f"### {md(test.assignment)}: {md(test.title)}{' (hidden)' if test.hidden else ''}"
             f"\n\nFailed by {test.failed} of {count(test.graded, 'student')}"
             f"{test.partial_words}.\n"]
    for group in test.groups:
        label = f"**{md(group.cause)}**" if group.cause else md(group.pattern)
        shown = ", ".join(_student_link(name) for name in group.students[:GROUP_STUDENTS])
        more = group.count - min(group.count, GROUP_STUDENTS)
        lines.append(f"- {label} — {count(group.count, 'student')} "
                     f"({shown}{f' and {more} more' if more else ''})")
    return "\n".join(lines)


def _student_link(name: str) -> str:
    """In a table cell too: no `|` of the name, in a code span or not, ends the cell."""
    return f"[{md(name, 200, in_table=True)}]({feedback_link(name)})"


def _flagged(summary: ClassSummary) -> str:
    """A link in a submission (not followed), a notebook that is a classmate's file."""
    rows = [f"| {_student_link(s.name)} | {md(flag, in_table=True)} |"
            for s in [*summary.graded, *summary.without_grade] for flag in s.flags]
    return "| student | what |\n|---|---|\n" + "\n".join(rows) if rows else ""


def _without_grade(summary: ClassSummary) -> str:
    if not summary.without_grade:
        return "Every student was graded."
    rows = [f"| {_student_link(s.name)} | {md(s.reason, in_table=True)} |"
            for s in summary.without_grade]
    return "| student | why |\n|---|---|\n" + "\n".join(rows)


def _similar(similarity: ClassSimilarity) -> str:
    """The flagged pairs of one assignment (their code side by side: report.html)."""
    threshold = similarity.threshold
    head = (f"### {md(similarity.assignment)}\n\n"
            f"{count(len(similarity.flagged), 'pair')} flagged of "
            f"{count(len(similarity.scores), 'pair')} ({count(similarity.students, 'student')}"
            f"{' and the reference solution' if similarity.has_reference else ''}): score "
            f"{threshold.value:.2f} and above (floor {threshold.floor:g}; the class's far-out "
            f"fence {threshold.fence:.2f}). Side by side in report.html; every pair above 0.2 "
            "in similarity.csv.")
    if not similarity.flagged:
        return head
    rows = [f"| {md(p.a, 200, in_table=True)} | {md(p.b, 200, in_table=True)} | "
            f"{p.score:.2f} |" for p in similarity.flagged]
    return head + "\n\n| student | student | score |\n|---|---|--:|\n" + "\n".join(rows)
