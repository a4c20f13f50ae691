"""The grader's side of the fork server: start it on first use, ask it for kernels.

One server per grading process and per value of the settings that a Python process reads once
at start (hash seed, thread counts: see STARTUP_ENV); it is stopped when the grading process
exits, and stops by itself (killing its kernels) if that process dies. A batch shares one
server among all its grading processes (`share_server`): each pays no imports at all.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.execution.warm.preload import startup_env
from grader.processes import signal_group

START_TIMEOUT = 300.0  # seconds for the server's imports, on a machine busy grading
CLOSE_WAIT = 0.1  # seconds
EXIT_NOT_YET_REPORTED = -255  # an exited kernel whose code the server has not sent yet
SHARED_SERVER_ENV = "GRADER_FORK_SERVER"  # "TOKEN ADDRESS" of a server shared by a batch


class ForkUnavailable(Exception):
    """The server cannot give this kernel; the caller starts it cold."""


@dataclass
class ForkedKernel:
    """One kernel forked by the server: its pid, a pidfd (signals reach this process and no
    other, even once its pid is reused) and the connection that will carry its exit code."""

    pid: int
    pidfd: int
    conn: socket.socket
    exit_code: int | None = None
    _buffer: bytes = field(default=b"", repr=False)

    def poll(self) -> int | None:
        """The exit code, or None while it runs. Never blocks: the server sends the code when
        it reaps the kernel, which may wait for one of its imports (a second or two); until
        then an exited kernel's code reads as EXIT_NOT_YET_REPORTED."""
        if self.exit_code is None and self.pidfd >= 0 and _readable(self.pidfd):
            self.exit_code = self._read_exit()
        if self.exit_code == EXIT_NOT_YET_REPORTED:
            self.exit_code = self._read_exit()
        return self.exit_code

    async def wait(self) -> int:
        while (code := self.poll()) is None:
            await _until_readable(self.pidfd)
        return code

    def signal(self, signum: int) -> None:
        """Signal the kernel's process group (its session), as jupyter_client does."""
        if self.poll() is None:
            signal_group(self.pid, self.pidfd, signum)  # the server reaps it: the pidfd tells

    def close(self) -> None:
        if self.pidfd >= 0:
            os.close(self.pidfd)
            self.pidfd = -1
        self.conn.close()  # the server kills a kernel whose connection closes

    def _read_exit(self) -> int:
        gone = False
        with contextlib.suppress(BlockingIOError, OSError):
            while b"\n" not in self._buffer:
                chunk = self.conn.recv(4096, socket.MSG_DONTWAIT)
                gone = not chunk
                if gone:
                    break
                self._buffer += chunk
        line = self._buffer.partition(b"\n")[0]
        with contextlib.suppress(ValueError, KeyError):
            return int(json.loads(line)["exit"])
        return -signal.SIGKILL if gone else EXIT_NOT_YET_REPORTED  # gone: it killed its kernels


class ForkServerHandle:
    def __init__(self, env: dict[str, str]) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="grader-forkserver-"))  # 0700: ours only
        self.address = str(self._folder / "socket")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.address)
        listener.listen(64)
        # The server inherits the listening socket: the grader may connect at once, and the
        # connection waits in the backlog until the server has finished its imports. The
        # server writes to `ready` (and closes it) once it has.
        self._ready, ready = os.pipe()
        fds = (listener.fileno(), ready)
        self.token = secrets.token_hex(32)  # requests must carry it: only the grader is served
        self.process = subprocess.Popen(
            [sys.executable, "-m", "grader.execution.warm.fork_server", *map(str, fds)],
            env=env, stdin=subprocess.PIPE, pass_fds=fds,
            start_new_session=True,  # like a cold kernel: the terminal's Ctrl-C is the grader's
        )
        listener.close()
        os.close(ready)
        assert self.process.stdin is not None
        self.process.stdin.write(self.token.encode() + b"\n")
        self.process.stdin.flush()

    async def ready(self) -> None:
        """Wait until the server can fork (its first imports are done).

        The provisioner waits for this before the kernel manager picks the kernel's TCP ports:
        a port picked free is taken by the kernel only when it binds, and another process may
        grab it meanwhile; that window should not include the server's imports."""
        try:
            await asyncio.wait_for(_until_readable(self._ready), START_TIMEOUT)
        except asyncio.TimeoutError as exc:
            raise ForkUnavailable("the fork server is still importing") from exc
        if self.process.poll() is not None:
            raise ForkUnavailable(f"the fork server exited with code {self.process.returncode}")

    def wait_ready(self, timeout: float = START_TIMEOUT) -> bool:
        """Block until the server can fork; False if it cannot (yet)."""
        poller = select.poll()
        poller.register(self._ready, select.POLLIN)
        return bool(poller.poll(int(timeout * 1000))) and self.process.poll() is None

    async def fork(self, cwd: str, env: dict[str, str], argv: list[str],
                   log: str | None = None) -> ForkedKernel:
        await self.ready()
        return await _request_kernel(self.address, self.token, cwd, env, argv, log)

    def shared_as(self) -> str:
        """What SHARED_SERVER_ENV holds for the processes this server is shared with."""
        return f"{self.token} {self.address}"

    def close(self) -> None:
        """Stop the server: closing its pipe makes it kill its kernels and exit. One still busy
        importing (it reads the pipe between two imports) is stopped outright: its kernels
        follow within a second (ipykernel exits when its parent does), its spare at once."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(timeout=CLOSE_WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._ready)
        shutil.rmtree(self._folder, ignore_errors=True)


async def _request_kernel(address: str, token: str, cwd: str, env: dict[str, str],
                          argv: list[str], log: str | None) -> ForkedKernel:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(address)
        request = {"token": token, "cwd": cwd, "env": env, "argv": argv,
                   "startup": startup_env(env), "log": log}
        conn.sendall(json.dumps(request).encode() + b"\n")
        await asyncio.wait_for(_until_readable(conn.fileno()), START_TIMEOUT)
        data, fds, _, _ = socket.recv_fds(conn, 65536, 1)
        while data and b"\n" not in data:
            more = conn.recv(65536)
            data += more
            if not more:
                break
    except (OSError, asyncio.TimeoutError) as exc:
        conn.close()
        raise ForkUnavailable(f"no answer from the fork server: {exc!r}") from exc
    head, _, rest = data.partition(b"\n")
    try:
        reply: dict[str, Any] = json.loads(head)
    except ValueError:
        reply = {"error": "the fork server closed the connection"}
    if "pid" not in reply or not fds:
        for fd in fds:
            os.close(fd)
        conn.close()
        raise ForkUnavailable(reply.get("error", "no kernel"))
    return ForkedKernel(int(reply["pid"]), fds[0], conn, _buffer=rest)


class SharedForkServer:
    """A server another process started and shares (see `share_server`), reached by its
    address. It outlives this process; closing a kernel's connection still kills the kernel."""

    def __init__(self, shared_as: str) -> None:
        self.token, _, self.address = shared_as.partition(" ")

    async def ready(self) -> None:
        """Nothing to wait for: its owner waited before sharing it."""

    async def fork(self, cwd: str, env: dict[str, str], argv: list[str],
                   log: str | None = None) -> ForkedKernel:
        return await _request_kernel(self.address, self.token, cwd, env, argv, log)


_servers: dict[tuple[tuple[str, str], ...], ForkServerHandle] = {}
_lock = threading.Lock()


def server_for(env: dict[str, str]) -> ForkServerHandle | SharedForkServer:
    """The server for kernels with this environment: the one shared with this process (a
    batch's grading process), else this process's own, started on first use."""
    shared = os.environ.get(SHARED_SERVER_ENV)
    if shared:
        return SharedForkServer(shared)  # it refuses a kernel whose start-up settings differ
    key = startup_env(env)
    with _lock:
        if key not in _servers:
            if not _servers:
                atexit.register(stop_all)
            _servers[key] = ForkServerHandle(env)
        return _servers[key]


def share_server(env: dict[str, str]) -> ForkServerHandle | None:
    """Start a server for kernels with this environment and share it with this process's
    children (the grading processes of a batch): they find it through SHARED_SERVER_ENV.
    None if it failed to start; the children then start their own."""
    server = server_for(env)
    if not isinstance(server, ForkServerHandle) or not server.wait_ready():
        return None
    os.environ[SHARED_SERVER_ENV] = server.shared_as()
    return server


def forget_inherited_servers() -> None:
    """In a child forked from a process that started servers: they are its parent's to stop
    (and the child reaches a shared one through SHARED_SERVER_ENV)."""
    with _lock:
        _servers.clear()


def stop_all() -> None:
    with _lock:
        servers = list(_servers.values())
        _servers.clear()
    for server in servers:
        server.close()
    if servers and sys.platform == "linux":  # the groups of the kernels it forked, left behind
        from grader.sandbox.cgroups import sweep

        sweep()


def _readable(fd: int) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


async def _until_readable(fd: int) -> None:
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    loop.add_reader(fd, lambda: None if ready.done() else ready.set_result(None))
    try:
        await ready
    finally:
        loop.remove_reader(fd)
