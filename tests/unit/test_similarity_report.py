"""The class report's similar code, from records written by hand (no grading): similarity.csv
and the report's section say the same; a record without saved code, a missing reference and an
error of the comparison are said, not hidden, and never cost the rest of the report."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import nbformat
import pytest

from grader.reports.class_report import similar_code as similar_code_module
from grader.reports.class_report import write_class_report
from grader.similarity.saved import save_own_code
from tests.similarity_class import (
    ASSIGNMENT,
    SOLUTIONS,
    honest,
    planted,
    student_notebook,
)
from tests.similarity_class import REFERENCE as REFERENCE_NAME

STUDENTS = {"ann": honest()["03_list_of_parameters"],
            "bob": honest()["06_while_loop_and_method_chains"],
            "=cy()": planted()["renamed_copy_of_06"],
            "dee": honest()["12_parameters_in_a_dict"],
            "eve": planted()["reference_with_new_names"]}


def _record(out: Path, name: str, notebooks: Path | None) -> None:
    folder = out / "students" / name
    folder.mkdir(parents=True)
    if notebooks is not None:
        save_own_code(folder, notebooks, SOLUTIONS, [f"{ASSIGNMENT}.ipynb"])
    test = {"name": f"{ASSIGNMENT}: test_x", "score": 1.0, "max_score": 1.0,
            "status": "passed", "output": ""}
    (folder / "grade.json").write_text(json.dumps(
        {"student": name, "reason": None, "seconds": 1.0,
         "results": {"score": 1.0, "tests": [test]}}), encoding="utf-8")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    for name, corpus_file in STUDENTS.items():
        notebooks = tmp_path / "submissions" / name
        notebooks.mkdir(parents=True)
        nbformat.write(student_notebook(corpus_file), notebooks / f"{ASSIGNMENT}.ipynb")
        _record(out, name, notebooks)
    (out / "reference-check").mkdir()
    save_own_code(out / "reference-check", SOLUTIONS, SOLUTIONS, [f"{ASSIGNMENT}.ipynb"])
    return out


def _rows(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "similarity.csv").read_text("utf-8"))))


def test_similarity_csv_lists_pairs_above_0_2_highest_first_and_the_flags(out: Path) -> None:
    written = write_class_report(out)

    rows = _rows(out)
    assert [({r["student_a"], r["student_b"]}, r["flagged"]) for r in rows[:2]] == [
        ({"bob", "'=cy()"}, "true"), ({"eve", REFERENCE_NAME}, "true")]  # no formula runs
    assert rows[1]["student_b"] == REFERENCE_NAME  # the reference is always the second
    assert all(r["flagged"] == "false" for r in rows[2:])
    assert all(float(r["score"]) > 0.2 for r in rows)
    html = written.html.read_text(encoding="utf-8")
    flagged_in_html = html.count("data-flagged=\"true\"")
    assert flagged_in_html == 2 and "2 pairs of similar code flagged" in html
    assert "| \\=cy() | bob |" in written.markdown.read_text(encoding="utf-8")
    assert (out / "report" / f"similarity-{ASSIGNMENT}.png").is_file()


def test_records_without_saved_code_and_a_missing_reference_are_said(out: Path) -> None:
    _record(out, "old_kit", None)
    (out / "reference-check" / "own-code.json").unlink()

    html = write_class_report(out).html.read_text(encoding="utf-8")

    assert "The records of 1 student hold no saved code" in html
    assert "nobody is compared with it" in html
    assert REFERENCE_NAME not in (out / "similarity.csv").read_text(encoding="utf-8")


def test_an_error_of_the_comparison_leaves_the_rest_of_the_report(
        out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("a bug")
    monkeypatch.setattr(similar_code_module, "compare_class", broken)

    written = write_class_report(out)

    html = written.html.read_text(encoding="utf-8")
    assert "The comparison failed, an error of the kit" in html and "RuntimeError: a bug" in html
    assert "id=\"scores\"" in html and written.summary.students == len(STUDENTS)
    assert _rows(out) == []
