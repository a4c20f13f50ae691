"""The kit as a library: built as a wheel and installed (not editable) into a fresh virtual
environment, it makes a course (`grader init`, `grader new`), grades a class of it, stops on a
missing solutions folder, and grades this repository's course from its root.

The fresh environment installs the kit's wheel alone; the packages it depends on (torch, ...)
come from the test run's own environment through a .pth file, as a site-wide install would
provide them: what is tested is the kit's packaging and its course discovery, not pip."""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from tests.corpus.harness import ROOT

SOLUTION = '''\
def line(x, w, b):
    """The line w * x + b, for a tensor x."""
    ### BEGIN SOLUTION
    return w * x + b
    ### END SOLUTION'''
TESTS = '''\
import pytest

from grader.checks import expect_close
from grader.grading.inputs import grader_tensor

pytestmark = pytest.mark.assignment("02_lines.ipynb")


@pytest.mark.points(3)
def test_line_on_the_graders_points(submission, reference):
    """line(x, w, b) is w * x + b"""
    x = grader_tensor(6, 1, seed=3)
    expect_close(submission.call("line", x, 2.0, -1.0).value,
                 reference.call("line", x, 2.0, -1.0).value, "line(x, 2, -1)")
'''


def _run(*command: str | Path, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHONPATH"))}
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the kit's wheel installed."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT / "grader", source / "grader",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", work / "dist", source, cwd=work)
    [wheel] = (work / "dist").glob("torch_grader-*.whl")
    environment = work / "venv"
    _run(sys.executable, "-m", "venv", environment, cwd=work)
    python = environment / "bin" / "python"
    own_site = _run(python, "-c", "import site; print(site.getsitepackages()[0])",
                    cwd=work).stdout.strip()
    (Path(own_site) / "dependencies.pth").write_text(site.getsitepackages()[0] + "\n")
    _run(python, "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed", wheel,
         cwd=work)
    return environment


@pytest.mark.slow
def test_the_installed_kit_is_the_wheel_without_the_reference_courses_tests(
        venv: Path, tmp_path: Path) -> None:
    where = _run(venv / "bin" / "python", "-P", "-c",
                 "import grader, importlib.util; print(grader.__file__); "
                 "print(importlib.util.find_spec('grader.assignments'))", cwd=tmp_path).stdout
    assert where.splitlines() == [str(venv / "lib" / f"python{sys.version_info.major}."
                                      f"{sys.version_info.minor}" / "site-packages" / "grader"
                                      / "__init__.py"), "None"]
    solution = ROOT / "solutions" / "01_tensors_and_loss.ipynb"
    checked = _run(venv / "bin" / "grader", "check", solution, cwd=tmp_path, check=False)
    assert checked.returncode == 0, checked.stdout  # its course is found from its folder


@pytest.mark.slow
def test_a_course_made_with_the_installed_kit_grades_a_class(venv: Path, tmp_path: Path) -> None:
    grader = venv / "bin" / "grader"
    course = tmp_path / "course"
    _run(grader, "init", course, cwd=tmp_path)
    _run(grader, "new", "02_lines", cwd=course)
    solution = nbformat.read(course / "solutions" / "02_lines.ipynb", as_version=4)
    solution.cells = [c for c in solution.cells if c.id in ("intro", "imports")]
    solution.cells.append(nbformat.v4.new_code_cell(SOLUTION, id="line"))
    nbformat.write(solution, course / "solutions" / "02_lines.ipynb")
    (course / "grader" / "test_02_lines.py").write_text(TESTS)
    _run(grader, "release", cwd=course)
    for student, folder in (("alice", "solutions"), ("bob", "assignments")):
        (course / "subs" / student).mkdir(parents=True)
        for notebook in ("01_example.ipynb", "02_lines.ipynb"):
            shutil.copy(course / folder / notebook, course / "subs" / student / notebook)

    _run(grader, "grade", "subs", "--out", "out", "-j", "2", cwd=course)
    book = pd.read_csv(course / "out" / "gradebook.csv").set_index("student")
    assert book.loc["alice", "total"] == 6 and book.loc["bob", "total"] == 0
    assert book.loc["alice", "02_lines"] == 3

    shutil.rmtree(course / "solutions")
    stopped = _run(grader, "grade", "subs", "--out", "again", cwd=course, check=False)
    assert stopped.returncode == 2
    assert "solutions' folder" in stopped.stderr and "Nobody was graded" in stopped.stderr
    assert not (course / "again" / "gradebook.csv").exists()


@pytest.mark.slow
def test_the_installed_kit_grades_this_repositorys_course_from_its_root(
        venv: Path, tmp_path: Path) -> None:
    report = tmp_path / "report"
    done = _run(venv / "bin" / "python", "-P", "-m", "pytest", "grader", "-q",
                "-p", "no:xdist", "-p", "no:cacheprovider", "--grader-notebooks", "solutions",
                f"--grader-report={report}", cwd=ROOT, check=False)
    results = json.loads((report / "results.json").read_text())
    possible = sum(test["max_score"] for test in results["tests"])
    assert done.returncode == 0 and results["score"] == possible > 0, done.stdout[-3000:]
