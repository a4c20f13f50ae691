"""Where a report links for a student: their feedback, relative to OUT."""

from __future__ import annotations

from urllib.parse import quote

from grader.reports.class_report.records import STUDENTS

FEEDBACK = "summary.md"


def feedback_link(student: str) -> str:
    """students/NAME/summary.md, NAME percent-encoded whole (no `/`, `..`, `:` or quote
    survives it, so a link never leaves the student's folder or becomes javascript:)."""
    return f"{STUDENTS}/{quote(student, safe='')}/{FEEDBACK}"
