"""`grader release`: the command-line face of the release step."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader.course import Course, CourseNotFound, find_course
from grader.course.template_error import ReleaseError
from grader.release.writing import ReleaseOutcome, TemplateStatus, release


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "release",
        help="write student templates from the solution notebooks",
        description="Clear the solutions (### BEGIN SOLUTION ... ### END SOLUTION, or whole "
                    "cells tagged `solution`) and the outputs of every solutions/*.ipynb, "
                    "and write the result to assignments/ under the same name.",
    )
    parser.add_argument("--solutions", type=Path, default=None, metavar="DIR",
                        help="folder of the solution notebooks (default: the course's, or "
                             "./solutions)")
    parser.add_argument("--assignments", type=Path, default=None, metavar="DIR",
                        help="folder of the student templates (default: the course's, or "
                             "./assignments)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a template is missing or out of date")
    parser.add_argument("--student-kit", type=Path, default=None, metavar="DIR",
                        help="also write a copy of the kit for students to DIR: templates and "
                             "public tests with their reference answers; no solutions, no "
                             "hidden tests")
    parser.add_argument("--gradescope", type=Path, default=None, metavar="FILE.zip",
                        help="also write the course's Gradescope autograder to FILE.zip "
                             "(setup.sh, run_autograder, the tests and the solutions)")
    parser.add_argument("--gradescope-assignment", action="append", default=[],
                        metavar="NAME", help="put only this assignment in the autograder "
                                             "(repeatable; default: all)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    course = _course_here()
    args.solutions = args.solutions or (course.solutions if course else Path("solutions"))
    args.assignments = args.assignments or (course.assignments if course else Path("assignments"))
    if args.student_kit and course is None:
        raise CourseNotFound("the student kit is made from a course: run this in the course's "
                             "folder (one whose pyproject.toml has a [tool.grader] table)")
    try:
        outcomes = release(args.solutions, args.assignments, check=args.check)
    except ReleaseError as exc:
        print(f"grader release: error: {exc.message}\nNo template was written.", file=sys.stderr)
        return 2
    for outcome in outcomes:
        print(describe(outcome))
    if args.student_kit and not args.check and course is not None:
        from grader.release.student_kit import build_student_kit  # imports torch: only here

        kit = build_student_kit(args.student_kit, course, args.solutions.resolve())
        print(f"wrote the student kit to {kit}: push it as the course's template repository")
    if args.gradescope and not args.check:
        _write_gradescope(args, course)
    return 0 if all(outcome.up_to_date for outcome in outcomes) else 1


def _write_gradescope(args: argparse.Namespace, course: Course | None) -> None:
    from grader.release.gradescope import build_gradescope_zip

    if course is None:
        raise CourseNotFound("the Gradescope autograder is made from a course: run this in the "
                             "course's folder (one whose pyproject.toml has [tool.grader])")
    built = build_gradescope_zip(args.gradescope, course, args.gradescope_assignment)
    print(f"wrote the Gradescope autograder to {built.path} ({', '.join(built.assignments)}): "
          "upload it under Configure Autograder")


def _course_here() -> Course | None:
    """The course of the working directory, if it is in one (else ./solutions is released)."""
    try:
        return find_course(kit_fallback=False)
    except CourseNotFound:
        return None


def describe(outcome: ReleaseOutcome) -> str:
    template = outcome.template
    cleared = f"{template.answer_cells} answer cell{'s' * (template.answer_cells != 1)}"
    if outcome.status is TemplateStatus.WRITTEN:
        return f"wrote {template.target} from {template.solution} ({cleared} cleared)"
    if outcome.status is TemplateStatus.UNCHANGED:
        return f"up to date: {template.target} ({cleared} cleared)"
    if outcome.status is TemplateStatus.MISSING:
        return f"missing: {template.target}; run `grader release` to write it"
    return (f"out of date: {template.target} differs from the template of "
            f"{template.solution}; run `grader release` to rewrite it")
