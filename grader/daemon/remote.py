"""A grading process forked by the daemon for a caller that cannot fork one itself.

A process with threads (a Dask worker: its event loop, its task threads) must not fork a
grading process (grader/preforked/forked_pytest.py). It asks the daemon, which is single-
threaded, imported everything once and forks from its fork server, exactly as a local batch
does. `start_in_daemon` is a `Starter` (grader/preforked/forked_pytest.py); the process it
returns is a `ChildProcess` (grader/processes.py) seen through one connection: its `exit_fd`
is readable once the process ended, `kill_group()` stops it and its kernels (closing the
connection: the daemon's rule for a client gone).
"""

from __future__ import annotations

import contextlib
import select
import socket
from typing import IO

from grader.daemon.address import NoPrivateFolder, read_token, socket_path
from grader.daemon.client import connect, daemon_enabled, start_daemon
from grader.daemon.protocol import receive, send
from grader.preforked.forked_pytest import start_pytest
from grader.processes import ChildProcess

KILLED = -9  # the exit code of a process stopped by kill_group()


class DaemonProcess:
    """The daemon's grading process, as far as this side sees it: one connection."""

    pid = None  # not ours to signal: the daemon owns it

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn
        self.exit_fd: int | None = conn.fileno()
        self.returncode: int | None = None
        self.lost = False  # the daemon went away without an answer: an error of the kit

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self.conn], [], [], 0)[0]:
            self._read()
        return self.returncode

    def wait(self) -> int:
        if self.returncode is None:
            self._read()
        assert self.returncode is not None
        return self.returncode

    def kill_group(self) -> None:
        if self.returncode is None:
            self.returncode = KILLED
            self.close()

    def close(self) -> None:
        self.conn.close()
        self.exit_fd = None

    def _read(self) -> None:
        try:
            reply = receive(self.conn)
        except (OSError, ValueError):
            reply = None
        self.lost = not (reply and "exit" in reply)
        self.returncode = int(reply["exit"]) if reply and not self.lost else KILLED
        self.close()


def start_in_daemon(args: list[str], cwd: str, log: IO[str], env: dict[str, str], fork: bool
                    ) -> ChildProcess:
    """`pytest args` forked by this machine's daemon (started if needed); a fresh process where
    no daemon can serve (cold grading asked, no private folder, a system without fork)."""
    conn = None
    if fork and daemon_enabled():
        with contextlib.suppress(OSError, NoPrivateFolder):
            path = socket_path(env)
            conn = connect(path) or start_daemon(path, env)
    if conn is None:
        if fork:
            print("(grader: no grading daemon could serve here, so this student's grading "
                  "process was started fresh)", file=log, flush=True)
        return start_pytest(args, cwd, log, env, fork=False)
    send(conn, {"token": read_token(path), "args": args, "env": env, "log": log.name,
                "cwd": cwd})
    return DaemonProcess(conn)
