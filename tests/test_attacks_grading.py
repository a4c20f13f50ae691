"""The attack corpus in each mode where it once hurt: plain `pytest grader`, `grader grade`
with honest classmates graded before, beside and after the attacker, `grader check` through
its daemon, and `grader autograde-pr`. Every attack is blocked or graded with a clear message,
the honest grades are those of a class without the attacker, nothing outlives the run, and no
output carries the grader's secret, the TA's paths or text meant to fool a reader."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from grader.batch.command import REFERENCE_CACHE
from grader.reports.sanitize import Redactor
from tests.attacks.notebooks import NOTEBOOK, listeners, targets, write_attacker
from tests.attacks.outside import SECRET, grading_env, touched, unsafe_text
from tests.attacks.processes import wait_until_gone
from tests.attacks.references import with_references_of
from tests.attacks.repository import course_repository
from tests.corpus.harness import ASSIGNMENTS, ROOT, SOLUTIONS, grade
from tests.test_attacks_in_kernel import require_every_layer
from tests.test_ci_workflow import commit_all, start_pull_request

OTHER = "01_tensors_and_loss.ipynb"
SETTLE = 4.0  # seconds to let a detached forger act, had it survived the run


def _student(folder: Path, notebooks: dict[str, Path]) -> Path:
    folder.mkdir(parents=True)
    for name, source in notebooks.items():
        shutil.copy(source, folder / name)
    return folder


@pytest.mark.slow
def test_plain_pytest_grades_the_attacker_like_a_blank_notebook_and_nothing_is_touched(
        tmp_path: Path, reference_cache: Path) -> None:
    require_every_layer()
    classmate = _student(tmp_path / "classmate", {NOTEBOOK: SOLUTIONS / NOTEBOOK}) / NOTEBOOK
    report = tmp_path / "report"
    with listeners() as net:
        aims = targets(cache=reference_cache, out=report, classmate=classmate,
                       grader_pid=os.getpid(), ports=net.ports,
                       outside=tmp_path / "outside.bin")
        folder = write_attacker(tmp_path / "attacker", aims).parent
        graded = grade(folder, reference_cache, notebooks=(NOTEBOOK,), report=report,
                       env=grading_env(tmp_path / "step-summary.md"))
        arrived = net.anything_arrived()
    left = wait_until_gone(seconds=SETTLE)

    assert graded.score[0] == 0 and graded.score[1] > 0, graded.stdout
    assert left == [] and not arrived
    assert touched(aims) == []
    train_step = next(v.output for name, v in graded.verdicts.items() if "train_step" in name)
    assert "RuntimeError" in train_step  # the attacker's own error, quoted
    assert unsafe_text(graded.stdout) == []
    assert unsafe_text((report / "results.json").read_text()) == []
    assert unsafe_text((report / "summary.md").read_text(), markdown=True) == []
    assert str(ROOT) not in (report / "results.json").read_text()


def _class(root: Path, attacker: bool, aims_for: dict[str, object] | None = None) -> Path:
    """Students named so that, two at a time, one is graded before, one beside and one after
    the attacker; the attacker also hands in a link to the solutions as its other notebook."""
    submissions = root / "submissions"
    _student(submissions / "a_before", {NOTEBOOK: SOLUTIONS / NOTEBOOK, OTHER: SOLUTIONS / OTHER})
    _student(submissions / "c_beside", {NOTEBOOK: ASSIGNMENTS / NOTEBOOK,
                                        OTHER: SOLUTIONS / OTHER})
    _student(submissions / "d_after", {NOTEBOOK: SOLUTIONS / NOTEBOOK, OTHER: ASSIGNMENTS / OTHER})
    if attacker:
        assert aims_for is not None
        clone = submissions / "b_attacker" / "assignments"
        write_attacker(clone, aims_for)
        (clone / OTHER).symlink_to(SOLUTIONS / OTHER)
    return submissions


def _batch(submissions: Path, out: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(submissions), "--out", str(out),
         "-j", "2", "--budget", "300", "--assignment", Path(NOTEBOOK).stem,
         "--assignment", Path(OTHER).stem],
        env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_a_batch_with_an_attacker_gives_honest_classmates_the_grades_of_a_class_without_one(
        tmp_path: Path) -> None:
    require_every_layer()
    out = tmp_path / "out"
    env = grading_env(tmp_path / "step-summary.md")
    control = _batch(_class(tmp_path / "control", False), tmp_path / "control-out", env)
    with_references_of(tmp_path / "control-out", out)  # checked once, by the control
    with listeners() as net:
        aims = targets(cache=out / REFERENCE_CACHE, out=out,
                       classmate=tmp_path / "attacked" / "submissions" / "d_after" / NOTEBOOK,
                       grader_pid=os.getpid(), ports=net.ports, outside=tmp_path / "outside.bin")
        attacked = _batch(_class(tmp_path / "attacked", True, aims), out, env)
        arrived = net.anything_arrived()
    book_at_exit = (out / "gradebook.csv").read_bytes()
    ended = time.monotonic()
    left = wait_until_gone(seconds=SETTLE)
    time.sleep(max(0.0, ended + SETTLE - time.monotonic()))  # a forger unseen would write

    assert attacked.returncode == 0 and control.returncode == 0, attacked.stderr
    assert left == [] and not arrived
    assert (out / "gradebook.csv").read_bytes() == book_at_exit  # nothing rewrote it later
    assert touched(aims) == []
    book = pd.read_csv(out / "gradebook.csv").set_index("student")
    honest = pd.read_csv(tmp_path / "control-out" / "gradebook.csv").set_index("student")
    columns = [c for c in honest.columns if c not in ("seconds",)]
    pd.testing.assert_frame_equal(book.loc[honest.index, columns], honest[columns],
                                  check_dtype=False)  # flags: text in the attacked class
    assert book.loc["b_attacker", "total"] == 0
    assert book["sandbox"].str.contains("landlock namespaces").all()
    results = json.loads((out / "students" / "b_attacker" / "results.json").read_text())
    linked = [t["output"] for t in results["tests"] if t["name"].startswith(Path(OTHER).stem)]
    assert all(f"`{OTHER}` is a link: not graded" in message for message in linked)
    for path in [*out.rglob("*.json"), *out.rglob("*.md"), *out.rglob("*.log"),
                 out / "gradebook.csv"]:
        assert unsafe_text(path.read_text(errors="replace"), path.suffix == ".md") == [], path
    assert unsafe_text(attacked.stderr + attacked.stdout) == []


@pytest.mark.slow
def test_grader_check_of_an_attacker_leaves_the_daemon_serving_and_shows_nothing_forged(
        tmp_path: Path) -> None:
    require_every_layer()
    env = grading_env(tmp_path / "step-summary.md")
    with listeners() as net:
        aims = targets(cache=tmp_path / "cache", out=tmp_path / "out",
                       classmate=tmp_path / "classmate.ipynb", grader_pid=os.getpid(),
                       ports=net.ports, outside=tmp_path / "outside.bin")
        attacker = write_attacker(tmp_path / "attacker", aims)
        checked = subprocess.run([sys.executable, "-m", "grader.cli", "check", str(attacker)],
                                 env=env, capture_output=True, text=True, timeout=300)
        arrived = net.anything_arrived()
    left = wait_until_gone(seconds=SETTLE)
    honest = subprocess.run([sys.executable, "-m", "grader.cli", "check",
                             str(SOLUTIONS / NOTEBOOK)], env=env, capture_output=True,
                            text=True, timeout=300)

    assert checked.returncode == 1 and "Score: 0 /" in checked.stdout, checked.stderr
    assert left == [] and not arrived and touched(aims) == []
    assert unsafe_text(checked.stdout + checked.stderr) == []
    assert honest.returncode == 0, honest.stdout + honest.stderr  # the daemon still serves


@pytest.mark.slow
def test_autograde_pr_of_an_attacker_cannot_change_what_ci_publishes(
        tmp_path: Path, reference_cache: Path) -> None:
    require_every_layer()
    repo = course_repository(tmp_path / "course", NOTEBOOK)
    start_pull_request(repo, "mallory")
    out, summary = tmp_path / "out", tmp_path / "step-summary.md"
    with listeners() as net:
        aims = targets(cache=reference_cache, out=out, classmate=repo / "solutions" / NOTEBOOK,
                       grader_pid=os.getpid(), ports=net.ports, outside=tmp_path / "outside.bin",
                       step_summary=str(summary))
        write_attacker(repo / "assignments", aims)
        commit_all(repo, "my work")
        done = subprocess.run(
            [sys.executable, "-m", "grader.cli", "autograde-pr", "--base", "main", "--head",
             "mallory", "--out", str(out), "--cache-dir", str(reference_cache)],
            cwd=repo, env=grading_env(summary), capture_output=True, text=True, timeout=600)
        arrived = net.anything_arrived()
    published = {name: (out / name).read_bytes() for name in ("autograde.json", "summary.md")}
    left = wait_until_gone(seconds=SETTLE)

    assert done.returncode == 0, done.stdout + done.stderr
    assert left == [] and not arrived and touched(aims) == []
    assert {name: (out / name).read_bytes() for name in published} == published
    facts = json.loads(published["autograde.json"])
    assert facts["score"] == 0 and facts["check"]["conclusion"] == "neutral"
    assert unsafe_text(done.stdout + done.stderr) == []
    assert unsafe_text((out / "report" / "results.json").read_text()) == []
    for markdown in (summary.read_text(), published["summary.md"].decode()):
        assert unsafe_text(markdown, markdown=True) == []
    assert Redactor(environ={"GITHUB_TOKEN": SECRET}).secrets == [SECRET]
