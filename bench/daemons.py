"""The grading daemons the benchmark's `grader grade` runs start: in a folder of its own (never
a daemon of another session), and stopped at the end, every one of them, whatever their
fingerprint (an edit of the kit meanwhile makes `grader daemon stop` look for another)."""

from __future__ import annotations

import contextlib
import socket
from pathlib import Path

from grader.daemon.address import read_token
from grader.daemon.protocol import send


def stop_daemons(folder: Path) -> int:
    """Ask every daemon listening under `folder` to stop; how many were asked."""
    asked = 0
    for path in folder.rglob("*.sock"):
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as conn:
            conn.connect(str(path))
            send(conn, {"token": read_token(path), "stop": True})
            asked += 1
    return asked
