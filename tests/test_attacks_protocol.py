"""Attacks on the grading protocol rather than the sandbox (issue 18): a submission that links
elsewhere (the solutions, a classmate), two students handing in one file, a notebook that
replays the reference answers a student kit ships, a kernel that passes a hidden test's
scenario to a sibling kernel whose visible message quotes it, names that forge report markup.
Each is blocked or graded with a clear message in `pytest grader` (one process and `-n 2`),
`grader grade` (local, shards, a Dask cluster on 127.0.0.1), and the honest classmates graded
before, beside and after the attackers keep exactly the grades of a class without them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from grader.execution.runner import run_notebook
from grader.execution.settings import ExecutionSettings
from grader.probing.probe import ProbeRequest, send
from tests.attacks.kit_fixture import student_kit
from tests.attacks.outside import grading_env, unsafe_text
from tests.attacks.references import with_references_of
from tests.attacks.replay import write_replayer
from tests.attacks.sibling import LEAKED, write_sibling_pair
from tests.class_outputs import assert_same_grades
from tests.cluster_processes import local_cluster
from tests.corpus.harness import ASSIGNMENTS, ROOT, SOLUTIONS, grade
from tests.test_attacks_in_kernel import require_every_layer

LEAKER, READER = "02_training_loop.ipynb", "03_optimizer_and_seeds.ipynb"
GRADED = ("--assignment", "02_training_loop", "--assignment", "03_optimizer_and_seeds")
HIDDEN = "test_train_step_repeated_trains_a_model_on_unseen_data"
LOUD = "x | @octocat #1"  # an honest student whose name would forge markup and mention
HONEST = ("a_before", LOUD, "m_beside", "z_after")
SCENARIO_LINES = (LEAKED, 'result = {"losses": losses, "W": W, "b": b}')
# The module's tests share one graded class and one kit, made once: tests/conftest.py runs a
# module on one xdist worker.


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return student_kit(tmp_path_factory)  # one build per process (tests/attacks/kit_fixture.py)


def _honest(submissions: Path) -> None:
    """Before, beside and after the attackers in name order: full marks, a blank, a mix."""
    for name, sources in (("a_before", (SOLUTIONS, SOLUTIONS)), (LOUD, (SOLUTIONS, ASSIGNMENTS)),
                          ("m_beside", (ASSIGNMENTS, SOLUTIONS)),
                          ("z_after", (SOLUTIONS, SOLUTIONS))):
        (submissions / name).mkdir(parents=True)
        for notebook, source in zip((LEAKER, READER), sources, strict=True):
            shutil.copy(source / notebook, submissions / name / notebook)


def _attacked_class(root: Path, kit: Path) -> Path:
    submissions = root / "submissions"
    _honest(submissions)
    clone = submissions / "b_assignments_link"
    clone.mkdir()
    (clone / "assignments").symlink_to(SOLUTIONS)  # a cloned repository linked to the answers
    (submissions / "c_folder_link").symlink_to(submissions / "a_before")  # a classmate's folder
    deep = submissions / "d_notebook_link" / "assignments"
    deep.mkdir(parents=True)
    (deep / LEAKER).symlink_to(Path("..") / ".." / "a_before" / LEAKER)
    shutil.copy(ASSIGNMENTS / READER, deep / READER)
    write_replayer(kit, submissions / "e_replayer", [LEAKER, READER])
    write_sibling_pair(submissions / "f_leaker")
    for name in ("g_shares", "h_shares"):
        (submissions / name).mkdir()
    shutil.copy(ASSIGNMENTS / READER, submissions / "g_shares" / READER)
    shutil.copy(ASSIGNMENTS / READER, submissions / "h_shares" / READER)
    shutil.copy(SOLUTIONS / LEAKER, submissions / "g_shares" / LEAKER)
    os.link(submissions / "g_shares" / LEAKER, submissions / "h_shares" / LEAKER)
    return submissions


def _grade(submissions: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(submissions), "--out", str(out),
         "--budget", "300", *GRADED, *args],
        env=grading_env(out.parent / f"{out.name}-summary.md"), capture_output=True, text=True,
        timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory, kit: Path) -> dict[str, Path]:
    """A class of the honest students alone and the attacked class, each graded locally (the
    control first: every later run starts from its checked reference solutions)."""
    require_every_layer()
    root = tmp_path_factory.mktemp("protocol")
    submissions = _attacked_class(root / "attacked", kit)
    _honest(root / "control" / "submissions")
    _grade(root / "control" / "submissions", root / "control-out", "-j", "2")
    _grade(submissions, with_references_of(root / "control-out", root / "attacked-out"),
           "-j", "2")
    return {"submissions": submissions, "out": root / "attacked-out",
            "control_submissions": root / "control" / "submissions",
            "control": root / "control-out"}


def _record(out: Path, student: str) -> dict:
    return json.loads((out / "students" / student / "grade.json").read_text())


def _messages(out: Path, student: str) -> dict[str, str]:
    """Test ("02_training_loop: test_x") -> its message."""
    return {t["name"]: t["output"] for t in _record(out, student)["results"]["tests"]}


def _everything_written(out: Path, messages_only: bool = False) -> str:
    """Every file of a run's output (`messages_only`: those holding the grader's messages,
    not the students' own code kept for the similarity report)."""
    kept = ("results.json", "summary.md", "pytest.log", "grade.json", "gradebook.csv")
    return "\n".join(p.read_text(errors="replace") for p in sorted(out.rglob("*"))
                     if p.is_file() and p.suffix in (".json", ".md", ".csv", ".log", ".html")
                     and (p.name in kept or not messages_only))


def check_attacked_class(out: Path, control: Path) -> None:
    """What every mode must give the attacked class (see the module's docstring)."""
    book = pd.read_csv(out / "gradebook.csv").set_index("student")
    honest = pd.read_csv(control / "gradebook.csv").set_index("student")
    columns = [c for c in honest.columns if c != "seconds"]
    pd.testing.assert_frame_equal(book.loc[list(HONEST), columns],
                                  honest.loc[list(HONEST), columns], check_dtype=False)
    for student, part in (("b_assignments_link", "assignments"),
                          ("c_folder_link", "c_folder_link")):
        record = _record(out, student)
        assert record["results"] is None and pd.isna(book.loc[student, "total"])
        assert record["reason"].startswith(f"`{part}` is a link: not graded"), record
        assert book.loc[student, "flags"].startswith(f"`{part}` is a link: not graded")
    linked = {name: message for name, message in _messages(out, "d_notebook_link").items()
              if name.startswith("02_training_loop: ")}
    assert linked and all(f"`{LEAKER}` is a link: not graded" in m for m in linked.values())
    assert f"`assignments/{LEAKER}` is a link" in book.loc["d_notebook_link", "flags"]
    assert book.loc["e_replayer", "total"] == 0  # the kit's answers answer nothing here
    leaker = _messages(out, "f_leaker")
    assert book.loc["f_leaker", "03_optimizer_and_seeds"] == \
        book.loc["a_before", "03_optimizer_and_seeds"]  # its sibling heard nothing
    assert "[hidden]" in leaker[f"02_training_loop: {HIDDEN}"] or \
        "hidden tests do not show" in leaker[f"02_training_loop: {HIDDEN}"]
    for shares, other in (("g_shares", "h_shares"), ("h_shares", "g_shares")):
        assert f"is the same file as {other}'s `{LEAKER}` (a hard link)" in \
            book.loc[shares, "flags"]
    assert not [line for line in SCENARIO_LINES if line in _everything_written(out)]
    assert "a sibling told me" not in _everything_written(out, messages_only=True)
    report = (out / "report.md").read_text()
    assert "## Submissions to look at" in report and "@octocat" not in report
    for line in report.splitlines():
        if line.startswith("| [") and "summary.md" in line:
            assert len(re.findall(r"(?<!\\)\|", line)) == 3, line
    assert unsafe_text(report, markdown=True) == []


def test_two_kernels_alive_together_can_pass_a_hidden_scenario_through_locks(tmp_path: Path
                                                                            ) -> None:
    """The channel is real: sandboxed as they are, a kernel reads what a sibling alive at the
    same time was sent (so the grader must never keep such a pair alive)."""
    require_every_layer()
    folder = write_sibling_pair(tmp_path / "pair")
    settings = ExecutionSettings(cell_timeout=60)
    with run_notebook(folder / LEAKER, settings) as leaker, \
            run_notebook(folder / READER, settings) as reader:
        send(leaker, ProbeRequest.scenario(LEAKED, ["train_step"], {}), 30)
        reply, _ = send(reader, ProbeRequest.value("W"), 30)
    assert reply.status == "garbled" and LEAKED[:40] in reply.note


@pytest.mark.slow
@pytest.mark.parametrize("workers", [0, 2], ids=["one process", "pytest -n 2"])
def test_pytest_never_lets_a_hidden_scenario_reach_any_message(workers: int, tmp_path: Path,
                                                               reference_cache: Path) -> None:
    require_every_layer()
    # In parallel, the leaker lives on after it leaked, so that a sibling on another worker
    # would be probed meanwhile were it alive (without the gate it is: the leak shows).
    folder = write_sibling_pair(tmp_path / "student", delay=30 if workers else 0)
    report = tmp_path / "report"
    extra = ("-p", "xdist", "-n", str(workers)) if workers else ()
    graded = grade(folder, reference_cache, *extra, notebooks=(LEAKER, READER), report=report,
                   env=grading_env(tmp_path / "step-summary.md"))
    own = grade(SOLUTIONS, reference_cache, notebooks=(READER,))
    reader = {n: v for n, v in graded.verdicts.items() if n in own.verdicts}
    assert {n: v.status for n, v in reader.items()} == {n: v.status for n, v in
                                                        own.verdicts.items()}
    assert graded.verdicts[HIDDEN].status == "failed"
    assert "hidden tests do not show what your code said" in graded.verdicts[HIDDEN].output
    shown = graded.stdout + (report / "results.json").read_text() + \
        (report / "summary.md").read_text()
    assert not [line for line in SCENARIO_LINES if line in shown]
    assert "a sibling told me" not in shown


@pytest.mark.slow
def test_a_batch_grades_linked_replayed_leaking_and_shared_submissions_and_keeps_honest_grades(
        graded: dict[str, Path]) -> None:
    check_attacked_class(graded["out"], graded["control"])


@pytest.mark.slow
def test_shards_merged_grade_the_attacked_class_as_one_machine_does(
        graded: dict[str, Path], tmp_path: Path) -> None:
    shards = [tmp_path / f"shard-{index}" for index in (1, 2)]
    for index, out in enumerate(shards, start=1):
        _grade(graded["submissions"], with_references_of(graded["control"], out), "-j", "2",
               "--shard", f"{index}/2")
    merged = subprocess.run([sys.executable, "-m", "grader.cli", "gradebook", *map(str, shards),
                             "--out", str(tmp_path / "merged")], env=grading_env(
                                 tmp_path / "summary.md"), capture_output=True, text=True,
                            timeout=300)
    assert merged.returncode == 0, merged.stderr
    assert_same_grades(graded["out"], tmp_path / "merged")
    check_attacked_class(tmp_path / "merged", graded["control"])


@pytest.mark.slow
def test_a_dask_cluster_grades_the_attacked_class_as_one_machine_does(
        graded: dict[str, Path], tmp_path: Path) -> None:
    with local_cluster(tmp_path / "cluster") as cluster:
        _grade(graded["submissions"], with_references_of(graded["control"], tmp_path / "out"),
               "--scheduler", cluster.address)
    assert_same_grades(graded["out"], tmp_path / "out")
    check_attacked_class(tmp_path / "out", graded["control"])


@pytest.mark.slow
def test_replayed_kit_answers_earn_points_in_the_kit_and_nothing_in_a_tas_pytest(
        kit: Path, tmp_path: Path, reference_cache: Path) -> None:
    """The attack is real where the answers hold (the kit, its own secret and inputs) and
    earns nothing in the course, where the grader's inputs come from the course's secret."""
    require_every_layer()
    folder = write_replayer(kit, tmp_path / "replayer", [LEAKER, READER])
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = str(kit)  # the kit's own grader, as a student's install would be
    in_kit = subprocess.run(
        [sys.executable, "-m", "pytest", "grader", "-q", "-p", "no:randomly", "-p",
         "no:cacheprovider", "--grader-student", f"--grader-notebooks={folder}"],
        cwd=kit, env=env, capture_output=True, text=True, timeout=600)
    earned = re.search(r"^total\s+(\d+) / ", in_kit.stdout, re.MULTILINE)
    assert earned and int(earned.group(1)) > 0, in_kit.stdout[-3000:]
    graded = grade(folder, reference_cache, notebooks=(LEAKER, READER))
    assert graded.score[0] == 0 and graded.score[1] > 0, graded.stdout[-3000:]


@pytest.mark.slow
def test_an_unchanged_class_is_not_regraded_and_a_new_secret_regrades_everyone(
        graded: dict[str, Path], tmp_path: Path) -> None:
    """The attacked class, run again, is kept whole; the new secret regrades every student of
    the honest class (4 students: regrading the 11 attacked ones shows nothing more, the
    regrade's cause being the course's secret, not the students)."""
    out = tmp_path / "out"
    shutil.copytree(graded["out"], out)
    again = _grade(graded["submissions"], out, "-j", "2")
    assert "resuming: 11 of 11 students already graded" in again.stderr, again.stderr
    control = tmp_path / "control"
    shutil.copytree(graded["control"], control)
    env = grading_env(tmp_path / "summary.md")
    env["GRADER_SECRET"] = "a secret of another course"
    done = subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(graded["control_submissions"]),
         "--out", str(control), "--budget", "300", *GRADED, "-j", "2"], env=env,
        capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "a new secret of the course (4 students)" in done.stderr, done.stderr
    assert "a secret of another course" not in _everything_written(control)


def test_a_student_kit_has_a_secret_of_its_own(kit: Path) -> None:
    """Its answers hold for its own inputs: not the course's secret, which it never holds."""
    own = (kit / ".grader-secret").read_bytes().strip()
    assert own and own != (ROOT / ".grader-secret").read_bytes().strip()
    assert (ROOT / ".grader-secret").read_bytes().strip() not in b"".join(
        p.read_bytes() for p in kit.rglob("*") if p.is_file())
