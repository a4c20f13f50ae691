"""Pieces every part of report.html uses: student-controlled text made safe, and a figure
inlined as a data: URI."""

from __future__ import annotations

import base64
from html import escape

from grader.reports.class_report.figures import Picture
from grader.reports.sanitize import clean


def text(value: object, limit: int = 2000) -> str:
    """Any text for the page: cleaned of control characters, HTML-escaped."""
    return escape(clean(str(value), limit), quote=True)


def figure(picture: Picture | None) -> str:
    if picture is None:
        return ""
    data = base64.b64encode(picture.png).decode("ascii")
    return (f"<figure><img src=\"data:image/png;base64,{data}\" alt=\"{text(picture.alt)}\" "
            f"data-figure=\"{text(picture.file_name)}\"><figcaption>{text(picture.title)}"
            "</figcaption></figure>")
