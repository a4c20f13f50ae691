"""OUT/profile.md and OUT/profile.json after `grader grade --profile`: where the class's time
went, per notebook (the students' grading processes) and in the batch itself."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from grader.profiling.breakdown import Breakdown, batch_lines, collect, note_lines, table
from grader.profiling.spans import Profile

PROFILE_MD, PROFILE_JSON = "profile.md", "profile.json"


def write_class_profile(out: Path, graded: dict[Path, float], batch: Profile | None,
                        wall: float) -> Breakdown:
    """`graded`: the report folders of the students graded by this run -> their records'
    seconds; `batch`: the batch process's own spans; `wall`: the run's seconds."""
    found = collect(sorted(graded), graded)
    if batch is not None:
        found.batch = {phase: round(seconds, 3) for (_, phase), seconds in batch.seconds.items()}
        found.batch.update({mark: round(seconds, 3) for mark, seconds in batch.marks.items()})
    found.batch["the whole run"] = round(wall, 3)
    count = len(found.notebooks)
    lines = [f"# Where grading time went: {found.students} students, "
             f"{count} notebook{'s' if count != 1 else ''} each", "",
             "Seconds per graded notebook, the mean over the class (a grading process's own "
             "phases are shared among its notebooks); one column per notebook, in "
             "milliseconds per student. Spans are exclusive: the rows add up to the total.", "",
             *table(found), "", "The batch's own work (seconds, whole run):", "",
             *batch_lines(found), "",
             *(["Notes:", "", *note_lines(found), ""] if found.notes else [])]
    (out / PROFILE_MD).write_text("\n".join(lines), encoding="utf-8")
    (out / PROFILE_JSON).write_text(json.dumps(found.to_json(), indent=1), encoding="utf-8")
    print(f"profile: {out / PROFILE_MD} ({found.total_per_notebook:.3f} s per notebook, of "
          f"which the student's code {found.students_code_per_notebook:.3f} s)", file=sys.stderr)
    return found
