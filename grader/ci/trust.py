"""The trusted-grader rule: the grader, its tests, the solutions and the workflow come from the
base branch, never from the pull request. A pull request that edits them is still graded, with
the base's copies, and flagged for a person to look at."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from grader.ci.git import unpack
from grader.course.config import read_course
from grader.errors import GraderError

# Folders (ending in /) and files of a course repository that grading trusts.
TRUSTED_PATHS = ("grader/", "tests/", ".github/", "solutions/", ".ci/", "pyproject.toml")


def is_trusted(path: str) -> bool:
    return any(path.startswith(p) if p.endswith("/") else path == p for p in TRUSTED_PATHS)


def trusted_changes(paths: Iterable[str]) -> list[str]:
    """The paths, among those a pull request changes, that belong to the trusted grader."""
    return sorted(path for path in set(paths) if is_trusted(path))


def trusted_checkout(repo: Path, base_commit: str, folder: Path) -> Path:
    """Unpack the base commit into `folder` (no worktree, no checkout of the pull request) and
    check that it holds a grading kit."""
    unpack(repo, base_commit, folder)
    course = read_course(folder)
    missing = [str(path.relative_to(folder)) for path in
               (course.tests, course.solutions, folder / "pyproject.toml") if not path.exists()]
    if missing:
        raise GraderError(f"the base commit {base_commit[:12]} has no {', '.join(missing)}: "
                          "it is not a course repository made from the grading kit")
    return folder


def known_assignments(trusted: Path) -> list[str]:
    """The notebook names the trusted grader has tests for: test_02_x.py -> 02_x.ipynb."""
    return read_course(trusted).graded_notebooks()


def graded_tests(trusted: Path, assignment: str) -> list[Path]:
    """The assignment's test modules, its hidden tests' too: a pull request's run counts them
    (tests and points) without running them (`--grader-student`): their results and messages
    would reach the job's log and outputs, which the pull request's author can read."""
    return read_course(trusted).tests_for(assignment)
