"""What grading a class measured: for each mode (warm, cold), runs on 1 worker and on N."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from bench.timing import median

# warm: pre-imported processes, forked, every kernel sandboxed (the default); unsandboxed: the
# same with --sandbox off (what the sandbox costs); cold: everything from scratch.
MODES = ("warm", "unsandboxed", "cold")


@dataclass(frozen=True)
class StudentGrade:
    student: str
    seconds: float
    score: float | None  # from results.json; None when the run wrote none
    max_score: float | None
    returncode: int  # pytest's exit code; for `grader grade`, 0, or 2 when it gave a reason
    tests: dict[str, float] = field(default_factory=dict)  # test name -> points


@dataclass
class ClassRun:
    """One timed grading of `students` students on `workers` workers."""

    workers: int
    students: int
    total_seconds: float
    per_student: list[StudentGrade] = field(default_factory=list)  # each student's own run
    failures: list[str] = field(default_factory=list)


def slope(small: ClassRun | None, full: ClassRun) -> float:
    """Marginal seconds per student between a small class and the whole class.

    Without a small class (one process per student: nothing is shared), the mean.
    """
    if small is None:
        return full.total_seconds / full.students
    if full.students == small.students:
        return math.nan
    return (full.total_seconds - small.total_seconds) / (full.students - small.students)


@dataclass
class ModeResult:
    """The class graded in one mode: the whole class on 1 and on N workers, and the small
    classes the slopes start from (the `grade` runner only)."""

    mode: str
    notebooks_per_student: int
    serial: ClassRun
    parallel: ClassRun
    small_serial: ClassRun | None = None
    small_parallel: ClassRun | None = None

    @property
    def per_student(self) -> float:
        """Marginal seconds per student, on one worker."""
        return slope(self.small_serial, self.serial)

    @property
    def per_notebook(self) -> float:
        return self.per_student / self.notebooks_per_student

    @property
    def parallel_per_student(self) -> float:
        """Marginal wall-clock seconds per student with every worker busy."""
        return slope(self.small_parallel, self.parallel)

    @property
    def parallel_per_notebook(self) -> float:
        return self.parallel_per_student / self.notebooks_per_student

    @property
    def speedup(self) -> float:
        return self.serial.total_seconds / self.parallel.total_seconds

    @property
    def median_student_seconds(self) -> float:
        return median([g.seconds for g in self.serial.per_student])

    @property
    def full_marks(self) -> int:
        return sum(1 for g in self.serial.per_student
                   if g.score is not None and g.score == g.max_score)

    @property
    def failures(self) -> list[str]:
        runs = (self.small_serial, self.serial, self.small_parallel, self.parallel)
        return [f"{self.mode}: {failure}" for run in runs if run for failure in run.failures]

    def figures(self) -> dict[str, Any]:
        """The derived figures, for the JSON document."""
        return {"per_student": self.per_student, "per_notebook": self.per_notebook,
                "parallel_per_student": self.parallel_per_student,
                "parallel_per_notebook": self.parallel_per_notebook, "speedup": self.speedup}


@dataclass
class ClassResult:
    runner: str  # "pytest" or "grade"
    command: str
    notebooks_per_student: int
    workers: int  # of the parallel runs
    modes: list[ModeResult]

    def mode(self, name: str) -> ModeResult | None:
        return next((m for m in self.modes if m.mode == name), None)
