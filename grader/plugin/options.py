"""Command-line options, all prefixed --grader-, and the settings they make.

A setting comes from the command line if given there, else from the course's [tool.grader]
table (grader/course/), else the kit's default.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from grader.course import Course, find_course
from grader.course.matching import files_in
from grader.execution.settings import DEFAULT_SEED, ExecutionSettings
from grader.grading.session import SessionConfig
from grader.reference.cache import ReferenceCache
from grader.sandbox.policy import AUTO, MODE_ENV, MODES

CACHE_FOLDER = "grader-reference"
SHIPPED_ANSWERS = Path("grader") / "reference_answers"  # in a student kit, under its root
_COURSE = pytest.StashKey[Course]()


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "grading PyTorch notebooks")
    group.addoption("--grader-notebooks", metavar="DIR", default=None,
                    help="folder of the notebooks to grade (default: the course's assignments)")
    group.addoption("--grader-solutions", metavar="DIR", default=None,
                    help="folder of the reference solutions (default: the course's solutions)")
    group.addoption("--grader-seed", type=int, default=None, metavar="N",
                    help=f"seed for torch, numpy and random before the first cell "
                         f"(default: the course's, else {DEFAULT_SEED})")
    group.addoption("--grader-timeout", type=float, default=None, metavar="SECONDS",
                    help="time limit for one cell or one probe "
                         f"(default {ExecutionSettings.cell_timeout:g})")
    group.addoption("--grader-notebook-budget", type=float, default=None, metavar="SECONDS",
                    help="time limit for a whole notebook "
                         f"(default {ExecutionSettings.notebook_budget:g})")
    group.addoption("--grader-memory-limit", type=int, default=None, metavar="MB",
                    help="memory cap of each kernel (0: none; default "
                         f"{ExecutionSettings.memory_limit_mb})")
    group.addoption("--grader-cache-dir", metavar="DIR", default=None,
                    help="where reference answers are cached (default: in .pytest_cache)")
    group.addoption("--grader-report", metavar="DIR", default=None,
                    help="write results.json (Gradescope format) into DIR")
    group.addoption("--grader-student", action="store_true",
                    help="a student-facing run: hidden tests are counted, not run or shown")
    group.addoption("--grader-no-cache", action="store_true",
                    help="always execute the reference solutions")
    group.addoption("--grader-sandbox", choices=MODES, default=None,
                    help="the sandbox around every kernel: auto (every layer this machine "
                         "allows), strict (refuse to grade without all of them), off "
                         f"(default: ${MODE_ENV}, else the course's, else auto)")
    group.addoption("--grader-probe-budget", type=float, default=None, metavar="SECONDS",
                    help="time limit for all the grader's calls into one notebook together "
                         f"(default {ExecutionSettings.probe_budget:g})")
    group.addoption("--grader-cold-kernels", action="store_true",
                    help="start every kernel from scratch instead of forking it from a "
                         "pre-imported fork server (slower; for comparison)")


def course_of(config: pytest.Config) -> Course:
    """The course graded: the one pytest's rootdir is in (found once per run)."""
    if _COURSE not in config.stash:
        config.stash[_COURSE] = find_course(Path(config.rootpath))
    return config.stash[_COURSE]


def session_config(config: pytest.Config) -> SessionConfig:
    option = config.getoption
    course = course_of(config)

    def setting(name: str, key: str, default: Any) -> Any:
        given = option(name)
        return given if given is not None else course.setting(key, default)

    submissions = _folder(option("grader_notebooks"), course.assignments)
    solutions = _folder(option("grader_solutions"), course.solutions)
    cache = _cache_dir(config, course)
    report = option("grader_report")
    # What no kernel may read: the course, the reference, the grader's output and cache.
    protected = tuple(str(p) for p in (course.root, submissions.parent, solutions, cache,
                                       report and Path(report).resolve()) if p)
    defaults = ExecutionSettings()
    sandbox = option("grader_sandbox") or os.environ.get(MODE_ENV) \
        or course.setting("sandbox", AUTO)
    settings = ExecutionSettings(
        seed=setting("grader_seed", "seed", DEFAULT_SEED),
        cell_timeout=setting("grader_timeout", "timeout", defaults.cell_timeout),
        notebook_budget=setting("grader_notebook_budget", "notebook_budget",
                                defaults.notebook_budget),
        probe_budget=setting("grader_probe_budget", "probe_budget", defaults.probe_budget),
        memory_limit_mb=setting("grader_memory_limit", "memory_limit",
                                defaults.memory_limit_mb) or None,
        warm_kernels=not option("grader_cold_kernels"),
        sandbox=sandbox,
        protected=protected,
    )
    return SessionConfig(
        submissions=submissions,
        submitted=files_in(submissions, course.graded_notebooks()),
        solutions=solutions,
        settings=settings,
        cache=ReferenceCache(cache),
        probe_timeout=settings.cell_timeout,
    )


def _folder(given: str | None, default: Path) -> Path:
    return Path(given).resolve() if given else default


def _cache_dir(config: pytest.Config, course: Course) -> Path | None:
    if config.getoption("grader_no_cache"):
        return None
    if config.getoption("grader_cache_dir"):
        return Path(config.getoption("grader_cache_dir")).resolve()
    shipped = course.root / SHIPPED_ANSWERS
    if shipped.is_dir():  # a student kit: the reference's answers instead of its solutions
        return shipped
    cache = getattr(config, "cache", None)
    return Path(cache.mkdir(CACHE_FOLDER)) if cache is not None else None
