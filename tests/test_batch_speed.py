"""What makes a class fast to grade, checked where it could silently stop working: a rerun is
forked by the grading daemon (no imports before its first student) unless its kernels' start-up
settings are not the daemon's; no kernel of a batch starts cold, sandboxed or not; --profile
writes where the time went; the grades are the same whichever way."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from grader.cli import main
from grader.daemon.address import FOLDER_ENV
from tests.conftest import stop_daemons_in

NOTEBOOK = "01_example"
WARM_START = "warm start (imports, fork server)"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    folder = tmp_path / "course"
    assert main(["init", str(folder)]) == 0
    for index in range(2):
        student = folder / "subs" / f"student{index}"
        student.mkdir(parents=True)
        notebook = nbformat.read(folder / "solutions" / f"{NOTEBOOK}.ipynb", as_version=4)
        if index:
            notebook.cells.append(new_code_cell("result = result + 1"))
        nbformat.write(notebook, student / f"{NOTEBOOK}.ipynb")
    return folder


def _grade(course: Path, out: str, env: dict[str, str], *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "grader.cli", "grade", "subs", "--out", out,
                           "-j", "2", "--force", "--profile", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "profile: " in done.stderr
    return json.loads((course / out / "profile.json").read_text(encoding="utf-8"))


def _points(course: Path, out: str) -> dict[str, list[float]]:
    return {p.parent.name: [t["score"] for t in json.loads(p.read_text())["results"]["tests"]]
            for p in (course / out / "students").glob("*/grade.json")}


def test_a_rerun_is_forked_by_the_daemon_with_the_same_grades_and_no_kernel_starts_cold(
        course: Path, tmp_path: Path) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    # A short folder: a socket's path must fit AF_UNIX's 108 bytes, and an xdist worker's
    # tmp_path with the daemon's folder and name does not (the batch then forks by itself).
    daemons = Path(tempfile.mkdtemp(prefix="gd-"))
    with_daemon = {**base, FOLDER_ENV: str(daemons)}
    try:
        local = _grade(course, "local", {**base, "GRADER_NO_DAEMON": "1"})
        assert WARM_START in local["batch"] and not local["notes"]
        first = _grade(course, "daemon", with_daemon)
        assert list(daemons.rglob("*.sock")), "the batch started no grading daemon"
        again = _grade(course, "daemon", with_daemon)
        for profile in (first, again):
            assert WARM_START not in profile["batch"] and not profile["notes"]
        assert _points(course, "daemon") == _points(course, "local")
        assert len(set(map(tuple, _points(course, "local").values()))) == 2
        for log in (course / "daemon" / "students").glob("*/pytest.log"):
            assert "started fresh" not in log.read_text(encoding="utf-8")

        other_seed = _grade(course, "seed", with_daemon, "--seed", "7")
        assert WARM_START in other_seed["batch"], "the daemon's kernels have another seed"
        unsandboxed = _grade(course, "off", with_daemon, "--sandbox", "off")
        assert not unsandboxed["notes"], unsandboxed["notes"]  # no kernel started cold
        assert _points(course, "off") == _points(course, "local")
        phases = unsandboxed["per_notebook"]
        assert {"kernel start", "kernel ready", "cells: in the kernel", "probes: messaging",
                "collection"} <= set(phases)
        assert (course / "off" / "profile.md").read_text(encoding="utf-8").startswith(
            "# Where grading time went: 2 students, 1 notebook each")
    finally:
        stop_daemons_in(daemons)
        shutil.rmtree(daemons, ignore_errors=True)
