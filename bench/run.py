"""Run the whole benchmark: `python -m bench.run [--quick] [--repeat N] [--students N]`.

Prints the machine, then three tables of seconds and ratios measured side by side in this run
and the targets of issues 5 and 6 with a verdict each, and writes the same as JSON to bench/out/.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench import (
    baseline_env,
    class_builder,
    class_grading,
    machine,
    nbgrader_baseline,
    report,
    single_notebook,
    targets,
)
from bench import floor as floor_of
from bench.class_result import MODES
from bench.nbgrader_baseline import NbgraderResult
from bench.single_notebook import SOLUTIONS

NOTEBOOKS = ("01_tensors_and_loss.ipynb", "02_training_loop.ipynb")
OUT = Path(__file__).resolve().parent / "out"
_START = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _START:6.0f} s] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="a class of 4 students and 1 repetition")
    parser.add_argument("--repeat", type=int, default=None,
                        help="repetitions of each single-notebook run, median reported "
                             "(default 3; 1 with --quick)")
    parser.add_argument("--students", type=int, default=None,
                        help="size of the synthetic class (default 20; 4 with --quick)")
    parser.add_argument("--notebooks", nargs="+", default=list(NOTEBOOKS), metavar="NAME",
                        help="notebooks of solutions/ measured one by one in part 1 "
                             "(default: %(default)s)")
    parser.add_argument("--class-notebooks", nargs="+", metavar="NAME",
                        default=sorted(p.name for p in SOLUTIONS.glob("*.ipynb")),
                        help="what each student of the class hands in (default: the whole "
                             "course)")
    parser.add_argument("--class-runner", choices=("auto", "pytest", "grade"), default="auto",
                        help="grade the class with `grader grade` where the kit has it (auto), "
                             "or one pytest per student")
    parser.add_argument("--workers", type=int, default=2, help="workers of the parallel runs")
    parser.add_argument("--skip-cold", action="store_true",
                        help="grade the class warm only (the cold class runs are slow); part 1 "
                             "still has its `grader check --cold` row")
    parser.add_argument("--skip-nbgrader", action="store_true",
                        help="do not set up or run the nbgrader and nbconvert baselines")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--out", type=Path, default=OUT, help="folder of the JSON results")
    args = parser.parse_args(argv)
    args.repeat = args.repeat or (1 if args.quick else 3)
    args.students = args.students or (4 if args.quick else 20)
    if args.students < class_builder.SMALL + 1:
        parser.error(f"--students must be at least {class_builder.SMALL + 1}")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    host = machine.describe()
    work = Path(tempfile.mkdtemp(prefix="grader-bench-"))
    log(f"working in {work}")
    try:
        env, env_error = _baseline(args)
        log("part 1: one notebook, five ways")
        single = single_notebook.measure(args.notebooks, work / "single", args.repeat, env, log)
        log(f"part 2: building a class of {args.students} students x "
            f"{len(args.class_notebooks)} notebooks")
        students = class_builder.build_class(args.students, work / "class",
                                             args.class_notebooks, log)
        log("part 2: the floor, the class's notebooks warm in one process (bench/floor.py)")
        floor = sum(floor_of.measure([SOLUTIONS / n for n in args.class_notebooks],
                                     repeat=args.repeat).values())
        runner = args.class_runner
        if runner == "auto":
            runner = "grade" if class_grading.grade_command_available() else "pytest"
        modes = tuple(m for m in MODES if m != "cold") if args.skip_cold else MODES
        klass = class_grading.measure(students, work / "grading", runner, args.workers, modes,
                                      log)
        nbgrader, nbgrader_error = _nbgrader(students, work / "nbgrader", env, env_error)
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    load_after = machine.current_load()

    lines = ["Benchmark of the grading kit, measured side by side in one run", "", "Machine:"]
    lines += [f"  {line}" for line in host.lines()]
    lines.append(f"  load average at end (1 min): {load_after:.2f}")
    if env is not None:
        lines.append(f"  baselines: nbgrader {env.nbgrader_version}, nbconvert "
                     f"{env.nbconvert_version} in bench/.venv-nbgrader (torch {env.torch_version})")
    lines.append("")
    lines += report.single_notebook_table(single, args.repeat)
    if env is None:
        lines.append(f"     jupyter nbconvert --execute: NOT MEASURED: {env_error}")
    lines.append("")
    lines += report.class_table(klass, floor, args.class_notebooks)
    lines.append("")
    lines += report.nbgrader_table(nbgrader, nbgrader_error, klass, floor)
    lines.append("")
    found = targets.targets(single, klass, nbgrader, nbgrader_error)
    lines += targets.lines(found)
    lines.append("")
    lines.append(f"total time of the benchmark: {time.perf_counter() - _START:.0f} s")
    print("\n".join(lines))

    settings = {"repeat": args.repeat, "students": args.students, "notebooks": args.notebooks,
                "class_notebooks": args.class_notebooks,
                "class_runner": klass.runner, "workers": args.workers, "quick": args.quick,
                "class_modes": list(modes),
                "load_average_at_end": load_after,
                "finished": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    doc = report.document(host, settings, single, klass, nbgrader, nbgrader_error, floor, found)
    _write(doc, args.out)
    return 0


def _baseline(args: argparse.Namespace) -> tuple[baseline_env.BaselineEnv | None, str]:
    if args.skip_nbgrader:
        return None, "skipped (--skip-nbgrader)"
    try:
        env = baseline_env.ensure(log=log)
    except baseline_env.BaselineUnavailable as exc:
        log(f"nbgrader/nbconvert environment unavailable: {exc}")
        return None, str(exc)
    if env.setup_seconds:
        log(f"baseline environment ready in {env.setup_seconds:.0f} s (not counted)")
    return env, ""


def _nbgrader(students: list[class_builder.Student], work: Path,
              env: baseline_env.BaselineEnv | None,
              env_error: str) -> tuple[NbgraderResult | None, str]:
    if env is None:
        return None, env_error
    log("part 3: nbgrader autograde of the same class")
    try:
        return nbgrader_baseline.measure(students, work, env, log), ""
    except (nbgrader_baseline.NbgraderFailed, OSError, ValueError) as exc:
        log(f"nbgrader failed: {exc}")
        return None, f"nbgrader failed: {exc}"


def _write(doc: dict[str, object], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    text = json.dumps(doc, indent=2, default=_json_default)
    for path in (out / f"results-{stamp}.json", out / "latest.json"):
        path.write_text(text + "\n", encoding="utf-8")
    log(f"wrote {out / f'results-{stamp}.json'} and latest.json")


def _json_default(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


if __name__ == "__main__":
    sys.exit(main())
