"""A course repository for the pull-request attacks: the kit's grader with the tests of one
assignment (hidden ones included), its solution and template, on branch main."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.corpus.harness import ROOT
from tests.test_ci_workflow import commit_all, git


def course_repository(repo: Path, notebook: str = "02_training_loop.ipynb") -> Path:
    shutil.copytree(ROOT / "grader", repo / "grader", ignore=shutil.ignore_patterns(
        "__pycache__", "test_0[13-9]*"))
    for folder in ("solutions", "assignments"):
        (repo / folder).mkdir()
        shutil.copy(ROOT / folder / notebook, repo / folder / notebook)
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    git(repo, "init", "-q")
    commit_all(repo, "the course")
    return repo
