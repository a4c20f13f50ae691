"""`grader release --student-kit DIR`: a copy of the course to give students.

It holds the templates and the public grader (the course's `grader/` folder: its tests, and
the kit itself where the course carries it, as this repository does): no solutions, no hidden
tests (their modules,
`test_*_hidden.py`, are left out whole; only their number and points are listed, so a run can
say they exist). Public tests still compare with the reference: its answers to the public
probes are shipped instead of the solutions, keyed as the grader's own cache keys them. The kit
has a secret of its own (`.grader-secret`, not the course's): the grader's inputs in the kit
are drawn from it, so its answers hold for the kit's inputs only.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import torch

from grader.course import Course
from grader.course.config import HIDDEN_SUFFIX
from grader.errors import GraderError
from grader.execution.settings import DEFAULT_SEED
from grader.grading.secret import SECRET_ENV, SECRET_FILE, secret_digest, write_secret
from grader.plugin.options import SHIPPED_ANSWERS as ANSWERS
from grader.plugin.own_process import PLUGIN_ARGS
from grader.plugin.score_reporter import HIDDEN_MANIFEST
from grader.reference.cache import ReferenceCache
from grader.release.writing import release

KEYS_FILE = "keys.json"
KIT_FILES = ("pyproject.toml", ".gitignore", "kit")  # kit/: the wheel of a `grader init` course
STUDENT_README = """\
# Assignments

Fill the blanks (`# YOUR CODE HERE`) of the notebooks in `assignments/`.

Check a notebook before you submit it (it runs from top to bottom in a fresh kernel, exactly
as the grader will). In this folder, once (Debian, Ubuntu: `sudo apt install python3-venv`):

    python3 -m venv .venv && . .venv/bin/activate
    pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
    pip install -e ".[notebook]"

then, in a terminal where `. .venv/bin/activate` ran:

    grader check assignments/01_tensors_and_loss.ipynb

Some tests are hidden: the grader runs them after you submit.
"""


def build_student_kit(target: Path, course: Course, solutions: Path | None = None) -> Path:
    """Write the student kit of `course` to `target` (which must not exist yet); all or
    nothing."""
    if target.exists():
        raise GraderError(f"{target} already exists: choose a new folder for the student kit")
    solutions = solutions or course.solutions
    tests = course.tests.relative_to(course.root)
    with tempfile.TemporaryDirectory(prefix="student-kit-") as scratch:
        staging = Path(scratch) / "kit"
        _copy_public_kit(course, staging)
        release(solutions, staging / "assignments")
        _write_hidden_manifest(course, staging / tests)
        secret = write_secret(staging / SECRET_FILE)  # the kit's own, never the course's
        _ship_reference_answers(staging, staging / tests, solutions, secret)
        (staging / "README.md").write_text(_readme(course), encoding="utf-8")
        shutil.copytree(staging, target)
    return target


def _copy_public_kit(course: Course, staging: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", f"*{HIDDEN_SUFFIX}.py", "reference_answers")
    shutil.copytree(course.root / "grader", staging / "grader", ignore=ignore)
    if not course.tests.is_relative_to(course.root / "grader"):
        shutil.copytree(course.tests, staging / course.tests.relative_to(course.root),
                        ignore=ignore)
    for name in KIT_FILES:
        if (course.root / name).is_dir():
            shutil.copytree(course.root / name, staging / name)
        elif (course.root / name).exists():
            shutil.copy(course.root / name, staging / name)
    ignored = staging / ".gitignore"
    if ignored.exists():  # the kit's secret is committed with it, whatever the course ignores
        lines = ignored.read_text(encoding="utf-8").splitlines()
        ignored.write_text("".join(f"{line}\n" for line in lines
                                   if line.strip().lstrip("/") != SECRET_FILE), encoding="utf-8")


def _readme(course: Course) -> str:
    """A `grader init` course's own students' README (it says how to install the kit from
    kit/); this repository's, which students install with `pip install -e .`, the short one."""
    own = course.root / "README.md"
    if (course.root / "kit").is_dir() and own.is_file():
        return own.read_text(encoding="utf-8")
    return STUDENT_README


def _write_hidden_manifest(course: Course, tests: Path) -> None:
    manifest: dict[str, dict[str, float]] = {}
    for module in sorted(course.tests.glob(f"test_*{HIDDEN_SUFFIX}.py")):
        assignment = module.stem.removeprefix("test_").removesuffix(HIDDEN_SUFFIX)
        points = _points_of_tests(module.read_text(encoding="utf-8"))
        manifest[assignment] = {"tests": len(points), "points": sum(points)}
    (tests / HIDDEN_MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def _points_of_tests(source: str) -> list[float]:
    """The points of each test function in a module (1 when not marked)."""
    points = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            marked = [d for d in node.decorator_list if isinstance(d, ast.Call)
                      and isinstance(d.func, ast.Attribute) and d.func.attr == "points"]
            points.append(float(ast.literal_eval(marked[0].args[0])) if marked else 1.0)
    return points


def _ship_reference_answers(staging: Path, tests: Path, solutions: Path, secret: bytes
                            ) -> None:
    """Grade the solutions with the public tests only, caching the answers into the kit: for
    the kit's secret, so that they answer none of the grader's inputs in a TA's run."""
    answers = staging / ANSWERS
    command = [sys.executable, "-m", "pytest", str(tests), "-q", *PLUGIN_ARGS,
               "-p", "no:xdist", "-p", "no:cacheprovider", f"--rootdir={staging}",
               f"--grader-notebooks={solutions}", f"--grader-solutions={solutions}",
               f"--grader-cache-dir={answers}", f"--grader-seed={DEFAULT_SEED}"]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PYTEST_") and k != SECRET_ENV}  # the kit's secret, its file
    env["PYTHONPATH"] = str(staging)  # the kit's copy of grader, not the installed one
    done = subprocess.run(command, cwd=staging, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise GraderError(f"the solutions do not pass the public tests:\n{done.stdout[-3000:]}")
    digest = secret_digest(secret)
    keys = {path.name: ReferenceCache.notebook_key(path, DEFAULT_SEED, torch.__version__, digest)
            for path in sorted(solutions.glob("*.ipynb"))}
    (answers / KEYS_FILE).write_text(
        json.dumps({"seed": DEFAULT_SEED, "secret": digest, "notebooks": keys}, indent=2),
        encoding="utf-8")
