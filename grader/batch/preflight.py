"""Before any student: the reference solutions must be there, run, and pass their own tests.

A class graded against a broken or missing reference would get grades that depend on the kit's
setup, not on the students' work. So the batch first grades the solutions themselves, like a
student, with no time budget: a setup problem stops the batch before anyone is recorded, with
one message; and the reference answers this run leaves in the cache are not paid for by the
first students' time budgets.
"""

from __future__ import annotations

import time

from grader.batch.one_student import BatchSettings, GradingRun
from grader.errors import GraderError, UserError
from grader.plugin.score_reporter import KIT_ERROR_FILE
from grader.submissions.students import Student

FOLDER = "reference-check"  # under OUT: the solutions graded as a student
SHOWN = 5  # failing tests quoted in the message


def check_reference(settings: BatchSettings, assignments: list[str]) -> float:
    """Raise UserError (solutions missing) or GraderError (they do not pass); else the seconds
    the check took."""
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
    run = GradingRun(settings, Student(FOLDER, settings.solutions), budget=None,
                     folder=settings.out / FOLDER)
    while (record := run.poll()) is None:
        run.wait(1.0)
    folder = run.folder
    if (folder / KIT_ERROR_FILE).exists():
        raise GraderError(f"grading the reference solutions failed, so nobody was graded: "
                          f"{(folder / KIT_ERROR_FILE).read_text(encoding='utf-8')}")
    results = record["results"]
    if results is None:
        raise GraderError(f"grading the reference solutions failed ({record['reason']}), so "
                          f"nobody was graded; see {folder / 'pytest.log'}")
    failing = [test for test in results["tests"] if test["status"] != "passed"]
    if failing:
        quoted = "\n".join(f"- {test['name']}: {test['output'][:300]}" for test in failing[:SHOWN])
        more = f"\n(and {len(failing) - SHOWN} more)" if len(failing) > SHOWN else ""
        raise GraderError(
            f"the reference solutions in {settings.solutions} fail {len(failing)} of their own "
            f"tests, so nobody was graded: fix the solutions or the tests first.\n{quoted}"
            f"{more}\n(all of it: {folder / 'results.json'})")
    return time.monotonic() - started

