"""`grader check`'s side of the daemon: reach it, starting it if needed, and run one check."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from grader.course.find import kit_source
from grader.daemon.address import NoPrivateFolder, private_folder, read_token, socket_path
from grader.daemon.protocol import receive, send
from grader.preforked.forked_pytest import SINGLE_THREADED
from grader.processes import can_fork

DISABLE_ENV = "GRADER_NO_DAEMON"  # set to 1: every check starts from scratch
IDLE_ENV = "GRADER_DAEMON_IDLE"  # seconds the daemon waits for the next check
DEFAULT_IDLE = 600.0
START_WAIT = 30.0  # seconds for a new daemon to bind its socket


def daemon_enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "") in ("", "0") and can_fork()


def run_pytest(args: list[str], env: dict[str, str], log: Path, cwd: Path) -> int | None:
    """pytest's exit code for `args` (run in `cwd`, the course), run by the daemon; None if no
    daemon could be reached (the caller then runs pytest itself)."""
    try:
        path = socket_path(env)
    except (OSError, NoPrivateFolder):
        return None
    conn = connect(path) or start_daemon(path, env)
    if conn is None:
        return None
    with conn:
        send(conn, {"token": read_token(path), "args": args, "env": env, "log": str(log),
                    "cwd": str(cwd)})
        try:
            reply = receive(conn)
        except (OSError, ValueError):
            reply = None
    return int(reply["exit"]) if reply and "exit" in reply else None


def stop_all() -> int:
    """Stop every check daemon of this user, whatever started it; how many were running.

    A daemon serves one fingerprint (address.py): one started from a notebook's kernel
    (`grader.check()`) sees Jupyter's environment and is not the one a terminal's check
    reaches, so a stop that asked only this process's would leave it running."""
    try:
        sockets = sorted(private_folder().glob("check-*.sock"))
    except (OSError, NoPrivateFolder):
        return 0
    return sum(_stop(path) for path in sockets)


def _stop(path: Path) -> bool:
    conn = connect(path)
    if conn is None:
        return False  # left by a daemon that was killed: nothing listens
    with conn:
        send(conn, {"token": read_token(path), "stop": True})
        with contextlib.suppress(OSError):
            conn.recv(1)  # closed once the daemon has read the request
    return True


def connect(path: Path) -> socket.socket | None:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(str(path))
    except OSError:
        conn.close()
        return None
    return conn


def start_daemon(path: Path, env: dict[str, str]) -> socket.socket | None:
    idle = os.environ.get(IDLE_ENV) or str(DEFAULT_IDLE)
    with open(path.with_suffix(".log"), "a", encoding="utf-8") as log:
        daemon = subprocess.Popen(
            [sys.executable, "-m", "grader.daemon.service", str(path), idle], cwd=kit_source(),
            env={**env, **SINGLE_THREADED}, stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + START_WAIT
    while time.monotonic() < deadline:
        conn = connect(path)
        if conn is not None:
            return conn
        if daemon.poll() is not None:  # it failed, or found another daemon already serving
            return connect(path)
        time.sleep(0.02)
    return None
