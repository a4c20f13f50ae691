"""The whole course, every core: what `grader grade` costs per notebook next to the floor.

`python -m bench.course [--students N] [--repeat N] [--workers N] [--skip-unsandboxed]`

A synthetic class (bench/class_builder.py), each student handing in all six notebooks of the
course, graded with `grader grade --force`, sandboxed (the default) and `--sandbox off`, on 1
worker and on `--workers`, side by side with the floor (bench/floor.py: the notebooks' own code,
warm, in one process with one thread). Each round runs, in an order that rotates between
rounds: the floor, then per mode a class of 1 and the whole class with `-j 1`, a class of
`--workers` and the whole class with `-j --workers`. An uncounted run per mode fills its caches
first (reference answers, reference check) and starts the runs' grading daemon (in a folder of
the benchmark's own, stopped at the end), as on a TA's second run. Figures are medians over
the rounds:

* per notebook, `-j 1`: the slope of the wall time between the class of 1 and the whole class,
  over the notebooks of a student; its ratio to the floor per notebook (the mean of the six);
* per notebook, every worker busy: the same slope with `-j --workers`;
* speed-up: the whole class's wall time on 1 worker over on `--workers`, and the slopes' ratio;
* CPU: the same slopes of the CPU seconds of `grader grade`, of the grading daemon and of every
  process they waited for (grading processes, fork servers, kernels): what grading costs the
  machine, whatever its load;
* before the first student, on a rerun: from the command's start to its first grading process
  (OUT/profile.json of a `--profile` run, all caches warm);
* where the time goes: the breakdown of a `--profile` run of the whole class (`-j 1`), with
  each phase's ratio to the floor;
* grades: every student's points per test, identical in every run and mode.

Printed, and written as JSON to bench/out/course-<time>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import psutil

from bench import class_builder, floor, machine
from bench.class_result import ClassRun
from bench.daemons import stop_daemons
from bench.grade_runner import first_students, records_of
from bench.single_notebook import KIT_ROOT, SOLUTIONS, grader_command
from bench.targets import grade_differences
from bench.timing import clean_env, run_timed
from grader.daemon.address import FOLDER_ENV as DAEMON_DIR_ENV
from grader.profiling.breakdown import Breakdown, table

OUT = Path(__file__).resolve().parent / "out"
MODES = {"sandboxed": [], "unsandboxed": ["--sandbox", "off"]}
TARGET_RATIO, GOAL_RATIO = 2.0, 1.5  # -j 1, per notebook, ÷ floor
TARGET_SPEEDUP = 1.8
TARGET_BEFORE_FIRST = 1.0  # seconds, a rerun
FIRST_STUDENT = "before the first student (from the command's start)"  # grader/batch/run.py
_START = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _START:6.0f} s] {message}", file=sys.stderr, flush=True)


@dataclass
class Timed:
    """The class runs of one mode, per round."""

    runs: dict[str, list[ClassRun]] = field(default_factory=dict)  # "1:small" -> per round
    cpu: dict[str, list[float]] = field(default_factory=dict)

    def add(self, key: str, run: ClassRun, cpu: float) -> None:
        self.runs.setdefault(key, []).append(run)
        self.cpu.setdefault(key, []).append(cpu)

    def slopes(self, jobs: int, notebooks: int, cpu: bool = False) -> list[float]:
        """Per round: the marginal seconds (wall, or CPU) of a notebook with `jobs` workers."""
        small, full = self.runs[f"{jobs}:small"], self.runs[f"{jobs}:full"]
        found = []
        for index, (a, b) in enumerate(zip(small, full, strict=True)):
            if cpu:
                extra = self.cpu[f"{jobs}:full"][index] - self.cpu[f"{jobs}:small"][index]
            else:
                extra = b.total_seconds - a.total_seconds
            found.append(extra / (b.students - a.students) / notebooks)
        return found

    def totals(self, jobs: int) -> list[float]:
        return [run.total_seconds for run in self.runs[f"{jobs}:full"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-unsandboxed", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if args.students <= args.workers:
        parser.error("--students must be more than --workers")
    host = machine.describe()
    notebooks = sorted(p.name for p in SOLUTIONS.glob("*.ipynb"))
    work = Path(tempfile.mkdtemp(prefix="grader-bench-course-"))
    modes = {k: v for k, v in MODES.items() if k == "sandboxed" or not args.skip_unsandboxed}
    try:
        doc = _measure(args, work, notebooks, modes)
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    doc["machine"] = {**asdict(host), "load_average_at_end": machine.current_load()}
    lines = ["The whole course, side by side with the floor (python -m bench.course)", "",
             *(f"  {line}" for line in host.lines()),
             f"  load average at end (1 min): {machine.current_load():.2f}", "", *doc["lines"]]
    print("\n".join(lines))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"course-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
    log(f"wrote {path}")
    return 0


def _measure(args: argparse.Namespace, work: Path, notebooks: list[str],
             modes: dict[str, list[str]]) -> dict:
    log(f"building a class of {args.students} students x {len(notebooks)} notebooks")
    students = class_builder.build_class(args.students, work / "class", notebooks, log)

    daemons = work / "daemons"  # the grading daemon of the runs: its own, stopped at the end
    daemons.mkdir()
    env = clean_env({DAEMON_DIR_ENV: str(daemons)})

    def grade(mode: str, submissions: Path, jobs: int, *extra: str) -> tuple[ClassRun, float]:
        out = work / f"out-{mode}"
        for folder in submissions.iterdir():
            (out / "students" / folder.name / "grade.json").unlink(missing_ok=True)
        before = daemon_cpu(daemons)
        run = run_timed([grader_command(), "grade", submissions, "--out", out, "-j", str(jobs),
                         "--force", *modes[mode], *extra], cwd=KIT_ROOT, env=env)
        cpu = run.cpu + daemon_cpu(daemons) - before
        count = sum(1 for p in submissions.iterdir() if p.is_dir())
        failures = [] if run.ok else [f"grader grade exit {run.returncode}: {run.tail[-400:]}"]
        return ClassRun(jobs, count, run.seconds, records_of(out, submissions), failures), cpu

    try:
        return _rounds(args, work, notebooks, modes, grade, env, students)
    finally:
        stop_daemons(daemons)


def daemon_cpu(folder: Path) -> float:
    """CPU seconds so far of the grading daemons started with `folder` and everything they
    waited for (grading processes, fork servers and, through those, kernels)."""
    total = 0.0
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if "grader.daemon.service" not in cmdline or not any(str(folder) in a for a in cmdline):
            continue
        with contextlib.suppress(psutil.Error):
            for member in (process, *process.children(recursive=True)):
                times = member.cpu_times()
                total += times.user + times.system + times.children_user + \
                    times.children_system
    return total


def _rounds(args: argparse.Namespace, work: Path, notebooks: list[str],
            modes: dict[str, list[str]], grade: Callable[..., tuple[ClassRun, float]],
            env: dict[str, str], students: list[class_builder.Student]) -> dict:
    full = students[0].folder.parent
    classes = {"small": {1: first_students(students, 1, work), args.workers:
                         first_students(students, args.workers, work)}}
    timed = {mode: Timed() for mode in modes}
    floors: list[dict[str, float]] = []
    all_runs: list[tuple[str, ClassRun]] = []
    solution_paths = [SOLUTIONS / name for name in notebooks]

    for mode in modes:
        log(f"warm-up ({mode}): caches and the reference check, not counted")
        grade(mode, classes["small"][1], 1)
    steps = [("floor", 0, "")] + [(mode, jobs, size) for mode in modes
                                  for jobs in (1, args.workers) for size in ("small", "full")]
    for round_ in range(args.repeat):
        shift = round_ % len(steps)
        for mode, jobs, size in steps[shift:] + steps[:shift]:
            if mode == "floor":
                floors.append(floor.measure(solution_paths, repeat=3))
                log(f"round {round_ + 1}: floor {statistics.mean(floors[-1].values()):.3f} s "
                    "per notebook")
                continue
            submissions = full if size == "full" else classes["small"][jobs]
            run, cpu = grade(mode, submissions, jobs)
            timed[mode].add(f"{jobs}:{size}", run, cpu)
            if size == "full":
                all_runs.append((f"{mode} -j {jobs} round {round_ + 1}", run))
            log(f"round {round_ + 1}: {mode} -j {jobs} {size}: {run.total_seconds:.1f} s, "
                f"CPU {cpu:.1f} s" + (f" FAILED {run.failures}" if run.failures else ""))

    log("a rerun with everything cached, profiled (-j 1)")
    rerun, _ = grade("sandboxed", full, 1, "--profile")
    profile = json.loads((work / "out-sandboxed" / "profile.json").read_text(encoding="utf-8"))
    all_runs.append(("sandboxed -j 1 --profile", rerun))
    noop = run_timed([grader_command(), "grade", full, "--out", work / "out-sandboxed", "-j", "1"],
                     cwd=KIT_ROOT, env=env)
    return _report(args, notebooks, modes, timed, floors, profile, noop.seconds, all_runs)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def _report(args: argparse.Namespace, notebooks: list[str], modes: dict[str, list[str]],
            timed: dict[str, Timed], floors: list[dict[str, float]], profile: dict,
            noop_seconds: float, all_runs: list[tuple[str, ClassRun]]) -> dict:
    per_notebook_floor = {name: _median([f[name] for f in floors]) for name in notebooks}
    floor_nb = statistics.mean(per_notebook_floor.values())
    count = len(notebooks)
    workers = args.workers
    lines = [f"A class of {args.students} students x {count} notebooks (the whole course), "
             f"median of {args.repeat} rounds", "",
             "floor: the notebooks' code, warm, one process, one thread (bench/floor.py)"]
    lines += [f"  {name:<44} {seconds * 1000:7.1f} ms"
              for name, seconds in per_notebook_floor.items()]
    lines += [f"  {'mean per notebook':<44} {floor_nb * 1000:7.1f} ms", ""]
    figures: dict[str, dict[str, float]] = {}
    head = f"  {'':<48}" + "".join(f"{mode:>14}" for mode in modes)
    rows: list[tuple[str, str]] = [
        ("per notebook, -j 1 (s)", "j1"), ("  ÷ floor", "j1_ratio"),
        (f"per notebook, -j {workers}, every worker busy (s)", "jn"),
        (f"  ÷ floor ÷ {workers} (per core)", "jn_ratio"),
        (f"speed-up -j {workers} vs -j 1, whole class", "speedup"),
        (f"speed-up -j {workers} vs -j 1, per notebook", "speedup_marginal"),
        ("CPU per notebook, -j 1 (s)", "cpu1"), ("  ÷ floor", "cpu1_ratio"),
        (f"CPU per notebook, -j {workers} (s)", "cpun"),
        ("whole class, -j 1 (s)", "total1"), (f"whole class, -j {workers} (s)", "totaln")]
    for mode in modes:
        t = timed[mode]
        j1, jn = _median(t.slopes(1, count)), _median(t.slopes(workers, count))
        figures[mode] = {
            "j1": j1, "j1_ratio": j1 / floor_nb, "jn": jn, "jn_ratio": jn * workers / floor_nb,
            "speedup": _median(t.totals(1)) / _median(t.totals(workers)),
            "speedup_marginal": j1 / jn,
            "cpu1": _median(t.slopes(1, count, cpu=True)),
            "cpun": _median(t.slopes(workers, count, cpu=True)),
            "total1": _median(t.totals(1)), "totaln": _median(t.totals(workers))}
        figures[mode]["cpu1_ratio"] = figures[mode]["cpu1"] / floor_nb
    lines.append(head)
    for label, key in rows:
        lines.append(f"  {label:<48}" + "".join(f"{figures[m][key]:>14.3f}" for m in modes))
    before_first = float(profile.get("batch", {}).get(FIRST_STUDENT, math.nan))
    lines += ["", f"a rerun, all cached (sandboxed, -j 1 --force --profile): "
                  f"{before_first:.2f} s before the first student",
              f"a rerun with nothing to grade (everyone kept): {noop_seconds:.2f} s in all", ""]
    found = Breakdown()
    found.students = int(profile["students"])
    found.notebooks = set(profile["notebooks"])
    for phase, by_notebook in profile["by_notebook"].items():
        for notebook, seconds in by_notebook.items():
            found.seconds[phase]["" if notebook == "(process)" else notebook] = \
                seconds * found.students
    graded = found.students * len(found.notebooks)
    for phase, cpu in profile.get("grading_process_cpu_per_notebook", {}).items():
        found.cpu[phase] = cpu * graded
    lines += ["where the time goes (sandboxed, -j 1, the profiled rerun; ms per notebook):",
              *table(found, floor_nb), ""]
    differing = grade_differences(all_runs)
    lines.append("grades: " + ("identical in every run and mode "
                               f"({len(all_runs)} runs of {args.students} students)"
                               if not differing else f"DIFFER: {differing[:5]}"))
    failures = [f for _, run in all_runs for f in run.failures]
    lines += [f"FAILED: {f}" for f in failures]
    sandboxed = figures["sandboxed"]
    targets = [
        (f"-j 1 per notebook ≤ {TARGET_RATIO}× floor (goal {GOAL_RATIO}×)",
         sandboxed["j1_ratio"], sandboxed["j1_ratio"] <= TARGET_RATIO),
        (f"-j {workers} ≥ {TARGET_SPEEDUP}× faster than -j 1 (whole class)",
         sandboxed["speedup"], sandboxed["speedup"] >= TARGET_SPEEDUP),
        (f"rerun: under {TARGET_BEFORE_FIRST:.0f} s before the first student", before_first,
         before_first < TARGET_BEFORE_FIRST)]
    if "unsandboxed" in figures:
        ratio = figures["unsandboxed"]["j1"] / sandboxed["j1"]
        targets.append(("--sandbox off costs no more than the sandbox (-j 1, per notebook)",
                        ratio, ratio <= 1.0))
    targets.append(("the same grades in every run and mode", float(len(differing)),
                    not differing and not failures))
    lines += ["", "Targets (issue 22)"] + [
        f"  {name:<62} {value:8.2f}  {'met' if met else 'NOT MET'}"
        for name, value, met in targets]
    return {"settings": vars(args), "floor": per_notebook_floor, "floor_per_notebook": floor_nb,
            "figures": figures, "before_first_student": before_first,
            "noop_rerun": noop_seconds, "profile": profile, "grade_differences": differing,
            "failures": failures, "lines": lines,
            "targets": [{"target": n, "value": v, "met": m} for n, v, m in targets]}


if __name__ == "__main__":
    sys.exit(main())
