"""Where a report links for a student: their feedback, relative to OUT."""

from __future__ import annotations

from urllib.parse import quote

from grader.reports.class_report.records import STUDENTS

FEEDBACK = "summary.md"
FEEDBACK_PAGE = "feedback.html"  # the same feedback as a page (feedback_page.py)


def feedback_link(student: str, page: str = FEEDBACK) -> str:
    """students/NAME/summary.md (or another file of the student's folder), NAME
    percent-encoded whole (no `/`, `..`, `:` or quote survives it, so a link never leaves the
    student's folder or becomes javascript:)."""
    return f"{STUDENTS}/{quote(student, safe='')}/{page}"
