"""The similarity report end to end: `grader grade` saves each student's own code with their
record and writes similarity.csv and the "Similar code" section with the class report;
`grader report` rebuilds them from the records alone; `grader gradebook` rebuilds them after
merging shards; a real browser shows the section. Nothing of it reaches a student's files."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from PIL import Image

from grader.batch.preflight import FOLDER as REFERENCE_CHECK
from grader.reports.class_report.figures import SIMILARITY_COLOUR
from grader.reports.class_report.similar_code import REFERENCE_FOLDER
from grader.reports.class_report.similarity_html import MATCH_COLOUR
from grader.similarity import REFERENCE
from grader.similarity.saved import OWN_CODE
from tests.headless_browser import INSTALL, find_browser, screenshot
from tests.similarity_class import ASSIGNMENT, SOLUTIONS, honest, planted, student_notebook

ROOT = Path(__file__).resolve().parents[1]
COPIER, LEAKER = "=copy()", "<img src=x onerror=alert(1)>"  # hostile: a formula, markup
ORIGINAL = "06_while_loop_and_method_chains"
CLASS = {
    "03_list_of_parameters": honest()["03_list_of_parameters"],
    ORIGINAL: honest()[ORIGINAL],
    "12_parameters_in_a_dict": honest()["12_parameters_in_a_dict"],
    "17_trainer_class": honest()["17_trainer_class"],
    COPIER: planted()["renamed_copy_of_06"],
    LEAKER: planted()["reference_with_new_names"],
}
BLANK = "zoe_handed_in_the_template"


def _grade(submissions: Path, out: Path, *extra: str) -> str:
    command = [sys.executable, "-m", "grader.cli", "grade", str(submissions), "--out", str(out),
               "-j", "2", "--budget", "300", f"--assignment={ASSIGNMENT}", *extra]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stderr


@pytest.fixture(scope="module")
def submissions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("similar") / "submissions"
    for name, corpus_file in CLASS.items():
        (folder / name).mkdir(parents=True)
        nbformat.write(student_notebook(corpus_file), folder / name / f"{ASSIGNMENT}.ipynb")
    (folder / BLANK).mkdir()
    shutil.copy(ROOT / "assignments" / f"{ASSIGNMENT}.ipynb", folder / BLANK)
    return folder


@pytest.fixture(scope="module")
def graded(submissions: Path) -> Path:
    out = submissions.parent / "out"
    assert "class report:" in _grade(submissions, out)
    return out


def _rows(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "similarity.csv").read_text("utf-8"))))


def test_grade_flags_the_copies_in_similarity_csv_and_the_report(graded: Path) -> None:
    text = (graded / "similarity.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "assignment,student_a,student_b,score,flagged"
    rows = _rows(graded)
    flagged = {frozenset((r["student_a"], r["student_b"])) for r in rows if r["flagged"] == "true"}
    assert flagged == {frozenset((ORIGINAL, f"'{COPIER}")),  # a formula is not run
                       frozenset((LEAKER, REFERENCE))}
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True) and all(s > 0.2 for s in scores)
    assert {r["flagged"] for r in rows} <= {"true", "false"}
    assert rows[0]["flagged"] == rows[1]["flagged"] == "true"  # the flagged pairs come first

    html = (graded / "report.html").read_text(encoding="utf-8")
    assert "<section id=\"similar-code\">" in html and LEAKER not in html
    assert "&lt;img src=x onerror=alert(1)&gt; and (reference solution)" in html  # side by side
    assert html.count("class=\"ln m\"") > 20  # the shared lines are marked
    assert "1 student without code of their own left out" in html
    assert "## Similar code" in (graded / "report.md").read_text(encoding="utf-8")


def test_only_the_tas_outputs_name_other_students(graded: Path) -> None:
    others = [name for name in CLASS if name != ORIGINAL] + [REFERENCE]
    for folder in (graded / "students").iterdir():
        assert (folder / OWN_CODE).is_file(), folder.name
        for student_file in ("results.json", "summary.md", "feedback.html"):
            content = (folder / student_file).read_text(encoding="utf-8").lower()
            assert "similar" not in content, (folder.name, student_file)
            named = [n for n in others if n != folder.name and n.lower() in content]
            assert not named, (folder.name, student_file, named)
    assert (graded / REFERENCE_CHECK / OWN_CODE).is_file() and REFERENCE_FOLDER == REFERENCE_CHECK


def test_grader_report_rebuilds_the_similarity_from_the_records_alone(
        graded: Path, submissions: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(graded, out)
    for written in ("similarity.csv", "report.html", "report.md"):
        (out / written).unlink()
    hidden = tmp_path / "gone"
    submissions.rename(hidden)  # no submissions folder
    try:
        done = subprocess.run([sys.executable, "-m", "grader.cli", "report", str(out)],
                              cwd=tmp_path, capture_output=True, text=True, timeout=300)
    finally:
        hidden.rename(submissions)

    assert done.returncode == 0, done.stderr
    assert (out / "similarity.csv").read_bytes() == (graded / "similarity.csv").read_bytes()
    assert "similar-code" in (out / "report.html").read_text(encoding="utf-8")


def test_grader_gradebook_rebuilds_the_similarity_after_merging_shards(
        graded: Path, submissions: Path, tmp_path: Path) -> None:
    shards = [tmp_path / f"shard-{i}" for i in (1, 2)]
    for index, shard in enumerate(shards, start=1):
        _grade(submissions, shard, "--shard", f"{index}/2")
    merged = tmp_path / "all"

    done = subprocess.run([sys.executable, "-m", "grader.cli", "gradebook", *map(str, shards),
                           "--out", str(merged)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)

    assert done.returncode == 0, done.stderr
    assert (merged / "similarity.csv").read_bytes() == (graded / "similarity.csv").read_bytes()


def test_a_class_without_copies_flags_nothing(graded: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(graded, out)
    for copy in (COPIER, LEAKER):
        shutil.rmtree(out / "students" / copy)

    subprocess.run([sys.executable, "-m", "grader.cli", "report", str(out)], cwd=ROOT,
                   check=True, capture_output=True, timeout=300)

    assert [r for r in _rows(out) if r["flagged"] == "true"] == []
    assert "No pair stands out" in (out / "report.html").read_text(encoding="utf-8")


def test_a_real_browser_shows_the_similar_code_section(graded: Path, tmp_path: Path) -> None:
    if find_browser() is None:
        pytest.skip(f"no headless browser here: `{INSTALL}` (CI installs it)")
    shot = screenshot(graded / "report.html", tmp_path / "report.png", height=9000)

    pixels = np.asarray(Image.open(shot).convert("RGB"))
    # Both colours are the section's alone: the histogram's bars and the bar beside each line
    # two students share. A section that did not render leaves neither.
    bars = _count(pixels, SIMILARITY_COLOUR)
    marks = _count(pixels, MATCH_COLOUR)
    assert bars >= 1500, f"histogram: {bars} pixels"
    assert marks >= 4 * 20 * 10, f"marked lines: {marks} pixels"  # 4 px wide, 20+ lines
    rows = np.nonzero((pixels == _rgb(MATCH_COLOUR)).all(axis=-1))[0]
    assert rows.min() > np.nonzero((pixels == _rgb(SIMILARITY_COLOUR)).all(axis=-1))[0].max()


def _rgb(colour: str) -> list[int]:
    return [int(colour[i:i + 2], 16) for i in (1, 3, 5)]


def _count(pixels: np.ndarray, colour: str) -> int:
    return int((pixels == _rgb(colour)).all(axis=-1).sum())


def test_the_solutions_of_the_corpus_are_real_solutions(graded: Path) -> None:
    """Every honest solution and every copy of the class gets full marks: the corpus is code
    that works, not text that merely looks like it."""
    from grader.reports.class_report.records import read_records

    records = {s.name: s for s in read_records(graded).students}
    for name in CLASS:
        assert records[name].score() == records[name].possible() > 0, name
    assert records[BLANK].score() == 0
    assert SOLUTIONS.is_dir()
