"""`grader grade SUBMISSIONS --out OUT`: the class gradebook."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from grader.batch.shards import parse_shard
from grader.course import find_course
from grader.errors import UserError
from grader.records import StudentRecord
from grader.settings import GRADE, add_command_options, from_command

if TYPE_CHECKING:  # the commands' module is imported at every start: nothing heavy at once
    from grader.executors.one_student import BatchSettings
    from grader.executors.protocol import Executor


REFERENCE_CACHE = "reference-cache"  # under OUT: the reference solutions' answers


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "grade", help="grade a whole class into OUT/gradebook.csv",
        description="SUBMISSIONS holds one folder per student: the notebooks directly, or a "
                    "cloned repository with assignments/ inside. Each finished student is kept: "
                    "run again after an interruption to grade the rest.")
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS",
                        help="the class: one folder per student, named as the student")
    parser.add_argument("--out", type=Path, required=True, metavar="OUT",
                        help="where the gradebook, the class report and each student's records "
                             "go (outside SUBMISSIONS); the same OUT again resumes")
    parser.add_argument("-j", "--jobs", type=int, default=0,
                        help="students graded at once (default: the machine's cores)")
    parser.add_argument("--force", action="store_true", help="regrade students already graded")
    parser.add_argument("--solutions", type=Path, default=None, metavar="DIR",
                        help="the reference solutions (default: the course's)")
    parser.add_argument("--assignment", action="append", default=[], metavar="NAME",
                        help="grade only this assignment (repeatable), e.g. 02_name")
    parser.add_argument("--cold", action="store_true",
                        help="a fresh pytest process per student and every kernel started from "
                             "scratch, instead of forked from pre-imported processes (slower; "
                             "for comparison)")
    parser.add_argument("--shard", default=None, metavar="I/N",
                        help="grade only the I-th of N slices of the class (a job array's "
                             "index and size; a student's slice depends on their name only); "
                             "merge the slices' OUT folders with `grader gradebook`")
    parser.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                        help="grade on a Dask cluster, one task per student (needs "
                             "torch-grader[dask] here and on the workers, with the course at "
                             "the same path or at $GRADER_COURSE there)")
    add_command_options(parser, GRADE)  # --seed, --timeout, --sandbox, --budget, ...
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    submissions, out = _check_folders(args.submissions, args.out)
    course = find_course()
    shard = parse_shard(args.shard) if args.shard else None
    values = from_command(args, course.settings)
    if not args.cold:
        from grader.preforked.forked_pytest import single_threaded_env

        single_threaded_env()  # before numpy is imported: the batch forks its grading processes
    from grader.batch.run import grade_class
    from grader.executors.one_student import BatchSettings

    solutions = (args.solutions or course.solutions).resolve()
    settings = BatchSettings(course=course, out=out, solutions=solutions, values=values,
                             cache=out / REFERENCE_CACHE,
                             assignments=tuple(args.assignment), warm=not args.cold)
    try:
        done = grade_class(submissions, settings, _executor(args, settings), args.force, shard)
    except KeyboardInterrupt:
        return 130
    print(_outcome(done.records, done.graded, shard, out))
    from grader.reports.class_report.after_batch import report_after_batch

    report_after_batch(out, seed=values["seed"])  # report.html, .md, report/
    return 0


def _executor(args: argparse.Namespace, settings: BatchSettings) -> Executor:
    """Where the students are graded: a Dask cluster with --scheduler, else this machine."""
    if args.scheduler:
        from grader.cluster.client import DaskExecutor

        return DaskExecutor(settings, args.scheduler)
    from grader.executors.local import LocalExecutor

    return LocalExecutor(settings, args.jobs)


def _check_folders(submissions: Path, out: Path) -> tuple[Path, Path]:
    """The submissions and the output folder, resolved, or a UserError saying what is wrong
    before anything is graded or written."""
    from grader.submissions.students import find_students

    if not submissions.is_dir():
        raise UserError(f"{submissions} is not a folder of student submissions (one folder per "
                        "student, each with the student's notebooks)")
    submissions, out = submissions.resolve(), out.resolve()
    if out.is_relative_to(submissions):
        raise UserError(f"--out {out} is inside the submissions folder {submissions}: the next "
                        "run would grade it as a student. Write the grades outside it, e.g. "
                        f"--out {submissions.parent / 'grades'}")
    if not find_students(submissions):
        raise UserError(f"{submissions} holds no student folder: put each student's notebooks "
                        f"in a folder of their own, e.g. {submissions / 'alice'}/, then run "
                        "this again. Nobody was graded.")
    return submissions, out


def _outcome(records: list[StudentRecord], graded: int, shard: object, out: Path) -> str:
    """What the run did, in one line: who was graded now, who was kept, who has no grade."""
    which = f" (shard {shard})" if shard else ""
    kept = len(records) - graded
    failed = sum(1 for record in records if record.reason)
    now = f"graded {graded} student{'s' * (graded != 1)}{which}"
    if kept:
        now += (f", kept {kept} graded before from the same inputs"
                if graded else f": all {kept} were graded before from the same notebooks, "
                               "tests and settings (--force regrades them)")
    return (f"{now}; gradebook of {len(records)} in {out / 'gradebook.csv'}"
            + (f" ({failed} with a reason instead of a grade)" if failed else ""))
