"""Student-controlled text, made safe to show a person: in a terminal, a log, results.json,
summary.md, a pull-request comment or a job summary.

A notebook controls its error messages, the values it returns and (in a pull request) its file
names, and can put in them what fools a reader: ANSI and OSC escape sequences (colours, cursor
moves, a rewritten line, a terminal title, a hyperlink), a carriage return over the real score,
bidirectional overrides that show text in another order than it runs, kilobytes of noise.
`clean` removes those and caps the length; `Redactor` replaces secrets of the grader's
environment and the TA's absolute paths, which a message must never carry to a student.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from typing import TypeVar

T = TypeVar("T")

LIMIT = 2000  # characters of one message
CUT = " … (cut)"

_ESCAPE_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, erase line
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window title, hyperlinks, clipboard
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"  # DCS, PM, APC, SOS strings
    r"|\x1b[@-Z\\-_]"  # two-character escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and newline
_SURROGATE = re.compile("[\ud800-\udfff]")  # undecodable bytes of a file name: unwritable
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")  # bidi, zero-width
SECRET_NAMES = re.compile(r"TOKEN|SECRET|PASSW|API_?KEY|PRIVATE|CREDENTIAL|AUTH|SESSION|COOKIE",
                          re.IGNORECASE)
MIN_SECRET = 6  # shorter values would redact ordinary words


def clean(text: str, limit: int = LIMIT) -> str:
    """`text` without escape sequences, control characters (but tab and newline) and bidi or
    zero-width characters, at most `limit` characters long."""
    text = _ESCAPE_SEQUENCES.sub("", text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n"))
    text = _INVISIBLE.sub("", text)
    text = _SURROGATE.sub("\ufffd", text)
    if len(text) > limit:
        text = text[:limit - len(CUT)].rstrip() + CUT
    return text


LINE_BREAK = " ⏎ "  # where a message had a line break


def one_paragraph(text: str) -> str:
    """`text` on one line, its line breaks shown as ⏎. The kit's messages are one paragraph:
    a line break in one comes from the notebook (an exception's message, a class's name), and
    a line of its own could read as the grader's ("total 10 / 10", "## Grade: ...")."""
    return LINE_BREAK.join(line.strip() for line in text.splitlines() if line.strip())


def one_line(text: str, limit: int = 200) -> str:
    """`text` cleaned, its runs of white space (line breaks too) one space."""
    return " ".join(clean(text, limit).split())


def clean_name(name: str, limit: int = 200) -> str:
    """A student's or a file's name for one line of a report (a CSV cell too: a leading
    =, +, - or @ would make a spreadsheet run it as a formula)."""
    return csv_cell(one_line(name, limit))


# What makes a spreadsheet read a cell as a formula (or as DDE): its first character, once
# leading blanks and control characters are skipped; full-width forms too, which some
# spreadsheets fold to the ASCII ones.
_FORMULA_START = re.compile(r"^([\t\r]|[\s\x00-\x1f]*[=+\-@\uff1d\uff0b\uff0d\uff20])")
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def csv_cell(value: T) -> T | str:
    """A value for a CSV cell a person may open in a spreadsheet: text that would start a
    formula (`=`, `+`, `-`, `@`, a tab or a carriage return first, ...) gets a leading `'`,
    which spreadsheets show as text; numbers, and text that is a plain number, are kept."""
    if not isinstance(value, str) or _NUMBER.match(value.strip()):
        return value
    return f"'{value}" if _FORMULA_START.match(value) else value


class Redactor:
    """Replaces secrets and absolute paths in text meant for students."""

    def __init__(self, paths: Mapping[str, str] | None = None,
                 environ: Mapping[str, str] | None = None) -> None:
        paths = paths or {}
        environ = os.environ if environ is None else environ
        self.secrets = sorted({value for name, value in environ.items()
                               if SECRET_NAMES.search(name) and len(value) >= MIN_SECRET},
                              key=len, reverse=True)
        # Longest first: a student's folder inside the class folder keeps its own label.
        pairs = {os.path.realpath(p): label for p, label in dict(paths).items() if p}
        pairs.update({p: label for p, label in dict(paths).items() if p})
        self.paths = sorted(((p.rstrip("/"), label) for p, label in pairs.items()
                             if p.rstrip("/")), key=lambda pair: len(pair[0]), reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        for path, label in self.paths:
            text = text.replace(path, label)
        return text


def student_paths(submissions: str, course: str, others: Iterable[str] = ()) -> dict[str, str]:
    """The TA's paths a student's message may mention, and what to say instead."""
    paths = {submissions: "<your folder>", course: "<course>"}
    paths.update(dict.fromkeys(others, "<grader>"))
    home = os.path.expanduser("~")
    if home not in ("/", ""):
        paths.setdefault(home, "~")
    return paths
