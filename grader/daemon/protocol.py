"""The daemon's protocol: one JSON line each way on one unix-socket connection per request.

client -> daemon: {"args": [pytest arguments], "env": {...}, "log": path} or {"stop": true}
daemon -> client: {"exit": pytest's exit code}, when the grading process has ended.
A client that closes its connection early (Ctrl-C) has its grading process killed.
"""

from __future__ import annotations

import json
import socket
from typing import Any

MAX_LINE = 1 << 20


def send(conn: socket.socket, message: dict[str, Any]) -> None:
    conn.sendall(json.dumps(message).encode() + b"\n")


def receive(conn: socket.socket) -> dict[str, Any] | None:
    """The next message, or None if the connection closed first."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk or len(data) > MAX_LINE:
            return None
        data += chunk
    message = json.loads(data)
    return message if isinstance(message, dict) else None
