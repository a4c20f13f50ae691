"""`grader gradebook OUT... [--out DIR]`: merge the outputs of `grader grade` runs (the shards
of a job array) into one gradebook, one set of per-student folders and one class report."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "gradebook", help="merge the OUT folders of several `grader grade` runs (shards)",
        description="Gathers OUT/students/* of every OUT into DIR/students/, writes "
                    "DIR/gradebook.csv and the class report, as one run over the whole class "
                    "would have. A student graded in two OUTs from different inputs stops the "
                    "merge. With one OUT and no --out, rewrites that OUT's gradebook.")
    parser.add_argument("outputs", type=Path, nargs="+", metavar="OUT")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="where to write (default: the first OUT)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from grader.batch.merge import merge_outputs, seed_of
    from grader.reports.class_report.after_batch import report_after_batch

    target = (args.out or args.outputs[0]).resolve()
    records = merge_outputs([out.resolve() for out in args.outputs], target)
    failed = sum(1 for record in records if record.reason)
    print(f"merged {len(records)} students of {len(args.outputs)} outputs into "
          f"{target / 'gradebook.csv'}"
          + (f" ({failed} with a reason instead of a grade)" if failed else ""))
    report_after_batch(target, seed=seed_of(records))
    return 0
