"""`grader export canvas|moodle OUT --roster ROSTER.csv`: grades into an LMS's gradebook."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grader.errors import UserError
from grader.export.grades import class_grades
from grader.export.layouts import LAYOUTS
from grader.export.roster import match_students, read_roster
from grader.export.writing import Export, gradebook_rows, problems, write_csv


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "export", help="write the grades of a graded class as Canvas's or Moodle's import CSV",
        description="Read the records `grader grade` left in OUT, match each student's folder "
                    "to the roster (by id, login, username or email) and write the CSV the LMS "
                    "imports (default OUT/LMS.csv). Students it cannot place are printed and "
                    "written to OUT/LMS-unmatched.csv; their scores are never guessed.")
    parser.add_argument("lms", choices=sorted(LAYOUTS))
    parser.add_argument("out", type=Path, metavar="OUT")
    parser.add_argument("--roster", type=Path, required=True, metavar="ROSTER.csv",
                        help="the course's roster: the LMS's own gradebook export, or any CSV "
                             "with a header and an id, login or email column")
    parser.add_argument("--output", type=Path, default=None, metavar="FILE.csv",
                        help="where to write the gradebook (default: OUT/LMS.csv)")
    parser.add_argument("--column", action="append", default=[], metavar="ASSIGNMENT=TITLE",
                        help="the LMS's name for an assignment's column, e.g. "
                             "02_name='Lab 2 (4521)' (repeatable)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not (args.out / "students").is_dir():
        print(f"grader export: {args.out} holds no graded class (no students/ folder): give "
              "the --out folder of `grader grade`", file=sys.stderr)
        return 2
    titles = dict(_title(spec) for spec in args.column)
    exported = export(args.lms, args.out, args.roster, args.output, titles)
    for problem in exported.problems:
        print(f"grader export: {problem.student}: {problem.problem}", file=sys.stderr)
    print(f"wrote {exported.path}: {exported.scored} of {exported.rows} roster students with "
          f"points" + (f"; {len(exported.problems)} to look at in {exported.unmatched_path}"
                       if exported.problems else ""))
    return 0


def export(lms: str, out: Path, roster_path: Path, output: Path | None = None,
           titles: dict[str, str] | None = None) -> Export:
    layout = LAYOUTS[lms]
    grades = class_grades(out)
    roster = read_roster(roster_path)
    matching = match_students(grades.students, roster)
    path = output or out / f"{lms}.csv"
    rows = gradebook_rows(layout, grades, matching, roster, titles or {})
    write_csv(path, rows)
    found = problems(layout, grades, matching)
    unmatched = path.with_name(f"{path.stem}-unmatched.csv")
    write_csv(unmatched, [["student", "problem"], *([p.student, p.problem] for p in found)])
    scored = sum(1 for s in matching.matched if s in grades.points)
    return Export(path, unmatched, len(roster.rows), scored, found)


def _title(spec: str) -> tuple[str, str]:
    assignment, equals, title = spec.partition("=")
    if not equals or not assignment.strip() or not title.strip():
        raise UserError(f"--column {spec!r}: write ASSIGNMENT=TITLE, e.g. "
                        "02_name='Lab 2 (4521)'")
    return assignment.strip().removesuffix(".ipynb"), title.strip()

