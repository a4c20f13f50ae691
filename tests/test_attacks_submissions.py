"""Submissions are data, in `grader grade` (locally and on a Dask cluster): shapes of a student's
folder the issue's own attacks did not have, and a folder that changes while the class is
graded. Honest classmates graded before and after keep exactly the grades of a class without
them; no shape stops the batch.

- a student folder that is a link loop, a ring of two links, or a link to nothing;
- a notebook handed in under a copy's name (`02_x (1).ipynb`) that is a hard link to the
  reference solution;
- an `assignments` folder swapped for a link to the solutions after the run planned the class
  (its digests taken) and before the student's grading started: the grade is of what is read
  then, without following the link (it once followed it: full marks for no code), and a
  notebook rewritten in that moment is graded as read then, and its record names those bytes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.attacks.outside import grading_env
from tests.attacks.references import with_references_of
from tests.corpus.harness import ASSIGNMENTS, SOLUTIONS
from tests.test_attacks_in_kernel import require_every_layer

NOTEBOOK = "01_tensors_and_loss.ipynb"
HONEST = ("a_first", "z_after")


def _class(root: Path, attacked: bool) -> Path:
    submissions = root / "submissions"
    for name in HONEST:
        (submissions / name).mkdir(parents=True)
        shutil.copy(SOLUTIONS / NOTEBOOK, submissions / name / NOTEBOOK)
    if not attacked:
        return submissions
    (submissions / "c_loop").symlink_to("c_loop")
    (submissions / "d_ring").symlink_to("e_ring")
    (submissions / "e_ring").symlink_to("d_ring")
    (submissions / "f_dangling").symlink_to(root / "nowhere")
    (submissions / "g_copy").mkdir()
    (submissions / "g_copy" / NOTEBOOK.replace(".ipynb", " (1).ipynb")).hardlink_to(
        SOLUTIONS / NOTEBOOK)
    for name in ("b_swapped", "h_rewritten"):
        (submissions / name / "assignments").mkdir(parents=True)
        shutil.copy(ASSIGNMENTS / NOTEBOOK, submissions / name / "assignments" / NOTEBOOK)
    return submissions


def _swap_once_grading_began(submissions: Path, out: Path) -> threading.Thread:
    """Once the first student's grading began (the plan is made), b_swapped's folder becomes
    a link to the solutions, and h_rewritten's notebook the solution's bytes."""
    def swap() -> None:
        deadline = time.monotonic() + 600
        while not (out / "students" / "a_first" / "pytest.log").exists():
            if time.monotonic() > deadline:
                return
            time.sleep(0.01)
        folder = submissions / "b_swapped" / "assignments"
        folder.rename(folder.with_name("old"))
        folder.symlink_to(SOLUTIONS)
        rewritten = submissions / "h_rewritten" / "assignments" / NOTEBOOK
        rewritten.write_bytes((SOLUTIONS / NOTEBOOK).read_bytes())

    thread = threading.Thread(target=swap, daemon=True)
    thread.start()
    return thread


def _grade(submissions: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(submissions), "--out", str(out),
         "--assignment", Path(NOTEBOOK).stem, *args],
        env=grading_env(out.parent / "step-summary.md"), capture_output=True, text=True,
        timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def _record(out: Path, student: str) -> dict:
    return json.loads((out / "students" / student / "grade.json").read_text())


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The control class; the attacked class graded locally (the swap made while the first
    student is graded), starting from the control's checked reference solutions; graded again
    once it settled."""
    require_every_layer()
    root = tmp_path_factory.mktemp("submissions-attacks")
    _grade(_class(root / "control", attacked=False), root / "control-out", "-j", "1")
    submissions = _class(root / "attacked", attacked=True)
    out = with_references_of(root / "control-out", root / "out")
    swapper = _swap_once_grading_began(submissions, out)
    _grade(submissions, out, "-j", "1")
    swapper.join(timeout=5)
    first = {name: _record(out, name) for name in ("b_swapped", "h_rewritten")}
    settled = root / "settled"
    shutil.copytree(out, settled)
    again = _grade(submissions, settled, "-j", "1")
    (root / "first.json").write_text(json.dumps(first))
    (root / "again.txt").write_text(again.stdout + again.stderr)
    return {"root": root, "submissions": submissions, "out": out, "settled": settled,
            "control": root / "control-out"}


@pytest.mark.slow
def test_odd_folders_and_a_folder_swapped_mid_batch_are_graded_as_read_without_links(
        graded: dict[str, Path]) -> None:
    out = graded["out"]
    book = pd.read_csv(out / "gradebook.csv").set_index("student")
    honest = pd.read_csv(graded["control"] / "gradebook.csv").set_index("student")
    columns = [c for c in honest.columns if c not in ("seconds", "flags")]
    pd.testing.assert_frame_equal(book.loc[list(HONEST), columns], honest[columns],
                                  check_dtype=False)
    full = honest.loc["a_first", "total"]
    assert full > 0
    for name in ("c_loop", "d_ring", "e_ring", "f_dangling"):
        record = _record(out, name)
        assert record["results"] is None and pd.isna(book.loc[name, "total"])
        assert record["reason"].startswith(f"`{name}` is a link: not graded"), record
    assert book.loc["g_copy", "total"] == full
    assert "is the same file as the reference solution" in book.loc["g_copy", "flags"]
    swapped = _record(out, "b_swapped")
    assert book.loc["b_swapped", "total"] == 0, swapped  # the link was never followed
    assert all("is a link: not graded" in test["output"]
               for test in swapped["results"]["tests"])
    rewritten = _record(out, "h_rewritten")
    assert book.loc["h_rewritten", "total"] == full  # graded as read when its turn came
    graded_bytes = b"file\0" + (SOLUTIONS / NOTEBOOK).read_bytes()
    assert rewritten["inputs"]["assignments"][NOTEBOOK]["notebook"] == \
        hashlib.sha256(graded_bytes).hexdigest()[:32]


@pytest.mark.slow
def test_a_rerun_keeps_what_its_record_names_and_regrades_what_changed_since(
        graded: dict[str, Path]) -> None:
    """The rewritten notebook is what its record names: kept. The swapped folder is a link
    now, which the plan sees too: not graded, and said so."""
    again = (graded["root"] / "again.txt").read_text()
    first = json.loads((graded["root"] / "first.json").read_text())
    settled = graded["settled"]
    assert "h_rewritten:" not in again, again
    assert "what the submission is flagged for (1 student)" in again, again
    assert _record(settled, "h_rewritten") == first["h_rewritten"]
    assert _record(settled, "b_swapped")["reason"].startswith("`assignments` is a link")


@pytest.mark.slow
def test_a_dask_cluster_grades_the_settled_class_as_one_machine_does(
        graded: dict[str, Path], tmp_path: Path) -> None:
    from tests.class_outputs import assert_same_grades
    from tests.cluster_processes import local_cluster

    local = with_references_of(graded["control"], tmp_path / "local")
    _grade(graded["submissions"], local, "-j", "2")
    cluster_out = with_references_of(graded["control"], tmp_path / "cluster-out")
    with local_cluster(tmp_path / "cluster") as cluster:
        _grade(graded["submissions"], cluster_out, "--scheduler", cluster.address)
    assert_same_grades(local, cluster_out)
