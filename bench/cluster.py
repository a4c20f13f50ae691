"""Past one machine: `python -m bench.cluster [--students N] [--repeat R] [--quick]`.

Grades one synthetic class (bench/class_builder.py) with `grader grade` three ways, side by
side in one run: on this machine with `-j 1` and `-j 2`, and through `--scheduler` on a local
Dask cluster of two workers (a `dask scheduler` and two `dask worker --nworkers 1 --nthreads 1`
processes on 127.0.0.1, started for the benchmark and stopped after it). Prints students per
second for each, and the Dask path's overhead per student over the local batch with the same
two graders at once (goal: under 0.1 s), and writes the figures to bench/out/cluster-*.json.

Each way makes one uncounted warm-up run (it fills its output's reference cache and, for the
cluster, starts the workers' grading daemon, as a cluster that has graded before has). Then, per
repetition, the whole class and a small class (2 students) each way, the order rotating between
repetitions; the median of the repetitions is reported. The overhead per student is the
difference of the marginal costs (the slope between the small and the whole class), so fixed
costs of a run (the command, the reference check, the connection to the scheduler) are set
apart; the difference of the whole-class totals divided by the class is printed too.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from bench import class_builder, machine
from bench.single_notebook import KIT_ROOT, grader_command
from bench.timing import median, run_timed
from tests.cluster_processes import local_cluster

NOTEBOOKS = ("01_tensors_and_loss.ipynb", "02_training_loop.ipynb")
OUT = Path(__file__).resolve().parent / "out"
SMALL = 2  # students in the small class: two graders busy, as in the whole class
GOAL = 0.1  # seconds of overhead per student, Dask over the local batch
WAYS = ("local -j 1", "local -j 2", "dask, 2 workers")
_START = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _START:6.0f} s] {message}", file=sys.stderr, flush=True)


@dataclass
class Way:
    name: str
    whole: list[float] = field(default_factory=list)  # seconds, one per repetition
    small: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def per_student(self, students: int) -> float:
        """Marginal seconds per student: the slope between the small and the whole class."""
        return (median(self.whole) - median(self.small)) / (students - SMALL)

    def students_per_second(self, students: int) -> float:
        return students / median(self.whole)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=None, help="class size (default 20)")
    parser.add_argument("--repeat", type=int, default=None, help="repetitions (default 3)")
    parser.add_argument("--quick", action="store_true", help="6 students, 1 repetition")
    parser.add_argument("--out", type=Path, default=OUT, help="folder of the JSON results")
    args = parser.parse_args(argv)
    students = args.students or (6 if args.quick else 20)
    repeat = args.repeat or (1 if args.quick else 3)
    if students <= SMALL:
        parser.error(f"--students must be more than {SMALL}")
    host = machine.describe()
    work = Path(tempfile.mkdtemp(prefix="grader-bench-cluster-"))
    try:
        ways = _measure(work, students, repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = _table(ways, students, repeat, host)
    print("\n".join(lines))
    _write(args.out, host, students, repeat, ways)
    return 0 if not any(way.failures for way in ways.values()) else 1


def _measure(work: Path, students: int, repeat: int) -> dict[str, Way]:
    log(f"building a class of {students} students in {work}")
    built = class_builder.build_class(students, work / "class", list(NOTEBOOKS), log)
    whole = built[0].folder.parent
    small = work / "small"
    for student in built[:SMALL]:
        shutil.copytree(student.folder, small / student.id)
    assignments = [a for name in NOTEBOOKS for a in ("--assignment", Path(name).stem)]
    ways = {name: Way(name) for name in WAYS}
    log("starting a Dask scheduler and 2 workers on 127.0.0.1")
    with local_cluster(work / "cluster") as cluster:
        flags = {"local -j 1": ["-j", "1"], "local -j 2": ["-j", "2"],
                 "dask, 2 workers": ["--scheduler", cluster.address]}

        def grade(way: str, submissions: Path) -> float:
            out = work / f"out-{WAYS.index(way)}"
            run = run_timed([grader_command(), "grade", submissions, "--out", out, "--force",
                             *assignments, *flags[way]], cwd=KIT_ROOT)
            if not run.ok:
                ways[way].failures.append(f"exit {run.returncode}: {run.tail[-400:]}")
            return run.seconds

        for way in WAYS:
            log(f"  warm-up, {way} (not counted)")
            grade(way, small)
        for repetition in range(repeat):
            order = WAYS[repetition % 3:] + WAYS[:repetition % 3]
            for way in order:
                log(f"  repetition {repetition + 1}/{repeat}: {way}, {students} students")
                ways[way].whole.append(grade(way, whole))
                log(f"  repetition {repetition + 1}/{repeat}: {way}, {SMALL} students")
                ways[way].small.append(grade(way, small))
    return ways


def _table(ways: dict[str, Way], students: int, repeat: int, host: machine.Machine
           ) -> list[str]:
    lines = ["Grading a class past one machine, measured side by side in one run", "",
             "Machine:", *(f"  {line}" for line in host.lines()), "",
             f"A class of {students} students × {len(NOTEBOOKS)} notebooks "
             f"({', '.join(NOTEBOOKS)}), median of {repeat}",
             f"   {'':<34}{'class':>9}{'students/s':>12}{'per student':>13}"]
    for way in ways.values():
        if way.failures:
            lines.append(f"   {way.name:<34}  FAILED ({len(way.failures)} runs, below)")
            continue
        lines.append(f"   {way.name:<34}{median(way.whole):8.2f}s"
                     f"{way.students_per_second(students):12.2f}"
                     f"{way.per_student(students):12.2f}s")
    lines.append(f"   (per student: the slope between {SMALL} students and the whole class)")
    local, dask = ways["local -j 2"], ways["dask, 2 workers"]
    marginal = dask.per_student(students) - local.per_student(students)
    total = (median(dask.whole) - median(local.whole)) / students
    verdict = "met" if marginal < GOAL else "NOT MET"
    if local.failures or dask.failures:
        verdict = "not measured: a run failed (below)"
    lines += ["", "Dask overhead per student over the local batch (-j 2, the same 2 graders):",
              f"   marginal: {marginal:+.3f} s   (goal < {GOAL} s: {verdict})",
              f"   whole class, total difference ÷ students: {total:+.3f} s",
              f"   speed-up, local -j 2 vs -j 1: "
              f"{median(ways['local -j 1'].whole) / median(local.whole):.2f}×"]
    lines += [f"   FAILED {way.name}: {failure}" for way in ways.values()
              for failure in way.failures]
    lines.append(f"total time of the benchmark: {time.perf_counter() - _START:.0f} s")
    return lines


def _write(out: Path, host: machine.Machine, students: int, repeat: int,
           ways: dict[str, Way]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    local, dask = ways["local -j 2"], ways["dask, 2 workers"]
    doc = {"machine": asdict(host), "students": students, "repeat": repeat,
           "notebooks": list(NOTEBOOKS), "small_class": SMALL,
           "ways": {name: {**asdict(way), "median_whole": median(way.whole),
                           "students_per_second": way.students_per_second(students),
                           "per_student": way.per_student(students)}
                    for name, way in ways.items()},
           "dask_overhead_per_student": dask.per_student(students) - local.per_student(students),
           "dask_overhead_whole_class": (median(dask.whole) - median(local.whole)) / students}
    path = out / f"cluster-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    log(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
