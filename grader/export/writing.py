"""Write the LMS's gradebook file, and the list of students it could not place."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from grader.export.grades import ClassGrades
from grader.export.layouts import POINTS_POSSIBLE, Layout
from grader.export.roster import FIELDS, Matching, Roster
from grader.reports.sanitize import clean_name, csv_cell, one_line


@dataclass(frozen=True)
class Problem:
    student: str  # a submission's folder name, or a roster row described
    problem: str


@dataclass(frozen=True)
class Export:
    path: Path
    unmatched_path: Path
    rows: int  # students written
    scored: int  # of which with points
    problems: list[Problem]


def gradebook_rows(layout: Layout, grades: ClassGrades, matching: Matching, roster: Roster,
                   titles: dict[str, str]) -> list[list[str]]:
    """The file's rows: the header, Canvas's Points Possible row, then every roster row in the
    roster's order, with points where a graded student matched it and blanks elsewhere."""
    columns = [titles.get(a, a) for a in grades.assignments]
    rows = [layout.header(columns)]
    if layout.points_row:
        blanks = [""] * (len(layout.identity) - 1)
        rows.append([POINTS_POSSIBLE, *blanks, *(f"{grades.possible[a]:g}"
                                                 for a in grades.assignments)])
    student_of = {row.line: student for student, row in matching.matched.items()}
    for row in roster.rows:
        points = grades.points.get(student_of.get(row.line, ""), {})
        rows.append([*layout.identity_cells(row),
                     *(f"{points[a]:g}" if a in points else "" for a in grades.assignments)])
    return rows


def problems(layout: Layout, grades: ClassGrades, matching: Matching) -> list[Problem]:
    found = [Problem(clean_name(s), why) for s, why in sorted(matching.unmatched.items())]
    found += [Problem(clean_name(s), f"the roster gives {layout.name.title()} nothing to find "
                                     f"them by ({_found_by(layout)}): check that row")
              for s, row in sorted(matching.matched.items())
              if s in grades.points and not layout.can_find(row)]
    found += [Problem(clean_name(s), f"on the roster but not graded ({grades.without_grade[s]})"
                      ": left blank")
              for s in sorted(matching.matched) if s in grades.without_grade]
    found += [Problem(row.describe(), "on the roster, no graded submission: left blank")
              for row in matching.without_submission]
    return found


def _found_by(layout: Layout) -> str:
    return " or ".join(FIELDS[name][0] for name in layout.found_by)


def write_csv(path: Path, rows: list[list[str]]) -> None:
    """Every cell as text a spreadsheet shows, never runs: a roster's names and a folder's
    name are anyone's to choose (`=HYPERLINK(...)`, `@SUM(...)`)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([[csv_cell(one_line(cell, 2000))
                                                         for cell in row] for row in rows])
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(buffer.getvalue(), encoding="utf-8")
    temporary.replace(path)
