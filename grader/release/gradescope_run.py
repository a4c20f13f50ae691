"""What the Gradescope autograder runs (`python -m grader.release.gradescope_run`), with the
zip's copy of the kit first on the path:

- for each submission (run_autograder): the submitted notebooks, wherever they are in
  /autograder/submission, are matched to the course's assignments by name or number, copied to
  a scratch folder and graded by pytest with the course's tests, hidden ones included; the
  run's results.json becomes Gradescope's (gradescope_results.py) in
  /autograder/results/results.json. Whatever happens, a results.json is written: a submission
  that cannot be graded gets one that says why.
- once, at setup (`--check-solutions`): the solutions are graded as a submission; they must
  get full marks, and their answers stay cached for every submission.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.course.config import HIDDEN_SUFFIX
from grader.course.matching import is_notebook, match_notebooks
from grader.execution.loading import NOTEBOOK_LIMIT
from grader.plugin.own_process import PLUGIN_ARGS, pytest_environment
from grader.release.gradescope import MANIFEST
from grader.release.gradescope_results import failure_results, gradescope_results
from grader.reports.sanitize import clean_name
from grader.submissions.submitted import LINK, SubmittedNotebook, lay_out, link_message
from grader.submissions.unfollowed import CUT, look, walk

DEFAULT_ROOT = "/autograder"
ROOT_ENV = "AUTOGRADER_ROOT"
CACHE = "reference-cache"
OUTPUT_TAIL = 4000  # characters of pytest's output printed (for the instructor) on a failure


@dataclass(frozen=True)
class Autograder:
    root: Path  # /autograder
    course: Path  # /autograder/source/course
    tests: Path
    solutions: Path
    assignments: list[str]

    @classmethod
    def at(cls, root: Path) -> Autograder:
        source = root / "source"
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
        course = source / manifest["course"]
        return cls(root, course, course / manifest["tests"], course / manifest["solutions"],
                   list(manifest["assignments"]))

    @property
    def cache(self) -> Path:
        return self.root / "source" / CACHE

    def test_files(self, assignments: list[str]) -> list[Path]:
        return [path for name in assignments
                for path in (self.tests / f"test_{name}.py",
                             self.tests / f"test_{name}{HIDDEN_SUFFIX}.py") if path.is_file()]


@dataclass(frozen=True)
class Submitted:
    notebooks: dict[str, Path]  # assignment -> the submitted notebook graded as it
    notes: list[str]  # what the student should know about how their files were read


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gradescope_run")
    parser.add_argument("--root", type=Path,
                        default=Path(os.environ.get(ROOT_ENV) or DEFAULT_ROOT))
    parser.add_argument("--check-solutions", action="store_true",
                        help="grade the solutions once (setup): they must get full marks")
    args = parser.parse_args(argv)
    autograder = Autograder.at(args.root.resolve())
    if args.check_solutions:
        return check_solutions(autograder)
    started = time.monotonic()
    try:
        results = grade_submission(autograder, autograder.root / "submission")
    except Exception as exc:  # the student still gets a result that says what happened
        print(f"the autograder failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        results = failure_results("The autograder could not grade this submission because of "
                                  "an error of the autograder itself, not of your notebook. "
                                  "Your course staff can see what happened.",
                                  time.monotonic() - started)
    target = autograder.root / "results" / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(results["output"])
    return 0


def grade_submission(autograder: Autograder, submission: Path) -> dict[str, Any]:
    started = time.monotonic()
    submitted = find_notebooks(submission, autograder.assignments)
    # Grade what was submitted; with nothing recognised, every assignment of the autograder
    # (each test then says which notebook it did not find).
    assignments = sorted(submitted.notebooks) or autograder.assignments
    with tempfile.TemporaryDirectory(prefix="grader-gradescope-") as scratch:
        notebooks = Path(scratch) / "notebooks"
        notebooks.mkdir()
        for assignment, path in submitted.notebooks.items():  # read as data: no link followed
            found = look(submission, path.relative_to(submission).as_posix(),
                         read=NOTEBOOK_LIMIT + 1)
            lay_out(SubmittedNotebook(f"{assignment}.ipynb", found.kind, found.content),
                    notebooks)
        results = run_pytest(autograder, assignments, notebooks, Path(scratch) / "report")
    if results is None:
        return failure_results("The autograder could not grade this submission: the grading "
                               "run stopped before it reported. Your course staff can see "
                               "its output.", time.monotonic() - started)
    return gradescope_results(results, submitted.notes, time.monotonic() - started)


def find_notebooks(submission: Path, assignments: list[str]) -> Submitted:
    """The submitted notebook for each assignment, wherever it lies in the submission, by the
    rule every command uses (grader/course/matching.py: the name, a copy's name such as
    "02_training_loop (1).ipynb", the number; for an autograder of one assignment, a
    submission's only notebook whatever its name). Links are never followed: a link could
    name any file of the autograder, the solutions included."""
    notes: list[str] = []
    paths: dict[str, Path] = {}
    for relative, found in walk(submission):  # links, to files or folders, never entered
        path = submission / relative
        shown = path.relative_to(submission).as_posix()
        if found.kind == LINK:
            notes.append(f"{link_message(_shown(path, submission))}.")
            continue
        if found.kind == CUT:
            notes.append(f"The submission holds more files or deeper folders than the grader "
                         f"looks through: nothing from {_shown(path, submission)} on was looked "
                         "at.")
            break
        if not is_notebook(shown):
            continue
        paths[shown] = path
    matching = match_notebooks(paths, [f"{name}.ipynb" for name in assignments])
    notes += [clean_name(note) for note in matching.notes()]
    notes += [f"{clean_name(path)} is not one of this assignment's notebooks "
              f"({', '.join(f'{a}.ipynb' for a in assignments)}): not graded."
              for path in matching.unmatched]
    chosen = {Path(assignment).stem: paths[path] for assignment, path in matching.chosen.items()}
    return Submitted(chosen, notes)


def _shown(path: Path, submission: Path) -> str:
    return clean_name(path.relative_to(submission).as_posix())


def run_pytest(autograder: Autograder, assignments: list[str], notebooks: Path,
               report: Path) -> dict[str, Any] | None:
    """The course's tests of `assignments` on `notebooks`; the run's results.json, or None
    (with pytest's output on stderr, which Gradescope shows the instructor only)."""
    command = [
        sys.executable, "-m", "pytest", *map(str, autograder.test_files(assignments)),
        "-q", "--no-header", *PLUGIN_ARGS, "-p", "no:cacheprovider",
        f"--rootdir={autograder.course}", f"--grader-notebooks={notebooks}",
        f"--grader-solutions={autograder.solutions}", f"--grader-report={report}",
        f"--grader-cache-dir={autograder.cache}",
    ]
    env = pytest_environment()
    env["GRADER_COURSE"] = str(autograder.course)
    done = subprocess.run(command, cwd=autograder.course, env=env, capture_output=True,
                          text=True)
    print(done.stdout[-OUTPUT_TAIL:], file=sys.stderr)
    results_file = report / "results.json"
    if done.returncode not in (0, 1) or not results_file.exists():
        print(f"pytest exit code {done.returncode}:\n{done.stderr[-OUTPUT_TAIL:]}",
              file=sys.stderr)
        return None
    return json.loads(results_file.read_text(encoding="utf-8"))


def check_solutions(autograder: Autograder) -> int:
    """Grade the solutions like a submission: they must pass every test (setup stops if not,
    saying whether they failed tests or could not be graded at all)."""
    results = grade_submission(autograder, autograder.solutions)
    if (results.get("extra_data") or {}).get("graded") is False:
        print("setup could not grade the solutions, so it could not grade any submission "
              "either: the grading run stopped before it reported (pytest's output is above). "
              "Nothing is wrong with the solutions that this shows; fix what the output names "
              "(an install, the course's tests), then build the autograder again.",
              file=sys.stderr)
        return 1
    if not results["tests"]:
        print(f"setup found no test of {', '.join(autograder.assignments)} in "
              f"{autograder.tests}: the autograder would give every submission 0 of 0. Add "
              "the assignments' test modules (test_NN_name.py) to the course, then build the "
              "autograder again.", file=sys.stderr)
        return 1
    failed = [t["name"] for t in results["tests"] if t["status"] != "passed"]
    possible = sum(t["max_score"] for t in results["tests"])
    if failed:
        print(f"the solutions do not pass their own tests ({results['score']:g}/{possible:g}):"
              f" {', '.join(failed)}\n{results['output']}", file=sys.stderr)
        return 1
    print(f"the solutions pass all {len(results['tests'])} tests ({possible:g} points); their "
          f"answers are cached in {autograder.cache}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
