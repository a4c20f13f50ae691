"""The printed tables and the JSON document of one benchmark run."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from bench.class_builder import SMALL
from bench.class_grading import ClassResult
from bench.machine import Machine
from bench.nbgrader_baseline import NbgraderResult
from bench.single_notebook import NotebookResult


def _s(seconds: float) -> str:
    return "    n/a" if math.isnan(seconds) else f"{seconds:7.2f}"


def _x(ratio: float) -> str:
    return "   n/a" if math.isnan(ratio) else f"{ratio:5.1f}×"


def _students(count: int) -> str:
    return f"{count} student" + ("s" if count != 1 else "")


def single_notebook_table(results: list[NotebookResult], repeat: int) -> list[str]:
    lines = [f"1. One notebook, four ways (median of {repeat}, after 1 uncounted warm-up round)"]
    for result in results:
        lines.append(f"   {result.notebook:<36} {'seconds':>8} {'÷ floor':>8}")
        for way in result.ways:
            if way.failure:
                lines.append(f"     {way.label:<34} FAILED: {way.failure.splitlines()[0]}")
                continue
            lines.append(f"     {way.label:<34} {_s(way.median)} {_x(result.ratio(way.key)):>8}")
    return lines


def class_floor(results: list[NotebookResult], notebooks: list[str]) -> float:
    """Seconds of the plain scripts of one student's notebooks: the floor of grading a student."""
    floors = {r.notebook: r.floor for r in results}
    return sum(floors.get(name, math.nan) for name in notebooks)


def class_table(result: ClassResult, floor: float, notebooks: list[str]) -> list[str]:
    serial, parallel = result.serial, result.parallel
    lines = [f"2. A class of {serial.students} students × {result.notebooks_per_student} notebooks "
             f"({', '.join(notebooks)})",
             f"   runner: {result.command}",
             f"     1 worker : total {_s(serial.total_seconds)} s",
             f"     {parallel.workers} workers: total {_s(parallel.total_seconds)} s   "
             f"speedup {_x(result.speedup)}",
             f"     marginal cost per student  {_s(result.per_student)} s   "
             f"÷ floor of a student ({floor:.2f} s): {_x(result.per_student / floor)}",
             f"     marginal cost per notebook {_s(result.per_notebook)} s"]
    if result.small is not None:
        lines.append(f"     (slope between {_students(result.small.students)} "
                     f"({result.small.total_seconds:.2f} s) and the whole class)")
    if serial.per_student:
        graded = [g for g in serial.per_student if g.score is not None]
        full = sum(1 for g in graded if g.score == g.max_score)
        lines.append(f"     one student: median {_s(result.median_student_seconds).strip()} s; "
                     f"full marks: {full} of {len(serial.per_student)} students")
    lines += [f"     FAILED: {failure}" for failure in serial.failures + parallel.failures]
    return lines


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
    if kit is not None:
        lines.append(f"     kit ({kit.runner}, 1 worker) per student ÷ nbgrader per student: "
                     f"{_x(kit.per_student / result.per_student)}")
    return lines


def document(machine: Machine, settings: dict[str, Any], single: list[NotebookResult],
             klass: ClassResult | None, nbgrader: NbgraderResult | None, nbgrader_error: str,
             floor: float) -> dict[str, Any]:
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
        doc["class"] = {**asdict(klass), "per_student": klass.per_student,
                        "per_notebook": klass.per_notebook, "speedup": klass.speedup,
                        "floor_per_student": floor,
                        "per_student_ratio_to_floor": klass.per_student / floor}
    if nbgrader is not None:
        doc["nbgrader"] = {**asdict(nbgrader), "per_student": nbgrader.per_student,
                           "per_notebook": nbgrader.per_notebook,
                           "per_student_ratio_to_floor": nbgrader.per_student / floor}
    else:
        doc["nbgrader"] = {"error": nbgrader_error}
    return doc
