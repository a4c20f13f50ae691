"""What a TA sees while a class is graded: one line per student graded, and a live line saying
who is being graded, on which notebook, for how long (rewritten in place on a terminal; in a
log, a line every STILL_EVERY seconds while a student runs)."""

from __future__ import annotations

import os
import sys
import time

from grader.reports.sanitize import clean_name

EVERY_ENV = "GRADER_PROGRESS_EVERY"  # seconds between "grading: ..." lines in a log
STILL_EVERY = 30.0  # its default: when stderr is not a terminal


class Progress:
    def __init__(self, total: int, already_done: int) -> None:
        self.total = total
        self.done = already_done
        self.started = time.monotonic()
        self.live = sys.stderr.isatty()
        self.every = float(os.environ.get(EVERY_ENV) or STILL_EVERY)
        self._shown = ""
        self._last_still = time.monotonic()

    def note(self, text: str) -> None:
        self._print(f"{self._clock()}  {text}")

    def advance(self, student: str, summary: str) -> None:
        self.done += 1
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        bar = "#" * filled + "." * (width - filled)
        self._print(f"[{bar}] {self.done}/{self.total}  {self._clock()}  "
                    f"{clean_name(student)}: {clean_name(summary, 500)}")

    def running(self, runs: list[tuple[str, str, float]]) -> None:
        """(student, notebook, seconds) of the students being graded now."""
        now = ", ".join(f"{clean_name(student)} on {clean_name(notebook) or 'starting'} "
                        f"({seconds:.0f} s)" for student, notebook, seconds in runs)
        line = f"  grading: {now}" if now else ""
        if self.live:
            self._rewrite(line)
        elif line and time.monotonic() - self._last_still >= self.every:
            self._last_still = time.monotonic()
            print(f"{self._clock()} {line.strip()}", file=sys.stderr, flush=True)

    def _print(self, text: str) -> None:
        shown, self._shown = self._shown, ""
        if shown:
            self._rewrite("")
        print(text, file=sys.stderr, flush=True)
        self._last_still = time.monotonic()

    def _rewrite(self, line: str) -> None:
        """Replace the live line (the only text the kit rewrites: student text is cleaned)."""
        width = max(len(self._shown), len(line))
        sys.stderr.write("\r" + line.ljust(width) + ("\r" if not line else ""))
        sys.stderr.flush()
        self._shown = line

    def _clock(self) -> str:
        return f"{time.monotonic() - self.started:6.1f} s"
