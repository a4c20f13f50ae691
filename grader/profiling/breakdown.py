"""A class's profile: the grading processes' profile.json files summed into one table, per
notebook, with the batch's own work beside it (`grader grade --profile` writes it as
OUT/profile.md and OUT/profile.json; bench/breakdown.py prints it next to the floor).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROFILE_FILE = "profile.json"  # as grader/plugin/profile.py writes it in a report folder
OUTSIDE = "outside pytest (fork, exit, the batch noticing)"  # a student's seconds pytest never saw

# Every phase, in the order of the table, with what it holds. A phase not listed (a new span)
# is shown after these, under its own name.
PHASES: dict[str, str] = {
    "cells: in the kernel": "the notebook's cells, as long as the kernel says it ran them",
    "probes: in the kernel": "the grader's calls into the notebook, kernel side (the "
                             "student's functions, the agent's encoding)",
    "checks (test code)": "the tests' own code in the grading process: comparisons, the "
                          "grader's own computations",
    "kernel start": "asking for a kernel (forked from the fork server) until it runs",
    "kernel ready": "from a running kernel process to its first answer (sandbox entry, "
                    "ipykernel's start, channels)",
    "setup cell": "seeds and threads, run before the first cell",
    "cells: messaging": "each cell's round trip, less the kernel's time",
    "probes: encode": "writing each probe's request",
    "probes: messaging": "each probe's round trip, less the kernel's time",
    "probes: decode": "reading each probe's answer (tensors included)",
    "reference answers": "the reference solution's answers (from the cache; a miss runs it)",
    "reading the solution's cells": "which solution cell defines each name (for messages)",
    "kernel shutdown": "stopping the kernel, removing its folders",
    "fixtures": "pytest fixtures' own work",
    "pytest's own work": "pytest's machinery: each test's protocol, reports, the terminal",
    "collection": "importing and collecting the test modules",
    "grading process start": "from the process's creation (fork) to pytest's configure",
    "results writing": "results.json, summary.md, the session's end",
    OUTSIDE: "a student's seconds in the batch that the grading process did not see",
}
STUDENTS_CODE = ("cells: in the kernel", "probes: in the kernel")


@dataclass
class Breakdown:
    """Seconds summed over the students of a class, per phase and notebook ("" = the whole
    grading process, no notebook of its own)."""

    students: int = 0
    notebooks: set[str] = field(default_factory=set)
    seconds: dict[str, dict[str, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float)))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    cpu: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # grading process
    student_seconds: float = 0.0  # the students' records' seconds, summed
    batch: dict[str, float] = field(default_factory=dict)  # the batch's own phases
    notes: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add_student(self, profile: dict[str, Any], record_seconds: float | None) -> None:
        self.students += 1
        for notebook, phases in profile.get("spans", {}).items():
            if notebook:
                self.notebooks.add(notebook)
            for phase, measured in phases.items():
                self.seconds[phase][notebook] += float(measured["seconds"])
                self.cpu[phase] += float(measured.get("cpu", 0.0))
                self.counts[phase] += int(measured["count"])
        for text, times in profile.get("notes", {}).items():
            self.notes[text] += int(times)
        if record_seconds is not None:
            self.student_seconds += record_seconds
            outside = record_seconds - float(profile.get("seconds", 0.0))
            self.seconds[OUTSIDE][""] += max(0.0, outside)

    def cpu_per_notebook(self, phase: str) -> float:
        graded = self.students * max(1, len(self.notebooks))
        return self.cpu.get(phase, 0.0) / graded if graded else 0.0

    def phase_total(self, phase: str) -> float:
        return sum(self.seconds.get(phase, {}).values())

    def per_notebook(self, phase: str) -> float:
        """Mean seconds of `phase` per graded notebook (a process's phase shared among its
        notebooks)."""
        graded = self.students * max(1, len(self.notebooks))
        return self.phase_total(phase) / graded if graded else 0.0

    def phases(self) -> list[str]:
        known = [p for p in PHASES if p in self.seconds]
        return known + sorted(p for p in self.seconds if p not in PHASES)

    @property
    def total_per_notebook(self) -> float:
        return sum(self.per_notebook(p) for p in self.phases())

    @property
    def students_code_per_notebook(self) -> float:
        return sum(self.per_notebook(p) for p in STUDENTS_CODE)

    def to_json(self) -> dict[str, Any]:
        return {"students": self.students, "notebooks": sorted(self.notebooks),
                "per_notebook": {p: round(self.per_notebook(p), 6) for p in self.phases()},
                "grading_process_cpu_per_notebook": {p: round(self.cpu_per_notebook(p), 6)
                                                     for p in self.phases() if p in self.cpu},
                "by_notebook": {p: {nb or "(process)": round(s / max(1, self.students), 6)
                                    for nb, s in sorted(self.seconds[p].items())}
                                for p in self.phases()},
                "counts_per_notebook": {p: self.counts[p] / max(1, self.students
                                                                * len(self.notebooks))
                                        for p in self.phases() if p in self.counts},
                "student_seconds": self.student_seconds, "batch": self.batch,
                "notes": dict(self.notes)}


def collect(folders: Iterable[Path], record_seconds: dict[Path, float] | None = None
            ) -> Breakdown:
    """The breakdown of the report folders that hold a profile.json."""
    found = Breakdown()
    for folder in folders:
        path = folder / PROFILE_FILE
        if not path.is_file():
            continue
        profile = json.loads(path.read_text(encoding="utf-8"))
        found.add_student(profile, (record_seconds or {}).get(folder))
    return found


def table(found: Breakdown, floor: float | None = None) -> list[str]:
    """Markdown: a row per phase, seconds per graded notebook and per notebook of the course,
    share of the total and, given the floor (seconds per notebook), ratio to it; the grading
    process's CPU milliseconds per notebook in the phase (kernels' phases: little)."""
    notebooks = sorted(found.notebooks)
    total = found.total_per_notebook
    head = ["phase", "per notebook", "share", *(["÷ floor"] if floor else []),
            "grader CPU", *(n.split("_")[0] for n in notebooks), "what it is"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for phase in found.phases():
        mean = found.per_notebook(phase)
        by = found.seconds[phase]
        cells = [phase, f"{mean * 1000:.1f} ms", f"{mean / total:.1%}" if total else "",
                 *([f"{mean / floor:.2f}"] if floor else []),
                 f"{found.cpu_per_notebook(phase) * 1000:.1f}" if phase in found.cpu else "",
                 *(f"{by.get(n, 0.0) / max(1, found.students) * 1000:.0f}" for n in notebooks),
                 PHASES.get(phase, "")]
        lines.append("| " + " | ".join(cells) + " |")
    cpu = sum(found.cpu_per_notebook(p) for p in found.phases())
    lines.append("| " + " | ".join(["total", f"{total * 1000:.1f} ms", "100%",
                                    *([f"{total / floor:.2f}"] if floor else []),
                                    f"{cpu * 1000:.1f}", *("" for _ in notebooks), ""]) + " |")
    return lines


def batch_lines(found: Breakdown) -> list[str]:
    return [f"- {phase}: {seconds:.2f} s" for phase, seconds in found.batch.items()]


def note_lines(found: Breakdown) -> list[str]:
    return [f"- {text} ({times}×)" for text, times in sorted(found.notes.items())]
