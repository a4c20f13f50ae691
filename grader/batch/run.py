"""A class run: plan, check the reference, grade through an executor, record, book.

The one path of `grader grade`, whichever executor the command chose (this machine's processes
or a Dask cluster: grader/executors/): the run plans once (who is graded, from which inputs),
checks the reference solutions once (preflight.py: a setup problem stops the run before anyone
is recorded), asks the executor to grade the students to do, and writes each record as it
arrives, then the gradebook. It is the only writer of records: a student whose record exists
is done, whatever happens to the run afterwards (Ctrl-C, kill -9), and the same command
resumes. An error of the kit while a student is graded stops the run, that student
unrecorded (the next run grades them): nobody gets points that depend on the kit.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from grader.batch.live_book import LiveBook
from grader.batch.plan import plan_class
from grader.batch.preflight import check_reference_once
from grader.batch.progress import Progress
from grader.batch.shards import Shard
from grader.errors import GraderError
from grader.executors.inputs import as_read
from grader.executors.one_student import BatchSettings
from grader.executors.protocol import Executor, KitFailure
from grader.profiling import spans
from grader.profiling.class_profile import write_class_profile
from grader.records import RECORD, StudentRecord, student_folder, write_record
from grader.similarity.saved import OWN_CODE

FIRST_STUDENT = "before the first student (from the command's start)"  # in OUT/profile.md


@dataclass(frozen=True)
class ClassRun:
    records: list[StudentRecord]  # every student of the run (of its shard) with a record
    graded: int  # students graded by this run (the others were kept from an earlier one)


def grade_class(submissions: Path, settings: BatchSettings, executor: Executor,
                force: bool = False, shard: Shard | None = None) -> ClassRun:
    started = time.monotonic()
    profile = spans.start() if settings.values.get("profile") else None
    with spans.span("planning (digests of the inputs)"):
        plan = plan_class(submissions, settings, force, shard)
    progress = Progress(len(plan.students), len(plan.students) - len(plan.todo))
    plan.announce()
    for record in plan.ungraded:  # nothing of theirs to grade (a link)
        _record_ungraded(settings, record)
    book = LiveBook(settings, plan.students, _names(settings))
    graded: dict[Path, float] = {}  # the student's folder -> seconds, for the profile
    if plan.todo:
        start = executor.prepare(progress)
        with spans.span("reference check"):
            check_reference_once(settings, progress, plan.shared, start)
        _mark_first_student()
        try:
            outcomes = executor.grade(plan.todo, plan.shared, progress)
            with contextlib.closing(outcomes):  # stops what still runs when the run stops
                for outcome in outcomes:
                    if isinstance(outcome, KitFailure):
                        raise GraderError(
                            f"grading stopped while grading {outcome.student} "
                            f"({outcome.reason}). Students graded so far are kept: fix the "
                            "cause and run the same command again")
                    inputs = as_read(plan.inputs[outcome.student], outcome.notebooks_read)
                    record = dataclasses.replace(outcome, inputs=inputs)
                    folder = student_folder(settings.out, record.student)
                    write_record(folder, record)  # last, atomically: the student is done
                    graded[folder] = record.seconds
                    progress.advance(record.student, summary(record))
                    with spans.span("gradebook writing"):
                        book.finished(record)
        except KeyboardInterrupt:
            print(f"\ninterrupted: {progress.done} of {len(plan.students)} students graded "
                  "and kept; run the same command again to grade the rest", file=sys.stderr)
            raise
    with spans.span("gradebook writing"):
        records = book.write_from_files()
    if profile is not None:
        spans.stop()
        write_class_profile(settings.out, graded, profile, time.monotonic() - started)
    return ClassRun(records, len(plan.todo))


def summary(record: StudentRecord) -> str:
    """A student's outcome on their progress line: points, or why there are none."""
    if record.reason or record.results is None:
        return f"not graded: {record.reason}"
    possible = sum(test["max_score"] for test in record.results["tests"])
    return f"{record.results['score']:g}/{possible:g} in {record.seconds:.1f} s"


def _record_ungraded(settings: BatchSettings, record: StudentRecord) -> None:
    """The record of a student graded without a grading process; files of an earlier grade
    go."""
    folder = student_folder(settings.out, record.student)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in ("results.json", "summary.md", "pytest.log", OWN_CODE, RECORD):
        (folder / stale).unlink(missing_ok=True)
    write_record(folder, record)


def _mark_first_student() -> None:
    profile = spans.current()
    if profile is not None and FIRST_STUDENT not in profile.marks:
        profile.marks[FIRST_STUDENT] = spans.seconds_since_process_start()


def _names(settings: BatchSettings) -> tuple[str, ...]:
    return tuple(Path(name).stem for name in settings.notebooks())
