"""`grader init DIR` and `grader new NN_name`: make a course, add an assignment."""

from __future__ import annotations

import argparse
from pathlib import Path

from grader.course.find import find_course


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    init = commands.add_parser(
        "init", help="make a new course in DIR, with a first assignment",
        description="Writes a course folder: pyproject.toml with [tool.grader], a students' "
                    "README, solutions/, assignments/, grader/ (the tests), a GitHub Actions "
                    "workflow that grades pull requests, and a first assignment, 01_example.")
    init.add_argument("folder", type=Path, metavar="DIR")
    init.set_defaults(run=run_init)
    new = commands.add_parser(
        "new", help="add an assignment to the course: solution, tests and template",
        description="Writes solutions/NAME.ipynb (answer markers, stable cell ids), its test "
                    "module and its student template, a small working example to replace "
                    "with your own. Run it in the course's folder.")
    new.add_argument("name", metavar="NN_name", help="e.g. 03_gradient_descent")
    new.set_defaults(run=run_new)


def run_init(args: argparse.Namespace) -> int:
    from grader.authoring.new_course import FIRST, new_course

    folder = new_course(args.folder)
    print(f"made the course {folder} with a first assignment, {FIRST}:\n"
          f"  cd {folder}\n"
          f"  grader check solutions/{FIRST}.ipynb     # full marks\n"
          f"  grader check assignments/{FIRST}.ipynb   # the template: zero\n"
          "  grader new 02_your_topic                  # the next assignment\n"
          "Students install the kit from the course's kit/ folder, as its README.md says.")
    return 0


def run_new(args: argparse.Namespace) -> int:
    from grader.authoring.new_assignment import new_assignment

    made = new_assignment(find_course(kit_fallback=False), args.name)
    print(f"wrote {made.solution} (the solution: edit it, keep the answer markers),\n"
          f"      {made.tests} (its tests),\n"
          f"      {made.template} (the template: `grader release` rewrites it)")
    return 0
