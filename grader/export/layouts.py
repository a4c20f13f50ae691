"""The gradebook CSV each LMS imports, column by column.

Canvas (Grades > Import; the layout of its own Grades > Export): `Student, ID, SIS User ID,
SIS Login ID, Section`, in that order, then a column per assignment (an existing assignment
is named "Name (id)", as in Canvas's export; a new name creates the assignment), and under the
header a `Points Possible` row. Canvas finds each student by ID, SIS User ID or SIS Login ID;
a blank score changes nothing.

Moodle (Grades > Import > CSV file; "the import format is the same as the export format"):
the user fields its export writes by default, `First name, Last name, ID number, Institution,
Department, Email address`, then a column per grade item, `Name (Real)`. On import, map
"ID number" to useridnumber or "Email address" to useremail, and each column to its item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from grader.export.roster import RosterRow

POINTS_POSSIBLE = "Points Possible"


@dataclass(frozen=True)
class Layout:
    name: str
    identity: tuple[tuple[str, Callable[[RosterRow], str]], ...]  # header, value of a row
    item_suffix: str  # after an assignment's name in its column's header
    points_row: bool  # a "Points Possible" row under the header
    found_by: tuple[str, ...]  # the roster fields the LMS can find a student by

    def header(self, columns: list[str]) -> list[str]:
        return [title for title, _ in self.identity] + [f"{c}{self.item_suffix}" for c in columns]

    def can_find(self, row: RosterRow) -> bool:
        return any(row.get(name) for name in self.found_by)

    def identity_cells(self, row: RosterRow) -> list[str]:
        return [value(row) for _, value in self.identity]


def _field(name: str) -> Callable[[RosterRow], str]:
    return lambda row: row.get(name)


def _first_and_last(row: RosterRow) -> tuple[str, str]:
    if row.get("first") or row.get("last"):
        return row.get("first"), row.get("last")
    name = row.get("name")
    if "," in name:  # "Last, First", as Canvas writes names
        last, _, first = name.partition(",")
        return first.strip(), last.strip()
    first, _, last = name.rpartition(" ")
    return (first, last) if first else (last, "")


CANVAS = Layout(
    name="canvas",
    identity=(("Student", lambda row: row.display_name), ("ID", _field("id")),
              ("SIS User ID", _field("sis_user_id")), ("SIS Login ID", _field("sis_login_id")),
              ("Section", _field("section"))),
    item_suffix="",
    points_row=True,
    found_by=("id", "sis_user_id", "sis_login_id"),
)

MOODLE = Layout(
    name="moodle",
    identity=(("First name", lambda row: _first_and_last(row)[0]),
              ("Last name", lambda row: _first_and_last(row)[1]),
              ("ID number", _field("id_number")), ("Institution", _field("institution")),
              ("Department", _field("department")), ("Email address", _field("email"))),
    item_suffix=" (Real)",
    points_row=False,
    found_by=("id_number", "email"),
)

LAYOUTS = {layout.name: layout for layout in (CANVAS, MOODLE)}
