"""students/NAME/feedback.html: a student's feedback as a page a browser shows, written with
the class report (whose links open it) beside summary.md.

It says what summary.md says, from the same results.json: the grade, a table per assignment,
what to fix; hidden tests only as what they are worth. Nothing about other students (no
similarity): a TA may hand it to the student. Everything from the run is escaped text.
"""

from __future__ import annotations

import os
from pathlib import Path

from grader.reports.class_report.html_parts import text
from grader.reports.class_report.links import FEEDBACK_PAGE
from grader.reports.class_report.records import STUDENTS, ReportedStudent
from grader.reports.class_report.words import count, points
from grader.reports.grade import AssignmentGrade, Grade, read_grade

POLICY = "default-src 'none'; style-src 'unsafe-inline'"
STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; color: #222; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; vertical-align: top; }
td.number { text-align: right; white-space: nowrap; }
.message { font-family: ui-monospace, monospace; font-size: 13px; white-space: pre-wrap; }
"""


def write_feedback_pages(out: Path, students: list[ReportedStudent]) -> None:
    for student in students:
        folder = out / STUDENTS / student.name
        if folder.is_dir():
            _write(folder / FEEDBACK_PAGE, feedback_html(student))


def feedback_html(student: ReportedStudent) -> str:
    name = text(student.name, 200)
    if student.graded and student.results is not None:
        body = _graded(read_grade(student.results))
    else:
        body = f"<p>No grade: <span class=\"message\">{text(student.reason)}</span></p>"
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">\n"
            f"<title>Feedback: {name}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"<h1>Feedback: {name}</h1>\n{body}\n</body>\n</html>\n")


def _graded(grade: Grade) -> str:
    if not grade.assignments:
        return "<p>No graded test ran.</p>"
    heading = f"<h2>Grade: {grade.earned:g} / {grade.possible:g}</h2>"
    if grade.hidden_count:
        heading += (f"<p>{count(grade.hidden_count, 'hidden test')} "
                    f"({points(grade.hidden_points)}) also count; their results are shown "
                    "after grades are published.</p>")
    parts = [heading, *(_assignment(a) for a in grade.assignments)]
    failures = [t for a in grade.assignments for t in a.visible if not t.passed]
    if failures:
        parts.append("<h2>What to fix</h2><ul>" + "".join(
            f"<li><b>{text(t.title)}</b> ({t.score:g} / {t.max_score:g})"
            f"<div class=\"message\">{text(t.message)}</div></li>" for t in failures) + "</ul>")
    return "\n".join(parts)


def _assignment(assignment: AssignmentGrade) -> str:
    rows = "".join(f"<tr><td>{text(t.title)}</td><td class=\"number\">{t.score:g} / "
                   f"{t.max_score:g}</td><td>{'passed' if t.passed else 'failed'}</td></tr>"
                   for t in assignment.visible)
    rows += "".join(f"<tr><td><i>hidden test</i></td><td class=\"number\">{t.max_score:g}</td>"
                    "<td>shown after grades are published</td></tr>" for t in assignment.hidden)
    hidden = f" (+ {points(assignment.hidden_points)} hidden)" if assignment.hidden else ""
    return (f"<h3>{text(assignment.name)}: {assignment.earned:g} / {assignment.possible:g}"
            f"{hidden}</h3><table><tr><th>test</th><th>points</th><th></th></tr>{rows}</table>")


def _write(path: Path, content: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(content, encoding="utf-8")
    os.replace(temporary, path)
