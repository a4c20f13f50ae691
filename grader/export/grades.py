"""Each student's points per assignment, from the records `grader grade` left in OUT."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.reports.class_report.records import ClassRecords, read_records


@dataclass(frozen=True)
class ClassGrades:
    assignments: list[str]
    possible: dict[str, float]  # assignment -> its points
    points: dict[str, dict[str, float]]  # graded student -> assignment -> points
    without_grade: dict[str, str]  # student -> why

    @property
    def students(self) -> list[str]:
        return sorted([*self.points, *self.without_grade])


def class_grades(out: Path) -> ClassGrades:
    return grades_of(read_records(out))


def grades_of(records: ClassRecords) -> ClassGrades:
    assignments = records.assignments()
    graded = records.graded
    return ClassGrades(
        assignments=assignments,
        possible={a: max((s.possible(a) for s in graded if a in s.assignments()), default=0.0)
                  for a in assignments},
        points={s.name: {a: s.score(a) for a in s.assignments()} for s in graded},
        without_grade={s.name: s.reason or "no grade" for s in records.without_grade},
    )
