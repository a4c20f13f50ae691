"""Before any student: the reference solutions must be there, run, and pass their own tests.

A class graded against a broken or missing reference would get grades that depend on the kit's
setup, not on the students' work. So the batch first grades the solutions themselves, like a
student, with no time budget: a setup problem stops the batch before anyone is recorded, with
one message; and the reference answers this run leaves in the cache are not paid for by the
first students' time budgets.

The check is content-addressed, per assignment: once the solution passed its tests, the digest
of everything that result depends on (the solution, the assignment's tests, the course's test
helpers, the kit, the settings that change a grade: grader/executors/inputs.py) is kept in
OUT/reference-check/verified.json, and a later run checks only the assignments whose digest
changed: an unchanged course pays nothing, a fixed test pays for its own notebook only.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from grader.errors import GraderError, UserError
from grader.executors.inputs import DIGEST_CHARS, ClassInputs, class_inputs
from grader.executors.one_student import BatchSettings, GradingRun, save_student_code
from grader.executors.protocol import Observer
from grader.plugin.score_reporter import KIT_ERROR_FILE
from grader.preforked.forked_pytest import Starter, start_pytest
from grader.records import StudentRecord, write_record
from grader.submissions.students import Student

FOLDER = "reference-check"  # under OUT: the solutions graded as a student
VERIFIED = "verified.json"  # in FOLDER: assignment -> digest of the inputs it passed with
SHOWN = 5  # failing tests quoted in the message


def check_reference_once(settings: BatchSettings, observer: Observer,
                         shared: ClassInputs | None = None,
                         start: Starter = start_pytest) -> None:
    """The check, with what it did said to `observer` (the class run's progress)."""
    assignments = settings.notebooks()

    def starting(unchecked: list[str]) -> None:
        which = "" if len(unchecked) == len(assignments) else \
            f" of {', '.join(Path(name).stem for name in unchecked)}"
        observer.note(f"checking the reference solutions{which} (they must pass their own "
                      "tests)")

    seconds, unchanged = check_reference(settings, assignments, shared, starting, start)
    if unchanged == len(assignments):
        observer.note("the reference solutions passed their tests before, with the same "
                      "solutions, tests, kit and settings: not checked again")
        return
    again = f"; {unchanged} unchanged since they passed, not checked again" if unchanged else ""
    observer.note(f"the reference solutions pass their tests ({seconds:.1f} s{again})")


def check_reference(settings: BatchSettings, assignments: list[str],
                    shared: ClassInputs | None = None,
                    starting: Callable[[list[str]], None] | None = None,
                    start: Starter = start_pytest) -> tuple[float, int]:
    """Raise UserError (solutions missing) or GraderError (they do not pass); else the seconds
    the check took and how many assignments needed none (passed before with the same inputs).
    `shared`: the run's inputs, if the caller computed them already; `starting` is told which
    assignments are checked, before they are."""
    if not settings.solutions.is_dir():
        raise UserError(f"the reference solutions' folder {settings.solutions} does not exist: "
                        "grading compares every student with the solutions. Pass --solutions "
                        "DIR, or run this in the course's folder. Nobody was graded.")
    missing = [name for name in assignments if not (settings.solutions / name).exists()]
    if missing:
        raise UserError(f"no reference solution for {', '.join(missing)} in "
                        f"{settings.solutions}: grading compares every student with it. Add it "
                        "(or grade other assignments with --assignment). Nobody was graded.")
    started = time.monotonic()
    digests = assignment_digests(shared or class_inputs(
        settings.course, settings.solutions, assignments, settings.values))
    folder = settings.out / FOLDER
    verified = _verified(folder, settings)
    unchecked = [name for name in assignments if verified.get(name) != digests[name]]
    if unchecked:
        if starting is not None:
            starting(unchecked)
        _grade_reference(settings, unchecked, start)
        _write_verified(folder, {**verified, **{name: digests[name] for name in unchecked}})
        if len(unchecked) < len(assignments):  # the similarity report reads all of them here
            save_student_code(settings, Student(FOLDER, settings.solutions), folder)
    return time.monotonic() - started, len(assignments) - len(unchecked)


def assignment_digests(shared: ClassInputs) -> dict[str, str]:
    """Per assignment, the digest of what its reference check depends on."""
    return {name: hashlib.sha256(json.dumps(
        {"assignment": name, "kit": shared.kit, "settings": shared.settings,
         "support": shared.support, "tests": shared.tests[name],
         "reference": shared.references[name]}, sort_keys=True).encode()
    ).hexdigest()[:DIGEST_CHARS] for name in shared.tests}


def _verified(folder: Path, settings: BatchSettings) -> dict[str, str]:
    """Assignment -> the digest its reference last passed with (none without the answers'
    cache: the first students would pay for the reference runs)."""
    try:
        if not any(settings.cache.iterdir()):
            return {}
        found = json.loads((folder / VERIFIED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    digests = found.get("assignments") if isinstance(found, dict) else None
    return {k: v for k, v in digests.items() if isinstance(v, str)} \
        if isinstance(digests, dict) else {}


def _write_verified(folder: Path, digests: dict[str, str]) -> None:
    temporary = folder / f".{VERIFIED}.tmp"
    temporary.write_text(json.dumps({"format": 1, "assignments": digests}, indent=1,
                                    sort_keys=True), encoding="utf-8")
    os.replace(temporary, folder / VERIFIED)


def _grade_reference(settings: BatchSettings, assignments: list[str], start: Starter) -> None:
    """Grade the solutions of `assignments` like a student; raise if they do not pass."""
    names = tuple(Path(name).stem for name in assignments)
    run = GradingRun(replace(settings, assignments=names), Student(FOLDER, settings.solutions),
                     start, budget=None, folder=settings.out / FOLDER)
    while (record := run.poll()) is None:
        run.wait(1.0)
    folder = run.folder
    if not isinstance(record, StudentRecord):  # a kit failure: its words are in the file
        raise GraderError(f"grading the reference solutions failed, so nobody was graded: "
                          f"{(folder / KIT_ERROR_FILE).read_text(encoding='utf-8')}")
    write_record(folder, record)  # beside its files, as a student's
    results = record.results
    if results is None:
        raise GraderError(f"grading the reference solutions failed ({record.reason}), so "
                          f"nobody was graded; see {folder / 'pytest.log'}")
    failing = [test for test in results["tests"] if test["status"] != "passed"]
    if failing:
        quoted = "\n".join(f"- {test['name']}: {test['output'][:300]}" for test in failing[:SHOWN])
        more = f"\n(and {len(failing) - SHOWN} more)" if len(failing) > SHOWN else ""
        raise GraderError(
            f"the reference solutions in {settings.solutions} fail {len(failing)} of their own "
            f"tests, so nobody was graded: fix the solutions or the tests first.\n{quoted}"
            f"{more}\n(all of it: {folder / 'results.json'})")

