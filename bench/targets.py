"""The targets of issues 5, 6 and 10, each with the value this run measured and a verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bench.class_result import ClassResult, ClassRun
from bench.nbgrader_baseline import NbgraderResult
from bench.single_notebook import NotebookResult

CHECK_VS_FLOOR = 1.0  # `grader check` (warm) no slower than `python script.py`
SPEEDUP = 1.8  # 2 workers against 1, warm
SHARE_OF_NBGRADER = 0.10  # the kit's marginal cost per notebook on 2 workers ÷ nbgrader's
SHOWN_DIFFERENCES = 5  # students whose differing grades are named
SANDBOX_COST = 1.10  # sandboxed ÷ unsandboxed, per notebook


@dataclass(frozen=True)
class Target:
    target: str
    measured: str
    met: bool | None  # None: not measured
    details: tuple[str, ...] = ()  # printed under the table

    @property
    def verdict(self) -> str:
        return {True: "met", False: "NOT MET", None: "not measured"}[self.met]


def targets(single: list[NotebookResult], klass: ClassResult | None,
            nbgrader: NbgraderResult | None, nbgrader_error: str) -> list[Target]:
    found = [_check_vs_floor(result) for result in single]
    found += [_sandbox_cost_of_a_check(result) for result in single]
    found += _sandbox_cost_in_a_class(klass)
    warm = klass.mode("warm") if klass else None
    workers = klass.workers if klass else 2
    name = f"class, {workers} workers vs 1 (warm): speedup ≥ {SPEEDUP}×"
    if warm is None:
        found.append(Target(name, "no warm class runs", None))
    else:
        found.append(_target(name, f"{warm.speedup:.2f}×", warm.speedup,
                             warm.speedup >= SPEEDUP))
    found.append(_share_of_nbgrader(workers, klass, nbgrader, nbgrader_error))
    found.append(_identical_grades(klass))
    return found


def lines(found: list[Target]) -> list[str]:
    width = max(len(t.target) for t in found)
    measured = max(len(t.measured) for t in found)
    rows = [("target", "measured", "verdict")] + [(t.target, t.measured, t.verdict) for t in found]
    return ["Targets (issues 5, 6 and 10)"] + [
        f"   {target:<{width}}  {value:<{measured}}  {verdict}" for target, value, verdict in rows
    ] + [f"     - {detail}" for t in found for detail in t.details]


def _target(name: str, measured: str, value: float, met: bool) -> Target:
    if math.isnan(value):
        return Target(name, "n/a", None)
    return Target(name, measured, met)


def _check_vs_floor(result: NotebookResult) -> Target:
    name = f"grader check (warm) ÷ floor ≤ {CHECK_VS_FLOOR:.1f}, {result.notebook}"
    check = result.way("check")
    if check.failure or result.way("floor").failure:
        return Target(name, "a run failed", None)
    ratio = result.ratio("check")
    return _target(name, f"{ratio:.2f} ({check.median:.2f} s ÷ {result.floor:.2f} s)",
                   ratio, ratio <= CHECK_VS_FLOOR)


def _sandbox_cost_of_a_check(result: NotebookResult) -> Target:
    name = f"sandbox's cost, grader check (warm) ≤ {SANDBOX_COST:.2f}×, {result.notebook}"
    on, off = result.way("check"), result.way("check_unsandboxed")
    if on.failure or off.failure:
        return Target(name, "a run failed", None)
    ratio = on.median / off.median
    return _target(name, f"{ratio:.2f}× ({on.median:.2f} s ÷ {off.median:.2f} s)", ratio,
                   ratio <= SANDBOX_COST)


def _sandbox_cost_in_a_class(klass: ClassResult | None) -> list[Target]:
    on = klass.mode("warm") if klass else None
    off = klass.mode("unsandboxed") if klass else None
    workers = klass.workers if klass else 2
    found = []
    for label, figure in (("1 worker", "per_notebook"),
                          (f"{workers} workers", "parallel_per_notebook")):
        name = (f"sandbox's cost, class, {label}: cost per notebook sandboxed ÷ unsandboxed "
                f"≤ {SANDBOX_COST:.2f}×")
        if on is None or off is None:
            found.append(Target(name, "no unsandboxed class runs", None))
            continue
        mine, theirs = getattr(on, figure), getattr(off, figure)
        ratio = mine / theirs
        found.append(_target(name, f"{ratio:.2f}× ({mine:.2f} s ÷ {theirs:.2f} s)", ratio,
                             ratio <= SANDBOX_COST))
    return found


def _share_of_nbgrader(workers: int, klass: ClassResult | None,
                       nbgrader: NbgraderResult | None, nbgrader_error: str) -> Target:
    name = (f"class, {workers} workers (warm): cost per notebook "
            f"≤ {SHARE_OF_NBGRADER:.0%} of nbgrader's")
    warm = klass.mode("warm") if klass else None
    if nbgrader is None:
        return Target(name, nbgrader_error, None)
    if warm is None:
        return Target(name, "no warm class runs", None)
    kit, theirs = warm.parallel_per_notebook, nbgrader.per_notebook
    ratio = kit / theirs
    return _target(name, f"{ratio:.1%} ({kit:.2f} s ÷ {theirs:.2f} s)", ratio,
                   ratio <= SHARE_OF_NBGRADER)


def _identical_grades(klass: ClassResult | None) -> Target:
    modes = [m.mode for m in klass.modes] if klass else ["warm", "cold", "unsandboxed"]
    name = f"{' vs '.join(modes)}: same points per test, every student"
    if klass is None or len(modes) < 2:
        return Target(name, "one mode of class runs only", None)
    runs = [(f"{m.mode} -j {run.workers}", run) for m in klass.modes
            for run in (m.serial, m.parallel)]
    if any(not run.per_student for _, run in runs):
        return Target(name, "a class run left no grades", None)
    differing = grade_differences(runs)
    students = runs[0][1].students
    if not differing:
        return Target(name, f"identical ({students} students, {len(runs)} runs)", True)
    more = len(differing) - SHOWN_DIFFERENCES
    details = (*differing[:SHOWN_DIFFERENCES], *([f"and {more} more"] if more > 0 else []))
    return Target(name, f"differ ({len(differing)} differences, below)", False, details)


def grade_differences(runs: list[tuple[str, ClassRun]]) -> list[str]:
    """Students whose points (per test) or reason differ from the first run's, and where."""
    first_label, first = runs[0]
    reference = {g.student: g for g in first.per_student}
    differing = []
    for label, run in runs[1:]:
        theirs = {g.student: g for g in run.per_student}
        for student in sorted(reference.keys() | theirs.keys()):
            mine, other = reference.get(student), theirs.get(student)
            if mine is None or other is None:
                differing.append(f"{student} graded in only one of {first_label}, {label}")
                continue
            tests = sorted(t for t in mine.tests.keys() | other.tests.keys()
                           if mine.tests.get(t) != other.tests.get(t))
            if mine.returncode != other.returncode:
                tests.append("a reason instead of a grade in one of them")
            if tests:
                differing.append(f"{student} ({label} vs {first_label}): {', '.join(tests)}")
    return differing
