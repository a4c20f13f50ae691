"""report.html: one self-contained page (figures inlined as data: URIs, no script, no request
to any server; its Content-Security-Policy forbids both).

Student names, file names and failure messages are the students' to choose: every one is
cleaned of control characters and HTML-escaped, and links to a student's feedback are
percent-encoded. The tables carry their numbers as data- attributes too, so that a test (or a
script) can read the report without scraping prose.
"""

from __future__ import annotations

from html import escape

from grader.reports.class_report.causes import FailureGroup
from grader.reports.class_report.facts import RunFacts
from grader.reports.class_report.figures import Picture
from grader.reports.class_report.html_parts import figure, text
from grader.reports.class_report.links import FEEDBACK_PAGE, feedback_link
from grader.reports.class_report.similar_code import SimilarCode
from grader.reports.class_report.similarity_html import STYLE as SIMILARITY_STYLE
from grader.reports.class_report.similarity_html import similarity_section
from grader.reports.class_report.statistics import (
    TOTAL,
    ClassSummary,
    Distribution,
    PerTestSummary,
)
from grader.reports.class_report.words import count, points

POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; color: #222; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; }
h1 { margin-bottom: .2rem; } h2 { border-bottom: 1px solid #ccc; margin-top: 2.5rem; }
.facts { color: #555; } .facts span + span::before { content: " · "; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(30rem, 1fr)); gap: 1rem; }
figure { margin: 0; } img { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.number, th.number { text-align: right; white-space: nowrap; }
.message { font-family: ui-monospace, monospace; font-size: 13px; white-space: pre-wrap;
           max-width: 40rem; }
.cause { font-weight: 600; } .hidden { color: #777; font-style: italic; }
details summary { cursor: pointer; color: #444; }
"""


def html_page(summary: ClassSummary, facts: RunFacts, pictures: dict[str, Picture],
              similar: SimilarCode | None = None) -> str:
    """`pictures`: the figures by name, "scores-NAME", "pass-rates-ASSIGNMENT" and
    "similarity-ASSIGNMENT"."""
    body = [
        "<h1>Class report</h1>",
        _facts_line(summary, facts, similar),
        _contents(similar is not None),
        _scores(summary, pictures),
        _pass_rates(summary, pictures),
        _what_went_wrong(summary),
        _without_grade(summary),
        _flagged(summary),
        similarity_section(similar, pictures) if similar is not None else "",
        _about(summary, facts),
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>Class report</title>\n<style>{STYLE}{SIMILARITY_STYLE}</style>\n</head>\n"
            "<body>\n" + "\n".join(part for part in body if part) + "\n</body>\n</html>\n")


def _facts_line(summary: ClassSummary, facts: RunFacts, similar: SimilarCode | None) -> str:
    parts = [f"{count(summary.students, 'student')}: {len(summary.graded)} graded, "
             f"{len(summary.without_grade)} without a grade",
             f"seed {text(', '.join(facts.seeds))}", text(facts.kit_version)]
    if similar is not None and similar.assignments:
        flagged = sum(len(a.flagged) for a in similar.assignments)
        parts.append(f"<a href=\"#similar-code\">{count(flagged, 'pair')} of similar code "
                     "flagged</a>")
    parts += [f"sandbox {text(description)}" for description, _ in facts.sandboxes[:1]]
    return "<p class=\"facts\">" + "".join(f"<span>{p}</span>" for p in parts) + "</p>"


def _contents(similarity: bool) -> str:
    links = [("scores", "Scores"), ("pass-rates", "Pass rate per test"),
             ("went-wrong", "What went wrong"), ("no-grade", "Students without a grade"),
             *([("similar-code", "Similar code")] if similarity else []),
             ("about", "About this run")]
    items = "".join(f"<li><a href=\"#{anchor}\">{title}</a></li>" for anchor, title in links)
    return f"<nav><ol>{items}</ol></nav>"


def _scores(summary: ClassSummary, pictures: dict[str, Picture]) -> str:
    cells = [_distribution(d, pictures.get(f"scores-{d.name}")) for d in summary.distributions]
    return ("<section id=\"scores\"><h2>Scores</h2>\n<div class=\"grid\">\n"
            + "\n".join(cells) + "\n</div></section>")


def _distribution(distribution: Distribution, picture: Picture | None) -> str:
    name = "Total" if distribution.name == TOTAL else distribution.name
    rows = "".join(
        f"<tr data-bin=\"{text(b.label)}\" data-count=\"{b.count}\"><td>{text(b.label)}</td>"
        f"<td class=\"number\">{b.count}</td></tr>"
        for b in distribution.bins)
    return (f"<div>{figure(picture)}<details><summary>{text(name)}: counts per score "
            f"({count(len(distribution.scores), 'student')}, out of "
            f"{distribution.possible:g})</summary>"
            f"<table class=\"histogram\" data-distribution=\"{text(distribution.name)}\" "
            f"data-students=\"{len(distribution.scores)}\">"
            f"<tr><th>points</th><th class=\"number\">students</th></tr>{rows}</table>"
            "</details></div>")


def _pass_rates(summary: ClassSummary, pictures: dict[str, Picture]) -> str:
    parts = ["<section id=\"pass-rates\"><h2>Pass rate per test</h2>"]
    for assignment in summary.assignments:
        tests = summary.tests_of(assignment)
        rows = "".join(_pass_rate_row(test) for test in tests)
        parts.append(
            f"<h3>{text(assignment)}</h3><div class=\"grid\">"
            f"<div>{figure(pictures.get(f'pass-rates-{assignment}'))}</div>"
            f"<div><table class=\"pass-rates\" data-assignment=\"{text(assignment)}\">"
            "<tr><th>test</th><th class=\"number\">points</th><th class=\"number\">passed</th>"
            f"<th class=\"number\">rate</th></tr>{rows}</table></div></div>")
    if not summary.assignments:
        parts.append("<p>No student has results yet.</p>")
    return "\n".join(parts) + "</section>"


def _pass_rate_row(test: PerTestSummary) -> str:
    hidden = " <span class=\"hidden\">(hidden)</span>" if test.hidden else ""
    return (f"<tr data-test=\"{text(_key(test))}\" data-passed=\"{test.passed}\" "
            f"data-graded=\"{test.graded}\"><td>{text(test.title)}{hidden}</td>"
            f"<td class=\"number\">{test.max_score:g}</td>"
            f"<td class=\"number\">{test.passed} / {test.graded}</td>"
            f"<td class=\"number\">{100 * test.pass_rate:.0f} %</td></tr>")


def _what_went_wrong(summary: ClassSummary) -> str:
    parts = ["<section id=\"went-wrong\"><h2>What went wrong</h2>",
             "<p>Each failed test, the most failed first, with what its students got wrong: "
             "the cause the check named, or else the failure's message with its numbers, code "
             "and names set aside. Each name opens that student's feedback.</p>"]
    for test in summary.most_failed:
        rows = "".join(_group_row(test, group) for group in test.groups)
        parts.append(
            f"<h3>{text(test.assignment)}: {text(test.title)}"
            f"{' (hidden)' if test.hidden else ''}</h3>"
            f"<p>failed by {test.failed} of {count(test.graded, 'student')}"
            f"{text(test.partial_words)} ({points(test.max_score)})</p>"
            f"<table class=\"causes\" data-test=\"{text(_key(test))}\">"
            "<tr><th>what went wrong</th><th class=\"number\">students</th><th>who</th>"
            f"<th>what one of them read</th></tr>{rows}</table>")
    if not summary.most_failed:
        parts.append("<p>Every graded student passed every test.</p>")
    return "\n".join(parts) + "</section>"


def _group_row(test: PerTestSummary, group: FailureGroup) -> str:
    label = (f"<span class=\"cause\">{text(group.cause)}</span>" if group.cause
             else f"<span class=\"message\">{text(group.pattern)}</span>")
    who = ", ".join(_student_link(name) for name in group.students)
    return (f"<tr data-group=\"{text(group.label)}\" data-count=\"{group.count}\" "
            f"data-kind=\"{'cause' if group.cause else 'message'}\">"
            f"<td>{label}</td><td class=\"number\">{group.count}</td><td>{who}</td>"
            f"<td class=\"message\">{text(group.example)}</td></tr>")


def _student_link(name: str) -> str:
    return (f"<a href=\"{escape(feedback_link(name, FEEDBACK_PAGE), quote=True)}\" "
            f"data-student=\"{text(name, 200)}\">{text(name, 200)}</a>")


def _without_grade(summary: ClassSummary) -> str:
    parts = ["<section id=\"no-grade\"><h2>Students without a grade</h2>"]
    if summary.without_grade:
        rows = "".join(f"<tr data-student=\"{text(s.name, 200)}\"><td>{_student_link(s.name)}"
                       f"</td><td class=\"message\">{text(s.reason)}</td></tr>"
                       for s in summary.without_grade)
        parts.append(f"<table class=\"no-grade\"><tr><th>student</th><th>why</th></tr>{rows}"
                     "</table>")
    else:
        parts.append("<p>Every student was graded.</p>")
    if summary.unreadable:
        parts.append("<p>These records could not be read: "
                     + ", ".join(f"<code>{text(path)}</code>" for path in summary.unreadable)
                     + ".</p>")
    return "\n".join(parts) + "</section>"


def _flagged(summary: ClassSummary) -> str:
    """A link in a submission (not followed), a notebook that is a classmate's file."""
    rows = "".join(f"<tr data-student=\"{text(s.name, 200)}\"><td>{_student_link(s.name)}"
                   f"</td><td class=\"message\">{text(flag)}</td></tr>"
                   for s in [*summary.graded, *summary.without_grade] for flag in s.flags)
    if not rows:
        return ""
    return ("<section id=\"flagged\"><h2>Submissions to look at</h2>"
            f"<table class=\"no-grade\"><tr><th>student</th><th>what</th></tr>{rows}</table>"
            "</section>")


def _about(summary: ClassSummary, facts: RunFacts) -> str:
    sandboxes = "".join(f"<li>{text(description)}: {count(n, 'student')}</li>"
                        for description, n in facts.sandboxes) or "<li>not recorded</li>"
    return ("<section id=\"about\"><h2>About this run</h2><ul>"
            f"<li>seed: {text(', '.join(facts.seeds))}</li>"
            f"<li>kit: {text(facts.kit_version)}</li>"
            f"<li>sandbox layers the students' notebooks ran with:<ul>{sandboxes}</ul></li>"
            "<li>rebuilt from the records by <code>grader report OUT</code>; figures also in "
            "<code>report/</code></li></ul></section>")


def _key(test: PerTestSummary) -> str:
    return f"{test.assignment}: {test.function}"
