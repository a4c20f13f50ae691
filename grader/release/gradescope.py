"""`grader release --gradescope FILE.zip`: the course as a Gradescope autograder.

The zip holds, at its root (Gradescope unpacks it into /autograder/source):

    setup.sh           installs the CPU build of torch and the kit, then grades the solutions
                       once (a check, and their answers cached for every submission)
    run_autograder     grades /autograder/submission into /autograder/results/results.json
    gradescope.json    what the runner needs: the assignments, where the course's files are
    course/            the course: pyproject.toml ([tool.grader]), the solutions and the tests
                       of the assignments chosen (hidden ones included); where the course
                       carries the kit in its own `grader/` package (this repository does),
                       all of it, which is then the kit installed
    kit/               otherwise, the kit that made the zip, as a wheel (kit_wheel.py):
                       setup.sh installs it from there, no package index serves the kit

Both scripts honour AUTOGRADER_ROOT (default /autograder), so the autograder can be tried on
any machine (see tests/test_gradescope.py).
"""

from __future__ import annotations

import json
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from grader.course import Course
from grader.course.config import HIDDEN_SUFFIX
from grader.errors import UserError
from grader.grading.secret import SECRET_FILE
from grader.release.kit_wheel import build_kit_wheel
from grader.release.kit_wheel import torch_version as kit_torch_version

MANIFEST = "gradescope.json"
COURSE, KIT = "course", "kit"
SCRIPTS = ("setup.sh", "run_autograder")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "reference_answers")
EXECUTABLE = 0o755


@dataclass(frozen=True)
class GradescopeZip:
    path: Path
    assignments: list[str]  # notebook names without .ipynb
    files: int


def build_gradescope_zip(target: Path, course: Course, assignments: Sequence[str] = (),
                         torch_version: str | None = None) -> GradescopeZip:
    """Write the autograder of `course` (only `assignments`, default all) to `target`."""
    chosen = _chosen(course, assignments)
    with tempfile.TemporaryDirectory(prefix="gradescope-") as scratch:
        staging = Path(scratch)
        python_path, requirement = _copy_course_and_kit(course, chosen, staging)
        manifest = {
            "course": COURSE,
            "tests": course.tests.relative_to(course.root).as_posix(),
            "solutions": course.solutions.relative_to(course.root).as_posix(),
            "assignments": chosen,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        replacements = {"__TORCH__": torch_version or kit_torch_version(),
                        "__PYTHONPATH__": python_path, "__KIT_REQUIREMENT__": requirement}
        for script in SCRIPTS:
            text = (resources.files("grader.release") / "templates" / "gradescope" / script
                    ).read_text(encoding="utf-8")
            for placeholder, value in replacements.items():
                text = text.replace(placeholder, value)
            (staging / script).write_text(text, encoding="utf-8")
            (staging / script).chmod(EXECUTABLE)
        files = _zip(staging, target)
    return GradescopeZip(target, chosen, files)


def _chosen(course: Course, assignments: Sequence[str]) -> list[str]:
    known = [Path(name).stem for name in course.graded_notebooks()]
    wanted = [Path(name).stem for name in assignments] or known
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise UserError(f"no graded assignment {', '.join(unknown)} in this course (known: "
                        f"{', '.join(known) or 'none'})")
    missing = [name for name in wanted if not (course.solutions / f"{name}.ipynb").is_file()]
    if missing:
        raise UserError(f"no solution for {', '.join(missing)} in {course.solutions}: the "
                        "autograder compares every submission with it")
    return wanted


def _copy_course_and_kit(course: Course, chosen: list[str], staging: Path) -> tuple[str, str]:
    """Copy the course and the kit into staging; returns the scripts' line that puts the
    zip's kit first on the path (where the course carries it) and what setup.sh gives
    `pip install`."""
    target = staging / COURSE
    target.mkdir()
    # The course's secret too, when it has one: Gradescope then draws the grader's inputs the
    # TA's runs draw (grader/grading/secret.py); without one, setup makes one for the image.
    for name in ("pyproject.toml", "README.md", SECRET_FILE):
        if (course.root / name).is_file():
            shutil.copy(course.root / name, target / name)
    carries_kit = (course.root / "grader" / "__init__.py").is_file()
    if carries_kit:  # the course is the kit's own repository: its grader/ is the kit
        shutil.copytree(course.root / "grader", target / "grader", ignore=SKIPPED)
    _copy_tests(course, chosen, target / course.tests.relative_to(course.root))
    solutions = target / course.solutions.relative_to(course.root)
    solutions.mkdir(parents=True, exist_ok=True)
    for name in chosen:
        shutil.copy(course.solutions / f"{name}.ipynb", solutions / f"{name}.ipynb")
    if carries_kit:  # its `grader` package, which holds the course's tests, is the one that grades
        return (f'export PYTHONPATH="$ROOT/source/{COURSE}${{PYTHONPATH:+:$PYTHONPATH}}"',
                f'"$SOURCE/{COURSE}"')
    wheel = build_kit_wheel(staging / KIT)
    return ("# the kit installed from kit/ grades; the course's tests are a plain folder",
            f'"$SOURCE/{KIT}/{wheel.name}"')


def _copy_tests(course: Course, chosen: list[str], target: Path) -> None:
    """The tests of the chosen assignments, hidden ones too, and the folder's other files
    (conftest.py, __init__.py, helpers); other assignments' tests are left out."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    wanted = {f"test_{name}{suffix}.py" for name in chosen for suffix in ("", HIDDEN_SUFFIX)}
    for path in sorted(course.tests.iterdir()):
        if path.is_file() and (not path.name.startswith("test_") or path.name in wanted):
            shutil.copy(path, target / path.name)
        elif path.is_dir() and path.name not in ("__pycache__", "reference_answers"):
            shutil.copytree(path, target / path.name, ignore=SKIPPED)


def _zip(staging: Path, target: Path) -> int:
    """Zip the files (not their folder: Gradescope wants setup.sh at the root), keeping the
    scripts executable."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    files = sorted(p for p in staging.rglob("*") if p.is_file())
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(staging).as_posix(), (2020, 1, 1, 0, 0, 0))
            mode = EXECUTABLE if path.name in SCRIPTS else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    temporary.replace(target)
    return len(files)
