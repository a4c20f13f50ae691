"""Part 2 with `grader grade`: the class graded warm, warm unsandboxed and cold, on 1 worker
and on N.

Per mode, four timed runs: a small class and the whole class with `-j 1` (the slope between
them is the marginal cost of a student on one worker), then a small class of N students and the
whole class with `-j N` (the marginal cost with every worker busy). The modes alternate in
ABBA order (warm, cold, cold, warm, ...) so a change in the machine's load falls on both.

All runs write to one OUT with --force, so they share its reference cache, which an uncounted
run per mode fills first (it also starts that mode's grading daemon, in a folder of the
benchmark's own, stopped at the end); each run's grades are read back as soon as it ends,
before the next overwrites.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.class_builder import SMALL, Student
from bench.class_result import ClassResult, ClassRun, ModeResult, StudentGrade
from bench.daemons import stop_daemons
from bench.single_notebook import KIT_ROOT, grader_command
from bench.timing import clean_env, run_timed
from grader.daemon.address import FOLDER_ENV as DAEMON_DIR_ENV


def measure(students: Sequence[Student], work: Path, workers: int, modes: Sequence[str],
            log: Callable[[str], None]) -> ClassResult:
    full = students[0].folder.parent
    small_serial = first_students(students, SMALL, work)
    small_parallel = first_students(students, min(workers, len(students) - 1), work)
    assignments = [arg for name in students[0].handed_in
                   for arg in ("--assignment", Path(name).stem)]
    out = work / "out"
    daemons = work / "daemons"  # the runs' grading daemons: the benchmark's own
    daemons.mkdir(parents=True, exist_ok=True)
    env = clean_env({DAEMON_DIR_ENV: str(daemons)})

    def grade(submissions: Path, jobs: int, mode: str) -> ClassRun:
        count = sum(1 for p in submissions.iterdir() if p.is_dir())
        log(f"  `grader grade` {mode}, {count} student(s), -j {jobs}")
        flags = MODE_FLAGS[mode]
        for folder in submissions.iterdir():  # no stale record may pass for this run's
            (out / "students" / folder.name / "grade.json").unlink(missing_ok=True)
        run = run_timed([grader_command(), "grade", submissions, "--out", out, "-j", str(jobs),
                         "--force", *flags, *assignments], cwd=KIT_ROOT, env=env)
        failures = [] if run.ok else [f"grader grade exit {run.returncode}: {run.tail[-400:]}"]
        return ClassRun(jobs, count, run.seconds, records_of(out, submissions), failures)

    log("  warm-up: filling the reference cache, starting the grading daemons (not counted)")
    for mode in modes:
        grade(small_serial, 1, mode)
    plan = [(small_serial, 1), (full, 1), (small_parallel, workers), (full, workers)]
    runs: dict[str, list[ClassRun]] = {mode: [] for mode in modes}
    try:
        for step, (submissions, jobs) in enumerate(plan):
            for mode in modes if step % 2 == 0 else list(reversed(modes)):
                runs[mode].append(grade(submissions, jobs, mode))
    finally:
        stop_daemons(daemons)
    command = (f"grader grade SUBMISSIONS --out OUT -j N --force [--cold | --sandbox off] "
               f"{' '.join(assignments)}")
    notebooks = len(students[0].handed_in)
    results = [ModeResult(mode, notebooks, serial, parallel, small_1, small_n)
               for mode, (small_1, serial, small_n, parallel) in runs.items()]
    return ClassResult("grade", command, notebooks, workers, results)


MODE_FLAGS = {"warm": [], "unsandboxed": ["--sandbox", "off"], "cold": ["--cold"]}


def first_students(students: Sequence[Student], count: int, work: Path) -> Path:
    """A submissions folder holding copies of the first `count` students."""
    folder = work / f"class-of-{count}"
    for student in students[:count]:
        shutil.copytree(student.folder, folder / student.id, dirs_exist_ok=True)
    return folder


def records_of(out: Path, submissions: Path) -> list[StudentGrade]:
    """Each student's seconds and points, from the grade.json `grader grade` leaves per student."""
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
                                   max_score, 2 if record.get("reason") else 0,
                                   {t["name"]: float(t["score"]) for t in tests}))
    return grades
