"""Under `pytest -n`, a grading run keeps each notebook's tests, visible and hidden, on one worker
(its notebook is executed once), whatever pytest's version: pytest 9.2 dropped the node-id
renaming that xdist's own `--dist loadgroup` relies on, and the plugin's switch to it once sat
in a hook that was never called."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

RECORDS_ITS_WORKER = '''
import os

import pytest


@pytest.mark.parametrize("index", range(6))
def test_records_its_worker(index):
    name = f"{{__name__}}-{{index}}"
    with open(os.path.join(os.environ["WORKERS_FOLDER"], name), "w") as file:
        file.write(os.environ["PYTEST_XDIST_WORKER"])
'''


def test_each_notebooks_tests_run_on_one_worker_under_pytest_n(tmp_path: Path) -> None:
    course = tmp_path / "course"
    tests = course / "grader"
    tests.mkdir(parents=True)
    (course / "pyproject.toml").write_text('[tool.grader]\ntests = "grader"\n')
    for module in ("test_01_a", "test_01_a_hidden", "test_02_b", "test_03_c"):
        (tests / f"{module}.py").write_text(RECORDS_ITS_WORKER.format())
    (tmp_path / "workers").mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "grader", "-p", "grader.plugin.plugin", "-n", "2",
         "-v", "-p", "no:cacheprovider", "-p", "no:randomly"], cwd=course, capture_output=True,
        text=True, timeout=300, env={**os.environ, "WORKERS_FOLDER": str(tmp_path / "workers")})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    ran = {p.name: p.read_text() for p in (tmp_path / "workers").iterdir()}
    assert len(ran) == 24, sorted(ran)
    by_notebook: dict[str, set[str]] = {}
    for name, worker in ran.items():
        by_notebook.setdefault(name[len("test_"):][:2], set()).add(worker)
    assert all(len(workers) == 1 for workers in by_notebook.values()), by_notebook
    assert len(set().union(*by_notebook.values())) == 2, "only one worker did any work"
