"""The class report: `grader grade` writes report.html whose numbers are the records' own (score
histograms, each test's pass rate, failures grouped by cause), that shows hostile names as
text, and that a real browser renders with its plots; `grader report` rebuilds it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pytest
from PIL import Image

from grader.reports.class_report import write_class_report
from grader.reports.class_report.causes import message_pattern
from grader.reports.class_report.figures import (
    FAIL_COLOUR,
    PASS_COLOUR,
    SCORE_COLOUR,
)
from tests.headless_browser import INSTALL, find_browser, screenshot
from tests.report_pages import count_records, read_report
from tests.varied_class import GRADED, HOSTILE_NAMES, make_class

ROOT = Path(__file__).resolve().parents[1]
RESETS = "02_training_loop: test_train_step_resets_gradients_between_calls"


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A varied class graded by `grader grade` (about 15 s on 2 cores); returns its OUT."""
    root = tmp_path_factory.mktemp("class")
    submissions = make_class(root)
    out = root / "out"
    command = [sys.executable, "-m", "grader.cli", "grade", str(submissions), "--out", str(out),
               "-j", "2", "--budget", "300", *(f"--assignment={a}" for a in GRADED)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "class report:" in done.stderr
    return out


def test_the_report_of_a_graded_class_says_what_its_records_say(graded_class: Path) -> None:
    html = (graded_class / "report.html").read_text(encoding="utf-8")
    report, records = read_report(html), count_records(graded_class)

    # Histograms: a bar per whole point, counting the students with that score.
    for name, scores in [("total", records.totals), *records.per_assignment.items()]:
        counted = Counter(scores)
        bars = report.histograms[name]
        assert sum(bars.values()) == len(scores) == 8, name
        assert bars == {label: counted.get(float(label), 0) for label in bars}, name
    assert set(report.histograms) == {"total", *GRADED}

    # Each test's pass rate.
    assert report.pass_rates == records.pass_rates
    assert report.pass_rates[RESETS] == (4, 8)
    assert "(1 point)" in html and "(1 points)" not in html

    # Failures grouped by the cause the check named, else by the message's pattern: every
    # student who failed a test is in exactly one of its groups, each group's count is its
    # students', and the same mistake made by two students is one group.
    for test, failures in records.failed_by.items():
        groups = report.groups[test]
        linked = [student for _, _, students in groups for student in students]
        assert Counter(linked) == Counter(student for student, _ in failures), test
        assert all(count == len(students) for _, count, students in groups), test
        expected = Counter((t.get("extra_data") or {}).get("cause")
                           or message_pattern(t["output"]) for _, t in failures)
        assert Counter({label: count for label, count, _ in groups}) == expected, test
    accumulate = next(g for g in report.groups[RESETS] if "dan_accumulates" in g[2])
    assert sorted(accumulate[2]) == ["dan_accumulates", "eve_accumulates"]
    # The most failed test comes first.
    failed = [records.pass_rates[t][1] - records.pass_rates[t][0] for t in report.groups]
    assert failed == sorted(failed, reverse=True)

    # Hostile names are text, and links stay inside the student's own folder.
    assert HOSTILE_NAMES[0] not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert f">{HOSTILE_NAMES[1]}</a>" in html  # as text (a spreadsheet's worry, not a page's)
    assert "students/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E/feedback.html" in report.links
    for link in report.links:  # each opens the student's feedback as a page
        page = (graded_class / unquote(link)).read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>") and "Feedback: " in page, link
    assert "&lt;img src=x onerror=alert(1)&gt;" in (graded_class / unquote(
        "students/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E/feedback.html")).read_text()

    # The same figures beside the report, the Markdown version, and nothing fetched.
    pngs = {p.name: p.read_bytes() for p in (graded_class / "report").glob("*.png")}
    assert pngs == report.images and len(pngs) == 7  # scores 3, pass rates 2, similarity 2
    assert "http://" not in html and "https://" not in html and "<script" not in html
    markdown = (graded_class / "report.md").read_text(encoding="utf-8")
    assert "## What went wrong" in markdown and not re.search(r"(?<!\\)<img", markdown)


def test_grader_report_rebuilds_the_report_from_the_records(graded_class: Path,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(graded_class, out)
    late = out / "students" / "zed_too_slow"
    late.mkdir()
    reason = "grading took longer than the budget of 900 s and was stopped"
    (late / "grade.json").write_text(json.dumps(
        {"student": "zed_too_slow", "results": None, "reason": reason, "seconds": 900.0}))
    (out / "report.html").unlink()

    done = subprocess.run([sys.executable, "-m", "grader.cli", "report", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    report = read_report(html)
    assert report.without_grade == ["zed_too_slow"] and reason in html
    assert sum(report.histograms["total"].values()) == 8  # no grade: not in the distribution
    assert "9 students: 8 graded, 1 without a grade" in html
    assert "zed\\_too\\_slow" in (out / "report.md").read_text(encoding="utf-8")


def test_a_real_browser_renders_the_reports_plots(graded_class: Path, tmp_path: Path) -> None:
    if find_browser() is None:
        pytest.skip(f"no headless browser here: `{INSTALL}` (CI installs it)")
    shot = screenshot(graded_class / "report.html", tmp_path / "report.png")

    pixels = np.asarray(Image.open(shot).convert("RGB"))
    assert pixels.shape == (2400, 1280, 3)
    # The bars' colours are the figures' alone: a figure that did not render leaves none.
    for colour, least in ((SCORE_COLOUR, 5000), (PASS_COLOUR, 5000), (FAIL_COLOUR, 2000)):
        assert _count(pixels, colour) >= least, f"{colour}: {_count(pixels, colour)} pixels"
    # The score histograms come first, under the title: drawn there, not left blank.
    assert _count(pixels[200:1100], SCORE_COLOUR) >= 5000
    assert len(np.unique(pixels[200:1100].reshape(-1, 3), axis=0)) > 50  # a plot, not a blank


def _count(pixels: np.ndarray, colour: str) -> int:
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return int((pixels == rgb).all(axis=-1).sum())


def test_failures_group_by_named_cause_else_by_message_pattern(tmp_path: Path) -> None:
    """Without grading: records written by hand, with causes, varying numbers, a hidden
    test, a student with no grade under a hostile name, and a record that cannot be read."""
    test = "01_x: test_losses_are_recorded"

    def record(student: str, output: str | None, cause: str | None = None) -> dict[str, object]:
        failed = output is not None
        return {"student": student, "reason": None, "seconds": 1.0, "results": {
            "score": 0.0 if failed else 2.0,
            "tests": [{"name": test, "score": 0.0 if failed else 2.0, "max_score": 2.0,
                       "status": "failed" if failed else "passed", "output": output or "",
                       "visibility": "visible",
                       **({"extra_data": {"cause": cause}} if cause else {})},
                      {"name": "01_x: test_hidden_one", "score": 1.0, "max_score": 1.0,
                       "status": "passed", "output": "", "visibility": "after_published"}],
            "extra_data": {"seed": 7, "sandbox": {"mode": "auto", "layers": ["landlock"],
                                                  "missing": ["cgroup"]}}}}

    students = {
        "a": record("a", "`losses` holds 31 losses, expected 30. Check the loop."),
        "b": record("b", "`losses` holds 29 losses, expected 30. Look at `epochs`."),
        "c": record("c", "weight.grad is -131.3: twice the step's.", "gradients accumulate"),
        "d": record("d", "weight.grad is 12: other words.", "Gradients accumulate"),
        "e": record("e", None),
        "<script>alert(1)</script>": {"student": "<script>alert(1)</script>", "results": None,
                                      "reason": "<b>grading failed</b>", "seconds": 1.0},
    }
    for index, content in enumerate(students.values()):
        folder = tmp_path / "students" / f"s{index}"
        folder.mkdir(parents=True)
        (folder / "grade.json").write_text(json.dumps(content), encoding="utf-8")
    (tmp_path / "students" / "broken").mkdir()
    (tmp_path / "students" / "broken" / "grade.json").write_text("{", encoding="utf-8")

    written = write_class_report(tmp_path)

    html = written.html.read_text(encoding="utf-8")
    report = read_report(html)
    assert sorted((label, count, sorted(who)) for label, count, who in report.groups[test]) == [
        ("`…` holds N losses, expected N.", 2, ["a", "b"]),
        ("gradients accumulate", 2, ["c", "d"]),
    ]
    assert report.pass_rates == {test: (1, 5), "01_x: test_hidden_one": (5, 5)}
    assert report.histograms["total"] == {"0": 0, "1": 4, "2": 0, "3": 1}
    assert report.without_grade == ["<script>alert(1)</script>"]
    assert "<script>" not in html and "<b>grading" not in html
    assert "&lt;b&gt;grading failed&lt;/b&gt;" in html
    assert "seed 7" in html and "auto: landlock (missing: cgroup)" in html
    assert "students/broken/grade.json" in html  # said, not silently dropped
    assert "(hidden)" in html
    markdown = written.markdown.read_text(encoding="utf-8")
    assert "<script>" not in markdown and "\\<script\\>" in markdown
