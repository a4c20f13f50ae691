"""A course's roster (a CSV a LMS exports, or any with a header row), and which row each
graded student is.

A student is their folder's name in the submissions (a login, a student number, an email, a
GitHub username...). It matches a roster row when it equals, ignoring case, one of the row's
identifiers: its ids, login, username, email or GitHub name, or the part before the @ of
one that is an address (`dave` is `dave@uni.edu`). A folder that matches no row, or several,
and two folders that match one row, are reported, never guessed.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import UserError

# Canonical fields, and the headers (lower case, single spaces) that name them.
FIELDS = {
    "name": ("student", "name", "full name", "student name"),
    "first": ("first name", "firstname", "given name"),
    "last": ("last name", "lastname", "surname", "family name"),
    "id": ("id", "canvas id", "user id", "userid"),
    "sis_user_id": ("sis user id", "student id", "student number", "matriculation number"),
    "sis_login_id": ("sis login id", "login id", "login"),
    "username": ("username", "user name"),
    "id_number": ("id number", "idnumber"),
    "email": ("email address", "email", "e-mail", "e-mail address"),
    "github": ("github", "github username", "github login"),
    "section": ("section", "sections"),
    "institution": ("institution",),
    "department": ("department",),
}
IDENTIFIERS = ("id", "sis_user_id", "sis_login_id", "username", "id_number", "email", "github")
NOT_STUDENTS = ("points possible",)  # Canvas exports carry this row under the header


@dataclass(frozen=True)
class RosterRow:
    line: int  # in the file, for messages
    values: dict[str, str]  # canonical field -> value ("" when absent)

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    @property
    def display_name(self) -> str:
        if self.get("name"):
            return self.get("name")
        return " ".join(part for part in (self.get("first"), self.get("last")) if part)

    @property
    def keys(self) -> set[str]:
        """What a student's folder may be called to be this row: an identifier, or the part
        before the @ of one that is an address (an email, or a login such as Canvas's SIS
        Login ID `dave@uni.edu`)."""
        keys = {self.get(name).strip().casefold() for name in IDENTIFIERS}
        keys |= {key.partition("@")[0] for key in keys if "@" in key}
        return keys - {""}

    def describe(self) -> str:
        ids = ", ".join(f"{name} {self.get(name)}" for name in IDENTIFIERS if self.get(name))
        return f"{self.display_name or '(no name)'} ({ids or f'line {self.line}'})"


@dataclass(frozen=True)
class Roster:
    path: Path
    rows: list[RosterRow]


@dataclass
class Matching:
    matched: dict[str, RosterRow] = field(default_factory=dict)  # student -> row
    unmatched: dict[str, str] = field(default_factory=dict)  # student -> why
    without_submission: list[RosterRow] = field(default_factory=list)


def read_roster(path: Path) -> Roster:
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark, as Excel writes
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"the roster {path} cannot be read ({exc}): give a UTF-8 CSV file "
                        "with a header row") from None
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if not header:
        raise UserError(f"the roster {path} is empty: it needs a header row, then a row per "
                        "student")
    columns = _columns(header)
    if not any(name in columns.values() for name in IDENTIFIERS):
        raise UserError(f"the roster {path} has no column that identifies a student (one of: "
                        f"{', '.join(FIELDS[n][0] for n in IDENTIFIERS)}); its columns are "
                        f"{', '.join(header)}")
    rows = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if cells[0].strip().casefold() in NOT_STUDENTS:
            continue
        values = {columns[i]: cell.strip() for i, cell in enumerate(cells) if i in columns}
        rows.append(RosterRow(line, values))
    return Roster(path, rows)


def _columns(header: list[str]) -> dict[int, str]:
    """Column index -> canonical field, for the columns the roster has (first one wins)."""
    headers = {alias: name for name, aliases in FIELDS.items() for alias in aliases}
    columns: dict[int, str] = {}
    for index, title in enumerate(header):
        name = headers.get(re.sub(r"[\s_]+", " ", title.strip().casefold()))
        if name and name not in columns.values():
            columns[index] = name
    return columns


def match_students(students: Iterable[str], roster: Roster) -> Matching:
    matching = Matching()
    claimed: dict[int, list[str]] = {}
    for student in students:
        key = student.strip().casefold()
        rows = [row for row in roster.rows if key in row.keys]
        if not rows:
            matching.unmatched[student] = "not on the roster (no id, login or email matches)"
        elif len(rows) > 1:
            matching.unmatched[student] = ("matches several roster rows: "
                                           + "; ".join(row.describe() for row in rows))
        else:
            claimed.setdefault(rows[0].line, []).append(student)
            matching.matched[student] = rows[0]
    for students_of_row in claimed.values():
        if len(students_of_row) > 1:
            row = matching.matched[students_of_row[0]]
            for student in students_of_row:
                del matching.matched[student]
                others = ", ".join(s for s in students_of_row if s != student)
                matching.unmatched[student] = (f"the roster row {row.describe()} is also "
                                               f"matched by {others}")
    taken = {row.line for row in matching.matched.values()}
    matching.without_submission = [row for row in roster.rows if row.line not in taken]
    return matching
