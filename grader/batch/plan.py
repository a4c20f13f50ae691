"""Who a run grades: the students of the submissions folder (of one shard of it), less those
already graded from the same inputs, unless --force."""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.batch.flags import class_flags, link_reason
from grader.batch.shards import Shard, in_shard
from grader.executors.inputs import ClassInputs, changed_parts, class_inputs
from grader.executors.one_student import BatchSettings
from grader.records import StudentRecord, has_record, read_record
from grader.submissions.students import Student, find_students


@dataclass(frozen=True)
class Plan:
    students: list[Student]  # every student of the run (of its shard)
    todo: list[Student]  # those to grade now
    # Students there is nothing to grade of (their folder is a link): their records, to write
    # without a grading process.
    ungraded: list[StudentRecord]
    shared: ClassInputs
    inputs: dict[str, dict[str, Any]]  # student name -> what their grade is computed from
    changes: Counter[str]  # why students graded before are graded again -> how many
    changed: int  # students graded before whose inputs changed

    def announce(self) -> None:
        kept = len(self.students) - len(self.todo)
        if kept:
            print(f"resuming: {kept} of {len(self.students)} students already graded from the "
                  "same notebooks, tests, reference and settings are kept (--force regrades "
                  "them)", file=sys.stderr)
        if self.changed:
            why = "; ".join(f"{what} ({count} student{'s' * (count != 1)})"
                            for what, count in self.changes.most_common())
            students = f"{self.changed} student" + ("s" if self.changed != 1 else "")
            print(f"grading again {students} graded before, because of what changed: {why}",
                  file=sys.stderr)


def plan_class(submissions: Path, settings: BatchSettings, force: bool = False,
               shard: Shard | None = None) -> Plan:
    """A student whose folder (or its assignments/) is a link gets a record with the reason
    and no grade: nothing of theirs is read, so nothing is left to grade."""
    notebooks = settings.notebooks()
    everyone = find_students(submissions)
    flags = class_flags(everyone, notebooks, settings.solutions,  # hard links: whole class
                        settings.course.graded_notebooks())
    students = [s for s in everyone if shard is None or in_shard(s, shard)]
    shared = class_inputs(settings.course, settings.solutions, notebooks, settings.values)
    inputs = {s.name: shared.for_student(s, flags[s.name]) for s in students}
    todo: list[Student] = []
    ungraded: list[StudentRecord] = []
    changes: Counter[str] = Counter()
    changed = 0
    for student in students:
        mine = inputs[student.name]
        earlier = None if force else _earlier(settings, student)
        if earlier is not None and not earlier.retry and earlier.digest == mine["digest"]:
            continue  # graded already, from the same inputs (grader/executors/inputs.py)
        if earlier is not None or (not force and has_record(settings.folder(student))):
            changed += 1
            changes.update(changed_parts(earlier.inputs if earlier else None, mine))
        if student.link:
            ungraded.append(StudentRecord(student.name, results=None,
                                          reason=link_reason(student), seconds=0.0,
                                          inputs=mine))
        else:
            todo.append(student)
    return Plan(students, todo, ungraded, shared, inputs, changes, changed)


def _earlier(settings: BatchSettings, student: Student) -> StudentRecord | None:
    """The student's record of an earlier run; None if there is none, or one this kit cannot
    read (they are graded again)."""
    try:
        return read_record(settings.folder(student))
    except (OSError, ValueError):
        return None
