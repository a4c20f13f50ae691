"""Command-line options, all prefixed --grader-, and the settings they make.

The settings and their options come from the one table of grader/settings.py (command line,
environment, the course's [tool.grader], default); the other options here say what a run
grades and where its results go.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.course import Course, find_course
from grader.course.matching import files_in
from grader.grading.session import SessionConfig
from grader.reference.cache import ReferenceCache
from grader.settings import SETTINGS, add_pytest_options, execution_settings, resolve

CACHE_FOLDER = "grader-reference"
SHIPPED_ANSWERS = Path("grader") / "reference_answers"  # in a student kit, under its root
_COURSE = pytest.StashKey[Course]()


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "grading PyTorch notebooks")
    group.addoption("--grader-notebooks", metavar="DIR", default=None,
                    help="folder of the notebooks to grade (default: the course's assignments)")
    group.addoption("--grader-solutions", metavar="DIR", default=None,
                    help="folder of the reference solutions (default: the course's solutions)")
    add_pytest_options(group)  # every setting's --grader-KEY (grader/settings.py)
    group.addoption("--grader-cache-dir", metavar="DIR", default=None,
                    help="where reference answers are cached (default: in .pytest_cache)")
    group.addoption("--grader-report", metavar="DIR", default=None,
                    help="write results.json (Gradescope format) into DIR")
    group.addoption("--grader-student", action="store_true",
                    help="a student-facing run: hidden tests are counted, not run or shown")
    group.addoption("--grader-no-cache", action="store_true",
                    help="always execute the reference solutions")
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
    submissions = _folder(option("grader_notebooks"), course.assignments)
    solutions = _folder(option("grader_solutions"), course.solutions)
    cache = _cache_dir(config, course)
    report = option("grader_report")
    # What no kernel may read: the course, the reference, the grader's output and cache.
    protected = tuple(str(p) for p in (course.root, submissions.parent, solutions, cache,
                                       report and Path(report).resolve()) if p)
    values = resolve({s.key: option(f"grader_{s.key}") for s in SETTINGS if s.pytest},
                     course.settings)
    settings = execution_settings(values, warm_kernels=not option("grader_cold_kernels"),
                                  protected=protected)
    return SessionConfig(
        submissions=submissions,
        submitted=files_in(submissions, course.graded_notebooks()),
        solutions=solutions,
        settings=settings,
        cache=ReferenceCache(cache),
        probe_timeout=settings.cell_timeout,
        course_root=course.root,
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
