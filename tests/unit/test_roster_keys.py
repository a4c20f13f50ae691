"""Which roster row a student's folder is: an address-like login matches its name part."""

from __future__ import annotations

from pathlib import Path

from grader.export.roster import Roster, RosterRow, match_students


def test_a_canvas_sis_login_that_is_an_address_matches_the_folder_named_before_the_at() -> None:
    rows = [RosterRow(2, {"name": "Dave", "sis_login_id": "dave@uni.edu", "id": "4101"}),
            RosterRow(3, {"name": "Erin", "sis_login_id": "erin", "id": "4102"})]

    matching = match_students(["Dave", "erin", "dave@uni.edu.old"], Roster(Path("r.csv"), rows))

    assert {student: row.line for student, row in matching.matched.items()} == {
        "Dave": 2, "erin": 3}
    assert "not on the roster" in matching.unmatched["dave@uni.edu.old"]


def test_a_login_and_an_email_that_both_name_a_folder_stay_one_row() -> None:
    row = RosterRow(2, {"sis_login_id": "dave@uni.edu", "email": "dave@mail.uni.edu"})
    assert row.keys == {"dave@uni.edu", "dave@mail.uni.edu", "dave"}
