"""`grader grade --scheduler`: a class graded on a real Dask cluster (a `dask scheduler` and two
`dask worker` processes on 127.0.0.1) gets the gradebook and the per-student files a local
`grader grade` writes, even with a worker killed -9 half-way; a student whose grading kills
every worker it runs on is recorded as such, and the class goes on.

The clusters of this module run on one machine, whose workers share its grading daemons
whichever scheduler they serve (as a real machine's do): the first worker to grade starts
them, the others find them warm. The module runs on one xdist worker (tests/conftest.py): the
local gradebook is made once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.class_outputs import assert_same_grades
from tests.cluster_killer import KILLER
from tests.cluster_processes import daemon_folder, local_cluster, remove_daemons
from tests.test_batch import NOTEBOOK, make_class

pytestmark = pytest.mark.slow  # whole runs: ordered first (tests/conftest.py)

SIZE = 10  # students with notebooks, each of make_class's kinds (make_class adds one without)
ASSIGNMENT = ["--assignment", Path(NOTEBOOK).stem, "--budget", "300"]


def _command(submissions: Path, out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "grader.cli", "grade", str(submissions), "--out", str(out),
            *ASSIGNMENT, *args]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}


def _grade(submissions: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(_command(submissions, out, *args), env=_env(), capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def daemons() -> Iterator[Path]:
    """The workers' grading daemons, for every cluster of this module."""
    folder = daemon_folder()
    yield folder
    remove_daemons(folder)


@pytest.fixture(scope="module")
def local_grades(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A class of 11 (full marks, templates, broken JSON, cloned repositories, notebooks that
    kill their kernel or monkeypatch torch, no notebook at all), graded on this machine."""
    root = tmp_path_factory.mktemp("class")
    submissions = make_class(root, SIZE)
    _grade(submissions, root / "local", "-j", "2")
    return submissions, root / "local"


def test_a_class_graded_on_a_dask_cluster_gets_the_local_gradebook(
        local_grades: tuple[Path, Path], daemons: Path, tmp_path: Path) -> None:
    submissions, local = local_grades
    with local_cluster(tmp_path / "cluster", daemons=daemons) as cluster:
        done = _grade(submissions, tmp_path / "out", "--scheduler", cluster.address)
        logs = [p.read_text() for p in (tmp_path / "cluster").glob("worker-*.log")]
    assert "2 workers now" in done.stderr
    assert_same_grades(local, tmp_path / "out")
    assert len(pd.read_csv(tmp_path / "out" / "gradebook.csv")) == SIZE + 1
    for log in (tmp_path / "out" / "students").glob("*/pytest.log"):  # forked by the daemon
        assert "started fresh" not in log.read_text(encoding="utf-8"), log
    assert not any("Traceback" in log for log in logs), logs


def test_a_worker_killed_mid_run_loses_nothing_and_the_class_completes(
        local_grades: tuple[Path, Path], daemons: Path, tmp_path: Path) -> None:
    submissions, local = local_grades
    out = tmp_path / "out"
    with local_cluster(tmp_path / "cluster", daemons=daemons) as cluster:
        batch = subprocess.Popen(_command(submissions, out, "--scheduler", cluster.address),
                                 env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        try:
            deadline = time.monotonic() + 300
            while len(list(out.glob("students/*/grade.json"))) < 3 \
                    and time.monotonic() < deadline and batch.poll() is None:
                time.sleep(0.2)
            finished = {p: p.read_bytes() for p in out.glob("students/*/grade.json")}
            cluster.kill(cluster.workers[0])  # kill -9, in the middle of a student
            _, stderr = batch.communicate(timeout=600)
        finally:
            if batch.poll() is None:
                batch.kill()
                batch.wait()
    assert batch.returncode == 0, stderr
    assert 3 <= len(finished) < SIZE + 1
    for path, content in finished.items():
        assert path.read_bytes() == content, f"{path} was written again"
    assert_same_grades(local, out)


def test_a_student_whose_grading_kills_workers_is_recorded_and_never_blocks_the_class(
        daemons: Path, tmp_path: Path) -> None:
    submissions = make_class(tmp_path, 3)
    (submissions / KILLER).mkdir()
    (submissions / KILLER / NOTEBOOK).write_bytes((submissions / "student00" / NOTEBOOK)
                                                  .read_bytes())
    killer = Path(__file__).with_name("cluster_killer.py")
    with local_cluster(tmp_path / "cluster", nanny=True, preload=killer,
                       daemons=daemons) as cluster:
        _grade(submissions, tmp_path / "out", "--scheduler", cluster.address)
    book = pd.read_csv(tmp_path / "out" / "gradebook.csv").set_index("student")
    assert "stopped 2 cluster workers" in book.loc[KILLER, "reason"]
    assert pd.isna(book.loc[KILLER, "total"])
    assert book.loc["student00", "total"] > 0
    # A classmate whose task had finished on a worker the killer then took down ran again
    # (its result was lost with the worker): that is no worker of theirs dying.
    bystanders = book.drop(index=KILLER)["reason"].fillna("")
    assert not bystanders.str.contains("cluster workers").any(), bystanders.to_dict()
    record = json.loads((tmp_path / "out" / "students" / KILLER / "grade.json").read_text())
    assert record["results"] is None and record["inputs"]["digest"]


def test_a_scheduler_killed_mid_run_loses_nothing_and_a_rerun_resumes(
        local_grades: tuple[Path, Path], daemons: Path, tmp_path: Path) -> None:
    submissions, local = local_grades
    out = tmp_path / "out"
    with local_cluster(tmp_path / "first", daemons=daemons) as cluster:
        batch = subprocess.Popen(_command(submissions, out, "--scheduler", cluster.address),
                                 env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        try:
            deadline = time.monotonic() + 300
            while len(list(out.glob("students/*/grade.json"))) < 3 \
                    and time.monotonic() < deadline and batch.poll() is None:
                time.sleep(0.2)
            assert cluster.scheduler is not None
            cluster.kill(cluster.scheduler)
            _, stderr = batch.communicate(timeout=120)
        finally:
            if batch.poll() is None:
                batch.kill()
                batch.wait()
    assert batch.returncode == 2 and "lost the Dask scheduler" in stderr, stderr
    finished = {p: p.read_bytes() for p in out.glob("students/*/grade.json")}
    assert len(finished) < SIZE + 1

    with local_cluster(tmp_path / "second", daemons=daemons) as cluster:
        rerun = _grade(submissions, out, "--scheduler", cluster.address)
    assert f"resuming: {len(finished)} of {SIZE + 1} students" in rerun.stderr
    for path, content in finished.items():
        assert path.read_bytes() == content, f"{path} was graded again"
    assert_same_grades(local, out)
