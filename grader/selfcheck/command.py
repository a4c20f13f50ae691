"""`grader check`: grade one notebook (fresh kernel, top to bottom) and print each verdict."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from grader.course import Course
from grader.daemon import client as daemon
from grader.daemon.client import daemon_enabled
from grader.errors import GraderError, UserError
from grader.plugin.own_process import PLUGIN_ARGS, pytest_environment
from grader.plugin.score_reporter import KIT_ERROR_FILE, NOT_GRADED_FILE
from grader.reports.grade import in_words
from grader.reports.markdown import count, points
from grader.reports.sanitize import clean
from grader.sandbox.policy import MODE_ENV, OFF
from grader.selfcheck.locate import assignment_for
from grader.selfcheck.notebook import course_for, readable, unreadable_reason
from grader.settings import CHECK, add_command_options, from_command, pytest_arguments

LOG_TAIL = 4000  # characters of pytest's output quoted when grading could not finish


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "check", help="grade one notebook and show every test's verdict",
        description="Runs the notebook from top to bottom in a fresh kernel, exactly as the "
                    "grader will, so results may differ from your live kernel if you ran cells "
                    "out of order. Save the notebook first.")
    parser.add_argument("notebook", type=Path, help="the notebook to check")
    parser.add_argument("--solutions", type=Path, default=None, metavar="DIR",
                        help="folder of the reference solutions (default: the course's)")
    parser.add_argument("--cold", action="store_true",
                        help="no daemon, and a kernel started from scratch instead of forked "
                             "from a pre-imported process (slower; for comparison)")
    add_command_options(parser, CHECK)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    notebook = readable(args.notebook)
    course = course_for(notebook)
    values = from_command(args, course.settings)
    assignment = assignment_for(notebook, course)
    problem = unreadable_reason(notebook)
    if problem:
        raise UserError(problem)
    print(f"Checking {notebook.name} as {assignment}: running it from top to bottom in a fresh "
          "kernel, as the grader will.", flush=True)
    with tempfile.TemporaryDirectory(prefix="grader-check-") as scratch:
        folder = Path(scratch) / "submission"
        folder.mkdir()
        shutil.copy(notebook, folder / assignment)
        solutions = (args.solutions or course.solutions).resolve()
        results = _grade(course, folder, assignment, solutions, Path(scratch), args.cold,
                         values)
    print(render(results))
    return 0 if results["score"] == sum(t["max_score"] for t in results["tests"]) else 1


def _grade(course: Course, folder: Path, assignment: str, solutions: Path, scratch: Path,
           cold: bool, values: dict[str, Any]) -> dict[str, Any]:
    """The run's results.json. A warm run that ends without one is tried once cold (no
    daemon, no fork server): what is left of a failure then is not the warm machinery's."""
    report = scratch / "report"
    done = _pytest(course, folder, assignment, solutions, report, cold, values)
    if done is None and not cold:
        report = scratch / "report-cold"
        done = _pytest(course, folder, assignment, solutions, report, True, values)
    if done is None:
        raise CheckFailed(_not_graded(report, values))
    return done


class CheckFailed(GraderError):
    """The check could not grade (warm, then cold): its message quotes the kit's own error,
    which already says it is the kit's."""

    def __str__(self) -> str:
        return str(self.args[0])


def _pytest(course: Course, folder: Path, assignment: str, solutions: Path, report: Path,
            cold: bool, values: dict[str, Any]) -> dict[str, Any] | None:
    tests = [str(path) for path in course.tests_for(assignment)]
    args = [*tests, "-q", "--no-header", *PLUGIN_ARGS, f"--rootdir={course.root}",
            f"--grader-notebooks={folder}", f"--grader-solutions={solutions}",
            f"--grader-report={report}", "--grader-student", *pytest_arguments(values),
            *(["--grader-cold-kernels"] if cold else [])]
    env = {**pytest_environment(), MODE_ENV: values["sandbox"]}  # a daemon per mode
    report.mkdir(parents=True, exist_ok=True)
    log = report / "pytest.log"
    code = None if cold or not daemon_enabled() else daemon.run_pytest(args, env, log,
                                                                       course.root)
    if code is None:  # no daemon: this check pays every import itself
        with open(log, "w", encoding="utf-8") as output:
            subprocess.run([sys.executable, "-m", "pytest", *args], cwd=course.root, env=env,
                           stdout=output, stderr=subprocess.STDOUT)
    results_file = report / "results.json"
    if not results_file.exists():
        return None
    return json.loads(results_file.read_text(encoding="utf-8"))


def _not_graded(report: Path, values: dict[str, Any]) -> str:
    """Why a check (warm, then cold) could not grade: the kit's own error when it named one,
    else the end of pytest's output; what a student can do meanwhile."""
    said = [report / name for name in (KIT_ERROR_FILE, NOT_GRADED_FILE)
            if (report / name).exists()]
    log = report / "pytest.log"
    if said:  # the grading process said why itself (a kernel that could not start, ...)
        why = said[0].read_text(encoding="utf-8", errors="replace").strip()
    else:
        why = "grading stopped before it wrote a result; pytest's output ends with:\n" + (
            log.read_text(encoding="utf-8", errors="replace")[-LOG_TAIL:] if log.exists()
            else "(nothing)")
    advice = "Send this message to your TA."
    if values["sandbox"] != OFF:
        advice += (" Meanwhile, `grader check --sandbox off NOTEBOOK` checks your own notebook "
                   "without the sandbox (never use it for someone else's).")
    return f"your notebook could not be graded: {why}\n{advice}"


def render(results: dict[str, Any]) -> str:
    lines = []
    for test in results["tests"]:
        mark = "passed" if test["status"] == "passed" else "FAILED"
        name = clean((test.get("extra_data") or {}).get("title") or in_words(
            test["name"].partition(": ")[2]), 200)
        lines.append(f"  {mark}  {test['score']:g}/{test['max_score']:g}  {name}")
        if test["status"] != "passed" and test["output"]:
            lines += [f"            {line}" for line in test["output"].splitlines()]
    possible = sum(t["max_score"] for t in results["tests"])
    lines.append(f"Score: {results['score']:g} / {possible:g}")
    hidden = results.get("extra_data", {})
    if hidden.get("hidden_tests_not_run"):
        lines.append(f"Not run here: {count(hidden['hidden_tests_not_run'], 'hidden test')} "
                     f"worth {points(hidden['hidden_points_not_run'])}; the grader runs "
                     f"{'it' if hidden['hidden_tests_not_run'] == 1 else 'them'} after you "
                     "submit.")
    return "\n".join(lines)
