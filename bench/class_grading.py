"""Part 2: grade a whole class with the kit, warm and cold, on 1 worker and on N.

Two runners, the same measures:
- `grade`: `grader grade SUBMISSIONS --out OUT -j 1` and `-j N`, with `--cold` for the cold mode,
  where the kit has that command (bench/grade_runner.py);
- `pytest`: one `pytest <the class's test modules> --grader-notebooks STUDENT` per student, run
  one at a time, then by a pool of N concurrent pytest processes; `--grader-cold-kernels` for the
  cold mode.
Both share one reference-answer cache, warmed by an uncounted run (as on a TA's second run).
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import grade_runner
from bench.class_builder import Student
from bench.class_result import ClassResult, ClassRun, ModeResult, StudentGrade
from bench.single_notebook import GRADED_TESTS, KIT_ROOT, grader_command
from bench.timing import run_timed

PYTEST_GRADED = (0, 1)  # pytest exit codes of a finished grading run: all passed, some failed
PYTEST_FLAGS = {"warm": [], "unsandboxed": ["--grader-sandbox", "off"],
                "cold": ["--grader-cold-kernels"]}


def grade_command_available() -> bool:
    """Whether this kit has `grader grade` (a newer kit may; this one may not)."""
    run = run_timed([grader_command(), "--help"], cwd=KIT_ROOT, timeout=120)
    return run.ok and re.search(r"^\s+grade\s", run.tail, re.MULTILINE) is not None


def measure(students: Sequence[Student], work: Path, runner: str, workers: int,
            modes: Sequence[str], log: Callable[[str], None]) -> ClassResult:
    if runner == "grade":
        return grade_runner.measure(students, work, workers, modes, log)
    notebooks = list(students[0].handed_in)
    tests = [GRADED_TESTS / f"test_{Path(name).stem}.py" for name in notebooks]
    cache = work / "reference-cache"
    log("  warm-up: grading one student to fill the reference cache (not counted)")
    warm = _grade_student(students[0], tests, cache, work / "reports-warmup", modes[0])
    if warm.returncode not in PYTEST_GRADED:
        log(f"  warm-up failed with exit {warm.returncode}")
    runs: dict[str, list[ClassRun]] = {mode: [] for mode in modes}
    for step, jobs in enumerate((1, workers)):  # ABBA: warm, cold, then cold, warm
        for mode in modes if step % 2 == 0 else list(reversed(modes)):
            reports = work / f"reports-{mode}-j{jobs}"
            runs[mode].append(_pytest_class(students, tests, cache, reports, jobs, mode, log))
    command = (f"pytest {' '.join(t.relative_to(KIT_ROOT).as_posix() for t in tests)} "
               "--grader-notebooks STUDENT_DIR [--grader-cold-kernels | --grader-sandbox off]")
    results = [ModeResult(mode, len(notebooks), serial, parallel)
               for mode, (serial, parallel) in runs.items()]
    return ClassResult("pytest", command, len(notebooks), workers, results)


def _pytest_class(students: Sequence[Student], tests: list[Path], cache: Path, reports: Path,
                  workers: int, mode: str, log: Callable[[str], None]) -> ClassRun:
    log(f"  grading {len(students)} students with pytest ({mode}), {workers} at a time")
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:  # each thread waits on one pytest
        grades = list(pool.map(lambda s: _grade_student(s, tests, cache, reports, mode),
                               students))
    total = time.perf_counter() - start
    failures = [f"{g.student}: pytest exit {g.returncode}" for g in grades
                if g.returncode not in PYTEST_GRADED or g.score is None]
    return ClassRun(workers, len(students), total, grades, failures)


def _grade_student(student: Student, tests: list[Path], cache: Path, reports: Path,
                   mode: str) -> StudentGrade:
    report = reports / student.id
    command = [sys.executable, "-m", "pytest", *tests, "-q", "-p", "no:cacheprovider",
               "--grader-notebooks", student.folder, "--grader-cache-dir", cache,
               "--grader-report", report, *PYTEST_FLAGS[mode]]
    run = run_timed(command, cwd=KIT_ROOT)
    score = max_score = None
    points: dict[str, float] = {}
    results = report / "results.json"
    if results.exists():
        data = json.loads(results.read_text(encoding="utf-8"))
        score = float(data["score"])
        max_score = float(sum(test["max_score"] for test in data["tests"]))
        points = {test["name"]: float(test["score"]) for test in data["tests"]}
    return StudentGrade(student.id, run.seconds, score, max_score, run.returncode, points)
