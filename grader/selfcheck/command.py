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

from grader.course import Course, find_course
from grader.daemon import client as daemon
from grader.daemon.client import daemon_enabled
from grader.errors import GraderError, UserError
from grader.plugin.own_process import PLUGIN_ARGS, pytest_environment
from grader.plugin.score_reporter import KIT_ERROR_FILE, NOT_GRADED_FILE
from grader.reports.grade import in_words
from grader.reports.markdown import count, points
from grader.reports.sanitize import clean
from grader.sandbox.policy import MODE_ENV
from grader.selfcheck.locate import assignment_for
from grader.settings import CHECK, add_command_options, from_command, pytest_arguments


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
    notebook: Path = args.notebook.resolve()
    if not notebook.is_file():
        raise UserError(f"{args.notebook} does not exist: give the path of your notebook, "
                        "e.g. `grader check assignments/02_training_loop.ipynb`")
    course = find_course(notebook.parent)
    values = from_command(args, course.settings)
    assignment = assignment_for(notebook, course)
    print(f"Checking {notebook.name} as {assignment}: running it from top to bottom in a fresh "
          "kernel, as the grader will.", flush=True)
    with tempfile.TemporaryDirectory(prefix="grader-check-") as scratch:
        folder = Path(scratch) / "submission"
        folder.mkdir()
        shutil.copy(notebook, folder / assignment)
        solutions = (args.solutions or course.solutions).resolve()
        results = _grade(course, folder, assignment, solutions, Path(scratch) / "report",
                         args.cold, values)
    print(render(results))
    return 0 if results["score"] == sum(t["max_score"] for t in results["tests"]) else 1


def _grade(course: Course, folder: Path, assignment: str, solutions: Path, report: Path,
           cold: bool, values: dict[str, Any]) -> dict[str, Any]:
    tests = [str(path) for path in course.tests_for(assignment)]
    args = [*tests, "-q", "--no-header", *PLUGIN_ARGS, f"--rootdir={course.root}",
            f"--grader-notebooks={folder}", f"--grader-solutions={solutions}",
            f"--grader-report={report}", "--grader-student", *pytest_arguments(values),
            *(["--grader-cold-kernels"] if cold else [])]
    env = {**pytest_environment(), MODE_ENV: values["sandbox"]}  # a daemon per mode
    log = report.parent / "pytest.log"
    code = None if cold or not daemon_enabled() else daemon.run_pytest(args, env, log,
                                                                       course.root)
    if code is None:  # no daemon: this check pays every import itself
        with open(log, "w", encoding="utf-8") as output:
            subprocess.run([sys.executable, "-m", "pytest", *args], cwd=course.root, env=env,
                           stdout=output, stderr=subprocess.STDOUT)
    results_file = report / "results.json"
    if not results_file.exists():
        said = [report / name for name in (KIT_ERROR_FILE, NOT_GRADED_FILE)
                if (report / name).exists()]
        if said:  # the grading process said why itself: that message has its own advice
            raise GraderError(said[0].read_text(encoding="utf-8", errors="replace"))
        tail = log.read_text(encoding="utf-8", errors="replace")[-4000:] if log.exists() else ""
        # The grading process itself died: forked from the daemon, `--cold` avoids that path.
        advice = "Send this output to your TA." if cold else (
            "Try again with `grader check --cold`; if that fails too, send this output to "
            "your TA.")
        raise GraderError(f"grading stopped before it wrote a result (pytest's output is "
                          f"below). {advice}\n{tail}")
    return json.loads(results_file.read_text(encoding="utf-8"))


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
