"""How long a kernel says it spent on one request, from its execute_reply.

ipykernel stamps a reply's metadata with `started` (when it began handling the request) and its
header with `date` (when it sent the reply): the difference is the time the kernel itself spent
running the code, its own overhead included; the rest of a cell's wall-clock time is messaging
and the grader's own work. Both clocks are this machine's. A reply without them (another kernel,
a forged one) gives 0: the profile then counts the whole cell as messaging. For profiles only,
never for a grade.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


def kernel_seconds(reply: Any) -> float:
    if not isinstance(reply, dict):
        return 0.0
    header, metadata = reply.get("header"), reply.get("metadata")
    if not isinstance(header, dict) or not isinstance(metadata, dict):
        return 0.0
    sent, started = _when(header.get("date")), _when(metadata.get("started"))
    if sent is None or started is None:
        return 0.0
    try:
        return max(0.0, (sent - started).total_seconds())
    except TypeError:  # one with a time zone, one without
        return 0.0


def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None
