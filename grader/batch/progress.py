"""A one-line progress bar on stderr, with the last student graded."""

from __future__ import annotations

import sys
import time

from grader.reports.sanitize import clean_name


class Progress:
    def __init__(self, total: int, already_done: int) -> None:
        self.total = total
        self.done = already_done
        self.started = time.monotonic()

    def advance(self, student: str, summary: str) -> None:
        self.done += 1
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        elapsed = time.monotonic() - self.started
        bar = "#" * filled + "." * (width - filled)
        print(f"[{bar}] {self.done}/{self.total}  {elapsed:6.1f} s  {clean_name(student)}: "
              f"{clean_name(summary, 500)}",
              file=sys.stderr, flush=True)
