"""Processes an attack leaves behind, seen from the host."""

from __future__ import annotations

import time
from pathlib import Path

from tests.attacks.payload import FORGER_MARK


def processes_marked(mark: str = FORGER_MARK) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def wait_until_gone(mark: str = FORGER_MARK, seconds: float = 10.0) -> list[int]:
    """The marked processes still alive after `seconds` (killing takes a moment)."""
    deadline = time.monotonic() + seconds
    while (left := processes_marked(mark)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left
