"""The check daemon: `python -m grader.daemon.service SOCKET IDLE_SECONDS`, started by the first
`grader check` (client.py), in a session of its own.

It imports what a grading process needs and starts a fork server for kernels, once; then each
request is a grading process forked from it (grader.preforked.forked_pytest: why that is
safe), whose kernels are forked from that server. Every check still starts from the same
state, the daemon's right after its imports: it runs no grading itself. It exits after
IDLE_SECONDS without a request, on a stop request, or if it cannot bind its socket because
another daemon already serves it.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
import selectors
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from grader.daemon.address import token_path, write_token
from grader.daemon.protocol import receive, send
from grader.execution.warm.server import SHARED_SERVER_ENV
from grader.preforked.forked_pytest import SINGLE_THREADED, single_threaded_env, start_pytest
from grader.processes import LocalProcess
from grader.sandbox.policy import AUTO, MODE_ENV

REQUEST_TIMEOUT = 10.0  # seconds a client has to send its request once connected


@dataclass
class Check:
    conn: socket.socket
    process: LocalProcess
    exit_fd: int  # the process's: readable once it ended


class Daemon:
    def __init__(self, listener: socket.socket, idle: float, token: str) -> None:
        self.listener = listener
        self.idle = idle
        self.token = token
        self.selector = selectors.DefaultSelector()
        self.checks: dict[int, Check] = {}  # by exit_fd
        self.running = True

    def serve(self) -> None:
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")
        while self.running:
            events = self.selector.select(None if self.checks else self.idle)
            if not events and not self.checks:
                break  # idle for too long
            for key, _ in events:
                if key.data == "accept":
                    self._accept()
                elif isinstance(key.data, Check) and key.fd == key.data.exit_fd:
                    self._finished(key.data)
                elif isinstance(key.data, Check):
                    self._client_gone(key.data)
        for check in list(self.checks.values()):
            self._client_gone(check)

    def _accept(self) -> None:
        conn, _ = self.listener.accept()
        conn.settimeout(REQUEST_TIMEOUT)
        try:
            request = receive(conn)
        except (OSError, ValueError):
            request = None
        conn.settimeout(None)
        if request is not None and not _authentic(request, self.token):
            request = None  # not the user's own `grader check` (it reads the token file)
        if request is not None and request.get("stop"):
            self.running = False
        if request is None or not _is_check(request):  # closed, stopping, or not ours: drop it
            conn.close()
            return
        env = {**request["env"], **SINGLE_THREADED}  # as the daemon's own, and its server's
        if SHARED_SERVER_ENV in os.environ:  # the kernels come from the daemon's fork server
            env[SHARED_SERVER_ENV] = os.environ[SHARED_SERVER_ENV]
        with open(request["log"], "w", encoding="utf-8") as log:
            process = start_pytest(list(request["args"]), cwd=str(request["cwd"]), log=log,
                                   env=env,
                                   fork=True)
        assert process.exit_fd is not None  # the daemon runs where pidfds exist (client.py)
        check = Check(conn, process, process.exit_fd)
        self.checks[check.exit_fd] = check
        self.selector.register(check.exit_fd, selectors.EVENT_READ, check)
        self.selector.register(conn, selectors.EVENT_READ, check)

    def _finished(self, check: Check) -> None:
        code = check.process.wait()
        with contextlib.suppress(OSError):
            send(check.conn, {"exit": code})
        self._forget(check)

    def _client_gone(self, check: Check) -> None:
        """The client closed its connection (Ctrl-C): its grading process must not go on."""
        check.process.kill_group()
        check.process.wait()
        self._forget(check)

    def _forget(self, check: Check) -> None:
        self.selector.unregister(check.exit_fd)
        self.selector.unregister(check.conn)
        check.process.close()
        check.conn.close()
        del self.checks[check.exit_fd]


def _authentic(request: dict[str, object], token: str) -> bool:
    given = request.get("token")
    return isinstance(given, str) and hmac.compare_digest(given.encode(), token.encode())


def _is_check(request: dict[str, object]) -> bool:
    return isinstance(request.get("args"), list) and isinstance(request.get("env"), dict) \
        and isinstance(request.get("log"), str) and isinstance(request.get("cwd"), str)


def bind(path: Path, token: str) -> socket.socket | None:
    """Listen on `path`, with `token` in its token file; None if a live daemon already does.
    The token file is written after the bind (so never over a live daemon's) and before the
    listen (so no client connects before it can read it)."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(str(path))
    except OSError:
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(path))
            return None  # another daemon answers: it serves this fingerprint
        except OSError:
            path.unlink(missing_ok=True)  # left by a daemon that was killed
            listener.bind(str(path))
        finally:
            probe.close()
    write_token(path, token)
    listener.listen(16)
    return listener


def main() -> None:
    path, idle = Path(sys.argv[1]), float(sys.argv[2])
    single_threaded_env()  # before numpy is imported: the daemon forks grading processes
    token = secrets.token_hex(32)
    listener = bind(path, token)
    if listener is None:
        return
    bound = path.stat().st_ino
    try:
        from grader.execution.settings import ExecutionSettings
        from grader.preforked.warm_start import warm_start

        # Its clients give it their sandbox mode in its environment (a daemon per mode).
        warm_start(ExecutionSettings(sandbox=os.environ.get(MODE_ENV) or AUTO))
        Daemon(listener, idle, token).serve()
    finally:
        with contextlib.suppress(OSError):
            if path.stat().st_ino == bound:  # still ours, not a successor's
                path.unlink()
                token_path(path).unlink(missing_ok=True)
                log = path.with_suffix(".log")
                if log.stat().st_size == 0:  # nothing went wrong: nothing to keep
                    log.unlink()
        listener.close()


if __name__ == "__main__":
    main()
