"""`grader grade`: a class of 20+ students, broken and malicious ones included, gets one row
per student; killed with kill -9 half-way and started again, it loses no finished grade."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from tests.corpus.harness import ASSIGNMENTS, SOLUTIONS
from tests.helpers import template_with_first_cell

NOTEBOOK = "01_tensors_and_loss.ipynb"
MALICIOUS = ("import os\nos._exit(1)",
             "import torch\ntorch.allclose = lambda *a, **k: True\ntorch.equal = torch.allclose")


def make_class(root: Path, size: int) -> Path:
    submissions = root / "submissions"
    for index in range(size):
        student = submissions / f"student{index:02d}"
        kind = index % 5
        if kind == 3:  # a cloned repository with assignments/ inside
            student = student / "assignments"
        student.mkdir(parents=True)
        if kind in (0, 3):
            shutil.copy(SOLUTIONS / NOTEBOOK, student / NOTEBOOK)
        elif kind == 1:
            shutil.copy(ASSIGNMENTS / NOTEBOOK, student / NOTEBOOK)
        elif kind == 2:
            (student / NOTEBOOK).write_text("{ broken", encoding="utf-8")
        else:
            malicious = template_with_first_cell(ASSIGNMENTS / NOTEBOOK, MALICIOUS[index % 2])
            (student / NOTEBOOK).write_text(malicious, encoding="utf-8")
    (submissions / "student_without_notebooks").mkdir()
    return submissions


def _grade_command(submissions: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "grader.cli", "grade", str(submissions), "--out", str(out),
            "-j", "2", "--assignment", "01_tensors_and_loss", "--budget", "120"]


def test_a_class_survives_kill_9_and_every_student_gets_a_row(tmp_path: Path) -> None:
    submissions = make_class(tmp_path, 20)
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}

    batch = subprocess.Popen(_grade_command(submissions, out), env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    records = out / "students"
    deadline = time.monotonic() + 240
    while len(list(records.glob("*/grade.json"))) < 4 and time.monotonic() < deadline:
        time.sleep(0.5)
    batch.send_signal(signal.SIGKILL)
    batch.wait()
    finished_before = {p: p.read_bytes() for p in records.glob("*/grade.json")}
    assert len(finished_before) >= 4

    rerun = subprocess.run(_grade_command(submissions, out), env=env, capture_output=True,
                           text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert "resuming" in rerun.stderr
    for path, content in finished_before.items():
        assert path.read_bytes() == content, f"{path} was graded again"

    book = pd.read_csv(out / "gradebook.csv")
    assert len(book) == 21 and book["student"].is_unique
    by_student = book.set_index("student")
    full = by_student.loc["student00", "total"]
    assert full == by_student.loc["student03", "total"] > 0  # notebooks or a cloned repo
    for student in ("student01", "student02", "student04", "student09",
                    "student_without_notebooks"):
        assert by_student.loc[student, "total"] < full, student
    feedback = records / "student02" / "summary.md"
    results = json.loads((records / "student02" / "results.json").read_text(encoding="utf-8"))
    assert "not valid JSON" in results["tests"][0]["output"]
    assert "not valid JSON" in feedback.read_text(encoding="utf-8")  # the student's feedback


def test_warm_and_cold_batches_give_the_same_grades_and_warm_grading_is_forked(
        tmp_path: Path) -> None:
    """Warm (grading processes forked from the batch, kernels from one shared fork server) and
    --cold (a fresh pytest and fresh kernels per student) agree on every test of every
    student, malicious and broken notebooks included."""
    submissions = make_class(tmp_path, 5)
    books = {}
    for mode in ("warm", "cold"):
        out = tmp_path / mode
        command = [*_grade_command(submissions, out), *(["--cold"] if mode == "cold" else [])]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        books[mode] = pd.read_csv(out / "gradebook.csv").drop(columns="seconds")
    differing = books["warm"]["total"] != books["cold"]["total"]
    assert not differing.any(), "\n".join(
        f"{mode} {student}: {test['name']}: {test['output']}"
        for student in books["warm"]["student"][differing] for mode in ("warm", "cold")
        for test in json.loads((tmp_path / mode / "students" / student / "results.json")
                               .read_text(encoding="utf-8"))["tests"]
        if test["status"] != "passed")
    pd.testing.assert_frame_equal(books["warm"], books["cold"])
    assert books["warm"]["total"].max() > 0
    for log in (tmp_path / "warm" / "students").glob("*/pytest.log"):
        assert "started fresh" not in log.read_text(encoding="utf-8"), log
