"""Where a grading process's time goes: named spans, summed per notebook and phase.

A span's time is *exclusive*: the time of the spans opened inside it is theirs, not its own,
so the phases of one process add up to its wall-clock time, each second counted once. A part of
a span measured by someone else (the seconds a kernel says it spent running a cell) is moved out
of it into a phase of its own with `carve`.

Off (the default), `span` returns one shared do-nothing context manager: grading pays a function
call per span and nothing else. No pytest, no torch: the batch, the grading process and the
bench use it alike.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROCESS = ""  # the notebook of spans that belong to the whole process (start, collection, ...)
_OFF = contextlib.nullcontext()


@dataclass
class _Open:
    """A span being measured: when it started, and how much of it inner spans took."""

    phase: str
    notebook: str
    started: float
    cpu_started: float
    inner: float = 0.0
    inner_cpu: float = 0.0


@dataclass
class Profile:
    """The totals of one process: seconds and counts per (notebook, phase), and this process's
    CPU seconds in each (what the machine's load does not inflate; a kernel's are its own)."""

    seconds: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    cpu: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    counts: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    notebook: str = PROCESS  # the notebook the next spans belong to
    notes: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # text -> times
    marks: dict[str, float] = field(default_factory=dict)  # moments of note, in seconds
    _stack: list[_Open] = field(default_factory=list)
    _absorbing: int = 0  # > 0: inside a span that keeps its inner spans' time as its own

    @contextlib.contextmanager
    def span(self, phase: str, absorb: bool = False, notebook: str | None = None
             ) -> Iterator[None]:
        """Count the time inside as `phase` of `notebook` (given: also the notebook of the
        spans inside; default: the current one), less inner spans', unless `absorb`: then
        inner spans are not measured, their time is this one's."""
        if self._absorbing:
            yield
            return
        outer, self.notebook = self.notebook, self.notebook if notebook is None else notebook
        opened = _Open(phase, self.notebook, time.perf_counter(), time.process_time())
        self._stack.append(opened)
        self._absorbing += absorb
        try:
            yield
        finally:
            self.notebook = outer if notebook is not None else self.notebook
            self._absorbing -= absorb
            self._stack.pop()
            elapsed = time.perf_counter() - opened.started
            cpu = time.process_time() - opened.cpu_started
            self.add(opened.phase, elapsed - opened.inner, opened.notebook)
            self.cpu[(opened.notebook, opened.phase)] += cpu - opened.inner_cpu
            if self._stack:
                self._stack[-1].inner += elapsed
                self._stack[-1].inner_cpu += cpu

    def carve(self, phase: str, seconds: float) -> None:
        """Move `seconds` of the innermost open span into `phase` (a part measured elsewhere)."""
        if self._absorbing or not self._stack or seconds <= 0:
            return
        current = self._stack[-1]
        seconds = min(seconds, time.perf_counter() - current.started - current.inner)
        current.inner += seconds
        self.add(phase, seconds, current.notebook)

    def add(self, phase: str, seconds: float, notebook: str | None = None) -> None:
        key = (self.notebook if notebook is None else notebook, phase)
        self.seconds[key] += seconds
        self.counts[key] += 1

    def to_json(self) -> dict[str, Any]:
        """{notebook: {phase: {"seconds": s, "count": n}}}, the process's spans as plain data
        (the notes apart: `notes`)."""
        found: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
        for (notebook, phase), seconds in sorted(self.seconds.items()):
            found[notebook][phase] = {"seconds": round(seconds, 6),
                                      "cpu": round(self.cpu.get((notebook, phase), 0.0), 6),
                                      "count": self.counts[(notebook, phase)]}
        return dict(found)


_current: Profile | None = None


def start() -> Profile:
    """Turn profiling on in this process (a fresh profile); returns it."""
    global _current
    _current = Profile()
    return _current


def stop() -> Profile | None:
    global _current
    found, _current = _current, None
    return found


def current() -> Profile | None:
    return _current


def span(phase: str, absorb: bool = False, notebook: str | None = None
         ) -> contextlib.AbstractContextManager[None]:
    """`with span("kernel start"):` counts the time inside as that phase, when profiling."""
    return _OFF if _current is None else _current.span(phase, absorb, notebook)


def carve(phase: str, seconds: float) -> None:
    if _current is not None:
        _current.carve(phase, seconds)


def note(text: str) -> None:
    """Something a profile's reader should know (a kernel started cold: why), counted."""
    if _current is not None:
        _current.notes[text] += 1


def on_notebook(notebook: str) -> None:
    """The spans that follow belong to `notebook` (PROCESS: to the whole process)."""
    if _current is not None:
        _current.notebook = notebook


def seconds_since_process_start() -> float:
    """Linux: since this process was created (forked or started), from /proc, to within a
    clock tick (10 ms); elsewhere 0."""
    try:
        fields = Path("/proc/self/stat").read_text().rpartition(")")[2].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # starttime, field 22
        return max(0.0, time.clock_gettime(time.CLOCK_BOOTTIME) - started)
    except (OSError, ValueError, IndexError, AttributeError):
        return 0.0
