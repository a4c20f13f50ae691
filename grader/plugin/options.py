"""Command-line options, all prefixed --grader-, and the settings they make."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.execution.settings import DEFAULT_SEED, ExecutionSettings
from grader.grading.session import SessionConfig
from grader.reference.cache import ReferenceCache
from grader.sandbox.policy import AUTO, MODE_ENV, MODES

CACHE_FOLDER = "grader-reference"


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "grading PyTorch notebooks")
    group.addoption("--grader-notebooks", metavar="DIR", default=None,
                    help="folder of the notebooks to grade (default: assignments/ of the project)")
    group.addoption("--grader-solutions", metavar="DIR", default=None,
                    help="folder of the reference solutions (default: solutions/ of the project)")
    group.addoption("--grader-seed", type=int, default=DEFAULT_SEED, metavar="N",
                    help=f"seed for torch, numpy and random before the first cell "
                         f"(default {DEFAULT_SEED})")
    group.addoption("--grader-timeout", type=float, default=ExecutionSettings.cell_timeout,
                    metavar="SECONDS", help="time limit for one cell or one probe")
    group.addoption("--grader-notebook-budget", type=float,
                    default=ExecutionSettings.notebook_budget, metavar="SECONDS",
                    help="time limit for a whole notebook")
    group.addoption("--grader-memory-limit", type=int, default=ExecutionSettings.memory_limit_mb,
                    metavar="MB", help="memory cap of each kernel (0: none)")
    group.addoption("--grader-cache-dir", metavar="DIR", default=None,
                    help="where reference answers are cached (default: in .pytest_cache)")
    group.addoption("--grader-report", metavar="DIR", default=None,
                    help="write results.json (Gradescope format) into DIR")
    group.addoption("--grader-student", action="store_true",
                    help="a student-facing run: hidden tests are counted, not run or shown")
    group.addoption("--grader-no-cache", action="store_true",
                    help="always execute the reference solutions")
    group.addoption("--grader-sandbox", choices=MODES,
                    default=os.environ.get(MODE_ENV) or AUTO,
                    help="the sandbox around every kernel: auto (every layer this machine "
                         "allows), strict (refuse to grade without all of them), off "
                         f"(default: auto, or ${MODE_ENV})")
    group.addoption("--grader-probe-budget", type=float,
                    default=ExecutionSettings.probe_budget, metavar="SECONDS",
                    help="time limit for all the grader's calls into one notebook together")
    group.addoption("--grader-cold-kernels", action="store_true",
                    help="start every kernel from scratch instead of forking it from a "
                         "pre-imported fork server (slower; for comparison)")


def session_config(config: pytest.Config) -> SessionConfig:
    option = config.getoption
    root = Path(config.rootpath)
    submissions = _folder(option("grader_notebooks"), root / "assignments")
    solutions = _folder(option("grader_solutions"), root / "solutions")
    cache = _cache_dir(config)
    report = option("grader_report")
    # What no kernel may read: the course, the reference, the grader's output and cache.
    protected = tuple(str(p) for p in (root, submissions.parent, solutions, cache,
                                       report and Path(report).resolve()) if p)
    settings = ExecutionSettings(
        seed=option("grader_seed"),
        cell_timeout=option("grader_timeout"),
        notebook_budget=option("grader_notebook_budget"),
        probe_budget=option("grader_probe_budget"),
        memory_limit_mb=option("grader_memory_limit") or None,
        warm_kernels=not option("grader_cold_kernels"),
        sandbox=option("grader_sandbox"),
        protected=protected,
    )
    return SessionConfig(
        submissions=submissions,
        solutions=solutions,
        settings=settings,
        cache=ReferenceCache(cache),
        probe_timeout=settings.cell_timeout,
    )


def _folder(given: str | None, default: Path) -> Path:
    return Path(given).resolve() if given else default


def _cache_dir(config: pytest.Config) -> Path | None:
    if config.getoption("grader_no_cache"):
        return None
    if config.getoption("grader_cache_dir"):
        return Path(config.getoption("grader_cache_dir")).resolve()
    shipped = Path(config.rootpath) / "grader" / "reference_answers"
    if shipped.is_dir():  # a student kit: the reference's answers instead of its solutions
        return shipped
    cache = getattr(config, "cache", None)
    return Path(cache.mkdir(CACHE_FOLDER)) if cache is not None else None
