"""The printed tables and the JSON document of one benchmark run."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from bench.class_builder import SMALL
from bench.class_result import ClassResult, ModeResult
from bench.machine import Machine
from bench.nbgrader_baseline import NbgraderResult
from bench.single_notebook import NotebookResult
from bench.targets import Target


def _s(seconds: float) -> str:
    return "    n/a" if math.isnan(seconds) else f"{seconds:7.2f}"


def _x(ratio: float) -> str:
    return "   n/a" if math.isnan(ratio) else f"{ratio:5.1f}×"


def _students(count: int) -> str:
    return f"{count} student" + ("s" if count != 1 else "")


def single_notebook_table(results: list[NotebookResult], repeat: int) -> list[str]:
    lines = [f"1. One notebook, seven ways (median of {repeat}, after 1 uncounted warm-up round)"]
    for result in results:
        lines.append(f"   {result.notebook:<36} {'seconds':>8} {'÷ floor':>8}")
        for way in result.ways:
            if way.failure:
                lines.append(f"     {way.label:<34} FAILED: {way.failure.splitlines()[0]}")
                continue
            lines.append(f"     {way.label:<34} {_s(way.median)} {_x(result.ratio(way.key)):>8}")
    return lines


def class_table(result: ClassResult, floor: float, notebooks: list[str]) -> list[str]:
    modes = result.modes
    first = modes[0]
    workers = result.workers
    lines = [f"2. A class of {first.serial.students} students × {result.notebooks_per_student} "
             f"notebooks ({', '.join(notebooks)})",
             f"   runner: {result.command}",
             "   " + ("warm and cold runs alternate (ABBA); " if len(modes) > 1 else "")
             + "1 uncounted warm-up run",
             f"     {'':<44}" + "".join(f"{m.mode:>13}" for m in modes)]
    rows: list[tuple[str, Callable[[ModeResult], str]]] = [
        ("1 worker : total", lambda m: f"{_s(m.serial.total_seconds)} s"),
        (f"{workers} workers: total", lambda m: f"{_s(m.parallel.total_seconds)} s"),
        (f"speedup, {workers} workers vs 1", lambda m: _x(m.speedup)),
        ("1 worker : marginal cost per student", lambda m: f"{_s(m.per_student)} s"),
        (f"           ÷ floor of a student ({floor:.2f} s, warm)",
         lambda m: _x(m.per_student / floor)),
        ("1 worker : marginal cost per notebook", lambda m: f"{_s(m.per_notebook)} s"),
        (f"{workers} workers: marginal cost per notebook",
         lambda m: f"{_s(m.parallel_per_notebook)} s"),
        ("1 worker : one student, median", lambda m: f"{_s(m.median_student_seconds)} s"),
        ("1 worker : full marks", lambda m: f"{m.full_marks:>4} of {len(m.serial.per_student)}"),
    ]
    lines += [f"     {label:<44}" + "".join(f"{cell(m):>13}" for m in modes)
              for label, cell in rows]
    lines += _slopes(first, workers)
    lines += [f"     FAILED: {failure}" for m in modes for failure in m.failures]
    return lines


def _slopes(mode: ModeResult, workers: int) -> list[str]:
    """Where the marginal costs come from."""
    if mode.small_serial is None or mode.small_parallel is None:
        return [f"     (marginal cost: total ÷ class size; with {workers} workers, "
                "total wall time ÷ class size)"]
    small = _students(mode.small_serial.students)
    return [f"     (marginal cost: slope of the total between {small} and the whole class, "
            "on 1 worker;",
            f"      between {_students(mode.small_parallel.students)} and the whole class, "
            f"on {workers} workers: every worker busy)", *_uneven(mode, workers)]


def _uneven(mode: ModeResult, workers: int) -> list[str]:
    """A warning when the last students of the parallel run find workers idle."""
    small, full = mode.small_parallel, mode.parallel
    beyond = full.students - small.students if small else 0
    if small is None or beyond % workers == 0:
        return []
    return [f"     (the students beyond the small class ({beyond}) are not a multiple of "
            f"{workers}: the last runs alone, the {workers}-worker slope is inflated)"]


def nbgrader_table(result: NbgraderResult | None, error: str, kit: ClassResult | None,
                   floor: float) -> list[str]:
    if result is None:
        return ["3. nbgrader autograde: NOT MEASURED", f"   {error}"]
    full = sum(1 for score, top in result.scores.values() if score == top)
    lines = [f"3. nbgrader autograde (nbgrader {result.nbgrader_version}), the same class",
             f"     {_students(SMALL)}: {_s(result.small_seconds)} s   "
             f"{_students(result.students)}: {_s(result.full_seconds)} s",
             f"     marginal cost per student  {_s(result.per_student)} s   "
             f"÷ floor of a student: {_x(result.per_student / floor)}",
             f"     marginal cost per notebook {_s(result.per_notebook)} s",
             f"     full marks: {full} of {len(result.scores)} students (its own asserts)"]
    warm = kit.mode("warm") if kit is not None else None
    if kit is not None and warm is not None:
        lines.append(f"     kit ({kit.runner}, warm, 1 worker) per student ÷ nbgrader per "
                     f"student: {_x(warm.per_student / result.per_student)}")
    return lines


def document(machine: Machine, settings: dict[str, Any], single: list[NotebookResult],
             klass: ClassResult | None, nbgrader: NbgraderResult | None, nbgrader_error: str,
             floor: float, found: list[Target]) -> dict[str, Any]:
    """Everything measured, as plain data for bench/out/*.json."""
    doc: dict[str, Any] = {"machine": asdict(machine), "settings": settings,
                           "single_notebook": [], "class": None, "nbgrader": None}
    for result in single:
        doc["single_notebook"].append({
            "notebook": result.notebook,
            "ways": [{**asdict(way), "median": way.median,
                      "ratio_to_floor": result.ratio(way.key) if not way.failure else None}
                     for way in result.ways]})
    if klass is not None:
        doc["class"] = {**asdict(klass), "floor_per_student": floor,
                        "figures": {m.mode: {**m.figures(),
                                             "per_student_ratio_to_floor": m.per_student / floor}
                                    for m in klass.modes}}
    if nbgrader is not None:
        doc["nbgrader"] = {**asdict(nbgrader), "per_student": nbgrader.per_student,
                           "per_notebook": nbgrader.per_notebook,
                           "per_student_ratio_to_floor": nbgrader.per_student / floor}
    else:
        doc["nbgrader"] = {"error": nbgrader_error}
    doc["targets"] = [{**asdict(t), "verdict": t.verdict} for t in found]
    return doc
