"""Text that reaches people is neutral: no CSV cell a spreadsheet would run, no Markdown table
cell forged by a name, no live mention, reference or link in a comment or a job summary
(grader/reports/sanitize.py, grader/reports/markdown.py, the class report, the exports)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from grader.batch.gradebook import write_gradebook
from grader.export.command import export
from grader.records import StudentRecord
from grader.reports.class_report.facts import run_facts
from grader.reports.class_report.markdown_page import markdown_page
from grader.reports.class_report.records import read_records
from grader.reports.class_report.statistics import summarise
from grader.reports.markdown import _CODE_SPAN, escape, markdown_summary
from grader.reports.sanitize import csv_cell

FORMULAS = ["=HYPERLINK(\"http://evil\",\"x\")", "+cmd|' /C calc'!A0", "-2+3+cmd|x", "@SUM(A1)",
            "\t=1+1", "\r=1+1", "  =1+1", "\uff1d1+1", "=\n1"]
HARMLESS = ["alice", "-1", "+3.5", "1e-3", "o'neil", "a=b", "x-y"]
# Names and messages a student chooses, each a way to reach people or forge markup.
LOUD = ["@octocat", "@org/team", "#1", "owner/repo#12", "GH-7", "a@b.com",
        "https://evil.example/x", "www.evil.example", "`|` forged | cell", "x | y | z",
        "[click](javascript:alert(1))", "<img src=x>", "`@octocat #1`"]


def _starts_a_formula(cell: str) -> bool:
    return bool(re.match(r"^([\t\r]|[\s]*[=+\-@\uff1d\uff0b\uff0d\uff20])", cell)) and \
        not re.fullmatch(r"[-+]?\d+(\.\d*)?([eE][-+]?\d+)?", cell.strip())


@pytest.mark.parametrize("value", FORMULAS)
def test_a_cell_that_would_start_a_formula_is_written_as_text(value: str) -> None:
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", HARMLESS)
def test_names_and_numbers_that_start_no_formula_are_kept(value: str) -> None:
    assert csv_cell(value) == value


def _live_markdown(markdown: str) -> list[str]:
    """What GitHub would turn into a mention, a reference or a link (outside code spans)."""
    text = _CODE_SPAN.sub("", markdown)
    patterns = {"mention": r"(?<![\w&;])@[A-Za-z0-9]", "reference": r"(?<![\w&;])#\d",
                "GH reference": r"\bGH-\d", "link": r"https?://|\bwww\.",
                "markdown link": r"(?<!\\)\]\((?!students/[^/()\s]*/summary\.md\))",
                "html": r"(?<!\\)<(?!/?sub>)/?[a-z]"}  # <sub>: the kit's own footnote
    return [name for name, pattern in patterns.items() if re.search(pattern, text)]


@pytest.mark.parametrize("loud", LOUD)
def test_a_message_in_a_summary_mentions_references_and_links_nobody(loud: str) -> None:
    results = {"score": 0, "tests": [{"name": f"02_training_loop: test_{loud}", "score": 0,
                                      "max_score": 1, "status": "failed",
                                      "output": f"your code raised RuntimeError: {loud}",
                                      "visibility": "visible", "extra_data": {"title": loud}}]}
    summary = markdown_summary(results)
    assert _live_markdown(summary) == []
    for line in summary.splitlines():
        if line.startswith("| "):  # a table row: three cells, whatever the title held
            assert len(re.findall(r"(?<!\\)\|", line)) == 4, line
    assert _live_markdown(escape(loud)) == []


def _record(out: Path, name: str, score: float, reason: str | None = None,
            message: str = "") -> None:
    folder = out / "students" / name
    folder.mkdir(parents=True)
    tests = [{"name": "02_training_loop: test_a", "score": score, "max_score": 2,
              "status": "passed" if score == 2 else "failed", "output": message,
              "visibility": "visible"}]
    record = {"student": name, "results": None if reason else {"score": score, "tests": tests},
              "reason": reason, "seconds": 1.0,
              "inputs": {"flags": [f"`{name}` is a link: not graded"]}}
    (folder / "grade.json").write_text(json.dumps(record), encoding="utf-8")


NAMES = ["x | forged | cell", "`|` forged", "@octocat", "=SUM(1+1)", "#1", "-2+3", "plain"]


def test_the_class_report_gradebook_and_exports_stay_neutral_whatever_the_names(
        tmp_path: Path) -> None:
    out = tmp_path / "out"
    for index, name in enumerate(NAMES):
        _record(out, name, 2 * (index % 2), reason="timed out @org/team #1" if index == 3
                else None, message=f"failed @octocat #2 {name}")
    records = read_records(out)
    assert len(records.students) == len(NAMES)
    report = markdown_page(summarise(records), run_facts(records, 4242))
    assert _live_markdown(report) == []
    for line in report.splitlines():
        if line.startswith("| [") or line.startswith("| student"):
            assert len(re.findall(r"(?<!\\)\|", line)) == 3, line  # two cells, as headed
    records = [StudentRecord.from_json(p.read_text())
               for p in sorted(out.glob("students/*/grade.json"))]
    write_gradebook(records, out / "gradebook.csv", ("02_training_loop",))
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Student", "ID", "SIS Login ID"])
        for index, name in enumerate(NAMES):
            writer.writerow([f"=cmd|' /C calc'!A{index}", str(index), name])
        writer.writerow(["@SUM(1+1)", "99", "-nobody"])  # on the roster, not graded
    exported = export("canvas", out, roster)
    for path in (out / "gradebook.csv", exported.path, exported.unmatched_path):
        with path.open(encoding="utf-8") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        assert cells and not [c for c in cells if _starts_a_formula(c)], path
