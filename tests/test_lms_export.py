"""`grader export canvas|moodle`: a class of graded records and a roster of 5 become the CSV
each LMS imports, column for column as documented; students it cannot place are listed."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from grader.export.roster import Roster, RosterRow, match_students

ROOT = Path(__file__).resolve().parents[1]
CANVAS_ROSTER = """\
Student,ID,SIS User ID,SIS Login ID,Section,Lab 0 (999),Current Score
Points Possible,,,,,5,(read only)
"Lovelace, Ada",2101,S2001,alovelace,Mon,5,100
"Babbage, Charles",2102,S2002,cbabbage,Mon,4,80
"Young, Cy",2103,S2003,cyoung,Tue,,
"Dahl, Dan",2104,S2004,ddahl,Tue,3,60
"Eve, Ever",2105,S2005,eever,Tue,,
"""
MOODLE_ROSTER = """\
First name,Last name,ID number,Institution,Department,Email address
Ada,Lovelace,S2001,Uni,CS,alovelace@uni.example
Charles,Babbage,S2002,Uni,CS,cbabbage@uni.example
Cy,Young,S2003,Uni,Maths,cyoung@uni.example
Dan,Dahl,S2004,Uni,Maths,ddahl@uni.example
Ever,Eve,S2005,Uni,CS,eever@uni.example
"""


def _record(student: str, scores: dict[str, float] | None, reason: str | None = None
            ) -> dict[str, object]:
    """A grade.json: per test name its score (each worth `max` below), or a reason."""
    worth = {"01_x: test_a": 6.0, "01_x: test_b": 4.0, "02_y: test_c": 5.0,
             "02_y: test_hidden": 3.0}
    tests = [{"name": name, "score": score, "max_score": worth[name],
              "status": "passed" if score == worth[name] else "failed", "output": "",
              "visibility": "after_published" if "hidden" in name else "visible"}
             for name, score in (scores or {}).items()]
    results = None if scores is None else {"score": sum((scores or {}).values()), "tests": tests}
    return {"student": student, "results": results, "reason": reason, "seconds": 1.0}


@pytest.fixture
def graded(tmp_path: Path) -> Path:
    """OUT of a graded class: folders named by login, by student number (other case), by the
    email's local part; one not graded, one not on the roster."""
    records = [
        _record("alovelace", {"01_x: test_a": 6, "01_x: test_b": 4, "02_y: test_c": 5,
                              "02_y: test_hidden": 0}),
        _record("s2002", {"01_x: test_a": 6, "01_x: test_b": 0, "02_y: test_c": 2.5,
                          "02_y: test_hidden": 3}),
        _record("cyoung", {"01_x: test_a": 0, "01_x: test_b": 0}),  # 02 not handed in
        _record("ddahl", None, "grading took longer than the budget of 900 s and was stopped"),
        _record("mallory", {"01_x: test_a": 6, "01_x: test_b": 4}),
    ]
    for record in records:
        folder = tmp_path / "out" / "students" / str(record["student"])
        folder.mkdir(parents=True)
        (folder / "grade.json").write_text(json.dumps(record), encoding="utf-8")
    return tmp_path / "out"


def _export(lms: str, out: Path, roster: str, *extra: str) -> subprocess.CompletedProcess[str]:
    roster_file = out.parent / f"{lms}-roster.csv"
    roster_file.write_text(roster, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "grader.cli", "export", lms, str(out),
                           "--roster", str(roster_file), *extra],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_canvas_gets_its_import_layout_with_points_possible(graded: Path) -> None:
    done = _export("canvas", graded, CANVAS_ROSTER, "--column", "01_x=Lab 1 (4521)")

    assert done.returncode == 0, done.stderr
    assert _rows(graded / "canvas.csv") == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Lab 1 (4521)", "02_y"],
        ["Points Possible", "", "", "", "", "10", "8"],
        ["Lovelace, Ada", "2101", "S2001", "alovelace", "Mon", "10", "5"],
        ["Babbage, Charles", "2102", "S2002", "cbabbage", "Mon", "6", "5.5"],
        ["Young, Cy", "2103", "S2003", "cyoung", "Tue", "0", ""],
        ["Dahl, Dan", "2104", "S2004", "ddahl", "Tue", "", ""],
        ["Eve, Ever", "2105", "S2005", "eever", "Tue", "", ""],
    ]
    _check_unmatched(graded / "canvas-unmatched.csv", done.stderr)
    assert "3 of 5 roster students with points" in done.stdout


def test_moodle_gets_its_export_layout_found_by_id_number_or_email(graded: Path) -> None:
    done = _export("moodle", graded, MOODLE_ROSTER)

    assert done.returncode == 0, done.stderr
    assert _rows(graded / "moodle.csv") == [
        ["First name", "Last name", "ID number", "Institution", "Department", "Email address",
         "01_x (Real)", "02_y (Real)"],
        ["Ada", "Lovelace", "S2001", "Uni", "CS", "alovelace@uni.example", "10", "5"],
        ["Charles", "Babbage", "S2002", "Uni", "CS", "cbabbage@uni.example", "6", "5.5"],
        ["Cy", "Young", "S2003", "Uni", "Maths", "cyoung@uni.example", "0", ""],
        ["Dan", "Dahl", "S2004", "Uni", "Maths", "ddahl@uni.example", "", ""],
        ["Ever", "Eve", "S2005", "Uni", "CS", "eever@uni.example", "", ""],
    ]
    _check_unmatched(graded / "moodle-unmatched.csv", done.stderr)


def _check_unmatched(path: Path, stderr: str) -> None:
    problems = dict(_rows(path)[1:])
    assert problems["mallory"] == "not on the roster (no id, login or email matches)"
    assert problems["ddahl"].startswith("on the roster but not graded (grading took longer")
    eve = next(key for key in problems if key.startswith("Eve, Ever") or key.startswith("Ever"))
    assert problems[eve] == "on the roster, no graded submission: left blank"
    assert len(problems) == 3
    for student in ("mallory", "ddahl", eve):
        assert student in stderr


def test_a_folder_matching_two_rows_or_a_row_matched_twice_is_listed_not_guessed() -> None:
    rows = [RosterRow(2, {"sis_login_id": "ben", "name": "Ben One"}),
            RosterRow(3, {"email": "ben@uni.example", "name": "Ben Two"}),
            RosterRow(4, {"id": "77", "email": "zoe@uni.example", "name": "Zoe"})]

    matching = match_students(["ben", "77", "ZOE", "=cmd()"], Roster(Path("r.csv"), rows))

    assert matching.matched == {}
    assert matching.unmatched["ben"].startswith("matches several roster rows")
    assert "also matched by ZOE" in matching.unmatched["77"]
    assert "not on the roster" in matching.unmatched["=cmd()"]
    assert [row.line for row in matching.without_submission] == [2, 3, 4]


def test_a_roster_without_an_identifying_column_is_refused(graded: Path) -> None:
    done = _export("canvas", graded, "Student,Section\nAda,Mon\n")

    assert done.returncode == 2
    assert "no column that identifies a student" in done.stderr
