"""The kit as a library: its wheel holds the kit and none of this repository's course; installed,
it grades this repository's course (the reference course) found from a notebook's folder or
from the course's root, as any other course."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest

from grader.release.kit_wheel import build_kit_wheel
from tests.corpus.harness import ROOT
from tests.journeys.machines import TRACEBACK, Machine

pytestmark = pytest.mark.slow  # whole runs: ordered first (tests/conftest.py)

ROOT_ONLY = pytest.mark.parametrize("machine", ["root"], indirect=True)  # reads this checkout


@ROOT_ONLY
def test_the_installed_kit_is_the_wheel_without_the_reference_courses_tests(
        machine: Machine, kit_wheel: Path) -> None:
    names = zipfile.ZipFile(kit_wheel).namelist()
    assert "grader/cli.py" in names and "grader/authoring/templates/README.md" in names
    assert not [name for name in names if name.startswith("grader/assignments")]
    where = machine.run("python -P -c \"import grader, importlib.util; print(grader.__file__);"
                        " print(importlib.util.find_spec('grader.assignments'))\"")
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert where.out.splitlines() == [
        str(machine.venv / "lib" / version / "site-packages" / "grader" / "__init__.py"),
        "None"], repr(where)
    checked = machine.run(f"grader check {ROOT / 'solutions' / '01_tensors_and_loss.ipynb'}")
    assert checked.code == 0 and "Score: 10 / 10" in checked.out, repr(checked)


def test_the_kit_builds_from_its_installed_files_the_wheel_pip_builds(kit_wheel: Path,
                                                                      tmp_path: Path) -> None:
    """`grader init` and the Gradescope zip carry the running kit as a wheel they build
    themselves (no pip): the same files as pip's (the metadata aside, built from this run's
    editable install)."""
    ours = zipfile.ZipFile(build_kit_wheel(tmp_path))
    pips = zipfile.ZipFile(kit_wheel)
    assert ours.filename.endswith(Path(pips.filename).name)
    package = sorted(n for n in pips.namelist() if n.startswith("grader/"))
    assert sorted(n for n in ours.namelist() if n.startswith("grader/")) == package
    assert all(ours.read(name) == pips.read(name) for name in package)
    info = Path(pips.filename).name.split("-py3")[0] + ".dist-info/"
    for name in ("METADATA", "entry_points.txt", "WHEEL", "RECORD"):
        assert info + name in ours.namelist()


@ROOT_ONLY
def test_the_installed_kit_grades_this_repositorys_course_from_its_root(
        machine: Machine, tmp_path: Path) -> None:
    report = tmp_path / "report"
    done = machine.run(f"python -P -m pytest grader -q -p no:xdist -p no:cacheprovider "
                       f"--grader-notebooks solutions --grader-report={report}", cwd=ROOT)
    assert TRACEBACK not in done.text, repr(done)
    results = json.loads((report / "results.json").read_text())
    possible = sum(test["max_score"] for test in results["tests"])
    assert done.code == 0 and results["score"] == possible > 0, repr(done)
