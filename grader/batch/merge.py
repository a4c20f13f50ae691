"""`grader gradebook OUT... --out DIR`: the outputs of several runs (the shards of a job array)
as one: one set of per-student folders and one gradebook, as one machine would have written.

A student found in two outputs must have been graded from the same inputs in both (the same
record then, whichever is taken); otherwise nothing is written and the two are named.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from grader.batch.gradebook import write_gradebook
from grader.batch.preflight import FOLDER as REFERENCE_CHECK
from grader.errors import UserError
from grader.records import RECORD, STUDENTS, StudentRecord, read_record, student_folder
from grader.similarity.saved import OWN_CODE


@dataclass(frozen=True)
class Graded:
    folder: Path  # OUT/students/NAME
    record: StudentRecord


def merge_outputs(outputs: list[Path], target: Path) -> list[StudentRecord]:
    """Gather every student's folder of `outputs` into `target`; write its gradebook."""
    found: dict[str, Graded] = {}
    for out in outputs:
        if not (out / STUDENTS).is_dir():
            raise UserError(f"{out} holds no graded students (no students/ folder): give the "
                            "--out folders of `grader grade` runs")
        for record_file in sorted((out / STUDENTS).glob(f"*/{RECORD}")):
            graded = Graded(record_file.parent, read_record(record_file.parent))
            name = graded.record.student
            earlier = found.get(name)
            if earlier is not None and earlier.record.digest != graded.record.digest:
                raise UserError(f"{name} was graded in {earlier.folder.parent.parent} and in "
                                f"{out} from different inputs (notebooks, tests or kit): keep "
                                "one of them, or grade both again. Nothing was written")
            found.setdefault(name, graded)
    for name, graded in found.items():
        _copy_student(graded.folder, student_folder(target, name))
    records = [graded.record for _, graded in sorted(found.items())]
    write_gradebook(records, target / "gradebook.csv", _assignments(records))
    _copy_reference_code(outputs, target)
    _warn_if_mixed(records)
    return records


def _copy_reference_code(outputs: list[Path], target: Path) -> None:
    """The reference solution's own code, which each shard saved when it checked the
    solutions: the merged class report compares every student with it (grader/similarity)."""
    for out in outputs:
        source = out / REFERENCE_CHECK / OWN_CODE
        if source.is_file():
            destination = target / REFERENCE_CHECK / OWN_CODE
            if source.resolve() != destination.resolve():
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)
            return


def seed_of(records: list[StudentRecord]) -> int | None:
    return next((r.inputs["settings"]["seed"] for r in records if r.inputs), None)


def _copy_student(source: Path, destination: Path) -> None:
    """Every file of the student's folder, the record last (atomically): a merge cut short
    leaves no record that its files do not back."""
    if source.resolve() == destination.resolve():
        return
    destination.mkdir(parents=True, exist_ok=True)
    (destination / RECORD).unlink(missing_ok=True)
    for path in sorted(source.iterdir()):
        if path.is_file() and path.name != RECORD:
            shutil.copyfile(path, destination / path.name)
    temporary = destination / f"{RECORD}.tmp"
    shutil.copyfile(source / RECORD, temporary)
    temporary.replace(destination / RECORD)


def _assignments(records: list[StudentRecord]) -> tuple[str, ...]:
    """The assignments graded, as the runs' records say (a column even when nobody got one)."""
    names = {Path(name).stem for r in records for name in (r.inputs or {})
             .get("assignments", {})}
    return tuple(sorted(names))


def _warn_if_mixed(records: list[StudentRecord]) -> None:
    """Say so when the students were not all graded with the same tests, reference, settings,
    secret and kit (shards run from different checkouts, say)."""
    shared = {json.dumps({key: (r.inputs or {}).get(key) for key in
                          ("support", "settings", "kit", "secret")}
                         | {"tests": {a: [parts["tests"], parts["reference"]] for a, parts in
                                      (r.inputs or {}).get("assignments", {}).items()}},
                         sort_keys=True) for r in records}
    if len(shared) > 1:
        print(f"warning: these students were graded with {len(shared)} different versions of "
              "the tests, settings, secret (.grader-secret) or kit: regrade the outputs made "
              "from an older checkout",
              file=sys.stderr)
