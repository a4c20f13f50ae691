"""`grader report OUT`: rebuild the class report from the records of a `grader grade` run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "report", help="rebuild the class report of a graded class (OUT/report.html)",
        description="Read the records `grader grade` left in OUT (students/*/grade.json and "
                    "own-code.json) and write OUT/report.html, OUT/report.md, the figures in "
                    "OUT/report/, OUT/similarity.csv and each student's feedback.html, without "
                    "grading anyone again.")
    parser.add_argument("out", type=Path, metavar="OUT")
    parser.add_argument("--seed", type=int, default=None,
                        help="the seed of the run, shown when the results do not name theirs "
                             "(default: the kit's default seed)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from grader.reports.class_report import write_class_report
    from grader.reports.class_report.words import count

    if not (args.out / "students").is_dir():
        print(f"grader report: {args.out} holds no graded class (no students/ folder): give "
              "the --out folder of `grader grade`", file=sys.stderr)
        return 2
    report = write_class_report(args.out.resolve(), seed=args.seed)
    flagged = sum(len(a.flagged) for a in report.similar.assignments)
    print(f"wrote {report.html}, {report.markdown} and {count(len(report.figures), 'figure')} "
          f"in {report.html.parent / 'report'}; {report.similarity} "
          f"({count(flagged, 'pair')} of similar code flagged)")
    return 0
