"""Part 2: grade a whole class with the kit, on 1 worker and on 2.

Two runners, the same measures:
- `pytest`: one `pytest <the class's test modules> --grader-notebooks STUDENT` per student, run
  one at a time, then by a pool of 2 concurrent pytest processes;
- `grade`: `grader grade SUBMISSIONS --out OUT -j 1` and `-j 2`, where the kit has that command.
Both share one reference-answer cache, warmed by an uncounted run (as on a TA's second run).
"""

from __future__ import annotations

import json
import math
import re
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.class_builder import SMALL, Student
from bench.single_notebook import GRADED_TESTS, KIT_ROOT, grader_command
from bench.timing import median, run_timed

PYTEST_GRADED = (0, 1)  # pytest exit codes of a finished grading run: all passed, some failed


@dataclass(frozen=True)
class StudentGrade:
    student: str
    seconds: float
    score: float | None  # from results.json; None when the run wrote none
    max_score: float | None
    returncode: int  # pytest's exit code; for `grader grade`, 0, or 2 when it gave a reason


@dataclass
class ClassRun:
    """One timed grading of `students` students on `workers` workers."""

    workers: int
    students: int
    total_seconds: float
    per_student: list[StudentGrade] = field(default_factory=list)  # each student's own run
    failures: list[str] = field(default_factory=list)


@dataclass
class ClassResult:
    runner: str  # "pytest" or "grade"
    command: str
    notebooks_per_student: int
    serial: ClassRun
    parallel: ClassRun
    small: ClassRun | None = None  # a smaller class, for the slope of the `grade` runner

    @property
    def per_student(self) -> float:
        """Marginal seconds per student, on one worker."""
        if self.small is None:  # one process per student: no cost is shared between students
            return self.serial.total_seconds / self.serial.students
        return ((self.serial.total_seconds - self.small.total_seconds)
                / (self.serial.students - self.small.students))

    @property
    def per_notebook(self) -> float:
        return self.per_student / self.notebooks_per_student

    @property
    def speedup(self) -> float:
        return self.serial.total_seconds / self.parallel.total_seconds

    @property
    def median_student_seconds(self) -> float:
        return median([g.seconds for g in self.serial.per_student])


def grade_command_available() -> bool:
    """Whether this kit has `grader grade` (a newer kit may; this one may not)."""
    run = run_timed([grader_command(), "--help"], cwd=KIT_ROOT, timeout=120)
    return run.ok and re.search(r"^\s+grade\s", run.tail, re.MULTILINE) is not None


def measure(students: Sequence[Student], work: Path, runner: str, workers: int,
            log: Callable[[str], None]) -> ClassResult:
    notebooks = list(students[0].handed_in)
    if runner == "grade":
        return _measure_grade(students, work, workers, len(notebooks), log)
    tests = [GRADED_TESTS / f"test_{Path(name).stem}.py" for name in notebooks]
    cache = work / "reference-cache"
    log("  warm-up: grading one student to fill the reference cache (not counted)")
    warm = _grade_student(students[0], tests, cache, work / "reports-warmup")
    if warm.returncode not in PYTEST_GRADED:
        log(f"  warm-up failed with exit {warm.returncode}")
    serial = _pytest_class(students, tests, cache, work / "reports-serial", 1, log)
    parallel = _pytest_class(students, tests, cache, work / "reports-parallel", workers, log)
    command = (f"pytest {' '.join(t.relative_to(KIT_ROOT).as_posix() for t in tests)} "
               "--grader-notebooks STUDENT_DIR")
    return ClassResult("pytest", command, len(notebooks), serial, parallel)


def _pytest_class(students: Sequence[Student], tests: list[Path], cache: Path, reports: Path,
                  workers: int, log: Callable[[str], None]) -> ClassRun:
    log(f"  grading {len(students)} students with pytest, {workers} at a time")
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:  # each thread waits on one pytest
        grades = list(pool.map(lambda s: _grade_student(s, tests, cache, reports), students))
    total = time.perf_counter() - start
    failures = [f"{g.student}: pytest exit {g.returncode}" for g in grades
                if g.returncode not in PYTEST_GRADED or g.score is None]
    return ClassRun(workers, len(students), total, grades, failures)


def _grade_student(student: Student, tests: list[Path], cache: Path, reports: Path) -> StudentGrade:
    report = reports / student.id
    command = [sys.executable, "-m", "pytest", *tests, "-q", "-p", "no:cacheprovider",
               "--grader-notebooks", student.folder, "--grader-cache-dir", cache,
               "--grader-report", report]
    run = run_timed(command, cwd=KIT_ROOT)
    score = max_score = None
    results = report / "results.json"
    if results.exists():
        data = json.loads(results.read_text(encoding="utf-8"))
        score = float(data["score"])
        max_score = float(sum(test["max_score"] for test in data["tests"]))
    return StudentGrade(student.id, run.seconds, score, max_score, run.returncode)


def _measure_grade(students: Sequence[Student], work: Path, workers: int, notebooks: int,
                   log: Callable[[str], None]) -> ClassResult:
    """`grader grade` on the first SMALL students, then the whole class on 1 and on `workers`.

    All runs write to one OUT with --force, so they share its reference cache, which an
    uncounted run on the first student fills first.
    """
    full = students[0].folder.parent
    small = work / "small-class"
    for student in students[:SMALL]:
        shutil.copytree(student.folder, small / student.id, dirs_exist_ok=True)
    assignments = [arg for name in students[0].handed_in
                   for arg in ("--assignment", Path(name).stem)]
    out = work / "out"

    def grade(submissions: Path, jobs: int, count: int) -> ClassRun:
        run = run_timed([grader_command(), "grade", submissions, "--out", out, "-j", str(jobs),
                         "--force", *assignments], cwd=KIT_ROOT)
        failures = [] if run.ok else [f"grader grade exit {run.returncode}: {run.tail[-400:]}"]
        return ClassRun(jobs, count, run.seconds, _records(out, submissions), failures)

    log(f"  warm-up: `grader grade` on {SMALL} student(s), filling the reference cache "
        "(not counted)")
    grade(small, 1, SMALL)
    log(f"  `grader grade` on {SMALL} student(s), -j 1")
    small_run = grade(small, 1, SMALL)
    log(f"  `grader grade` on {len(students)} students, -j 1")
    serial = grade(full, 1, len(students))
    log(f"  `grader grade` on {len(students)} students, -j {workers}")
    parallel = grade(full, workers, len(students))
    command = f"grader grade SUBMISSIONS --out OUT -j N --force {' '.join(assignments)}"
    return ClassResult("grade", command, notebooks, serial, parallel, small_run)


def _records(out: Path, submissions: Path) -> list[StudentGrade]:
    """Each student's seconds and score, from the grade.json `grader grade` leaves per student."""
    grades = []
    for folder in sorted(p for p in submissions.iterdir() if p.is_dir()):
        record_file = out / "students" / folder.name / "grade.json"
        if not record_file.exists():
            continue
        record = json.loads(record_file.read_text(encoding="utf-8"))
        results = record.get("results") or {}
        tests = results.get("tests", [])
        score = float(results["score"]) if "score" in results else None
        max_score = float(sum(t["max_score"] for t in tests)) if tests else None
        grades.append(StudentGrade(folder.name, float(record.get("seconds", math.nan)), score,
                                   max_score, 2 if record.get("reason") else 0))
    return grades
