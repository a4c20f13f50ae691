"""The fork server: one Python that has imported torch & co. once and forks a fresh kernel per
request. Run by the grader (see `server.py`) as `python -m grader.execution.warm.fork_server`,
with a listening unix socket and the write end of a "ready" pipe inherited as the fds named by
its arguments, and a pipe from the grader as stdin.

Why forking torch is safe here
------------------------------
fork() copies only the calling thread. Had the server other threads (torch's OpenMP intra-op
pool, OpenBLAS's pool, autograd's device threads, zmq's I/O threads, a logging or asyncio
thread), the child would inherit their memory but not the threads: a lock one of them held
stays locked forever, and a pool believes its workers still exist. So the server never starts
one: the kernel spec's OMP_NUM_THREADS=MKL_NUM_THREADS=1 (it is launched with that
environment) keeps numpy's OpenBLAS from starting a pool at import; it never runs a parallel
op nor calls torch.set_num_threads (its warm-up touches one-element tensors, far below the
parallel grain size), so no OpenMP pool exists; it never runs backward(), creates no zmq
context, starts no kernel and no event loop. Before every fork it checks /proc/self/task:
with any thread besides its own it refuses to fork, and the grader starts that kernel cold.
A child starts its pools lazily, as a fresh process does (the setup cell sets the threads).

What each kernel gets, as a cold one would
------------------------------------------
A process of its own (a new session, so interrupts and kills reach it and its children, like
jupyter_client's `start_new_session`), its scratch directory as working directory and
sys.path[0], the environment the kernel manager computed, the memory cap, and then IPKernelApp
started by `kernel_main.main`, exactly as a cold kernel. The server runs no notebook code, so
every kernel is forked from the same state, the server's right after its imports: nothing one
notebook does is seen by the next. (Kernels run as the grader's user, as cold ones do: this is
isolation between submissions, not a sandbox.) Settings read once at interpreter start
(PYTHONHASHSEED, thread counts) are the server's own: `server.py` keeps one server per value,
and the server refuses a request whose values differ.

Kernels prepared ahead
----------------------
The server keeps one child forked in advance (the spare), blocked on a pipe until a request
names its connection file. It has run nothing since the fork: taking it is the same as forking
at that moment, minus the fork. The second stage of imports (pandas, torch.optim's lazy
imports) is done by a successor, a child of the server that takes over the listening socket once
it has them, so that no request ever waits for an import; the first server's spare, forked
without them, is dropped then.

Protocol (JSON lines on one unix-socket connection per kernel)
--------------------------------------------------------------
grader -> server: {"token": ..., "cwd": ..., "env": {...}, "argv": [...],
                   "startup": [[name, value], ...], "log": path}
server -> grader: {"pid": N} with a pidfd of the child attached (SCM_RIGHTS), or {"error": ...}
server -> grader: {"exit": code} when the child has exited and been reaped; then EOF.
The server reaps its children. If the grader closes a connection, its kernel is killed; if
the grader's pipe closes, every kernel is killed and the server exits.

Only the grader is served. Its first line on the pipe is a secret token, which every request
must carry; a peer of another uid (a sandboxed kernel has its own) is refused before it is read;
a request is read without blocking the server, and dropped if incomplete after
REQUEST_TIMEOUT. The sandbox policy and memory cap are the server's own (they are among the
start-up settings a request must match), so no client chooses a kernel's limits; whose kernel
it is (the student whose groups it joins) is the connecting process, as SO_PEERCRED names it.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import selectors
import signal
import socket
import struct
import sys
import time
from dataclasses import dataclass, field

from grader.execution.warm.preload import later_steps, preload_first, startup_env, thread_count
from grader.processes import fork_child, signal_group
from grader.sandbox.cgroups import owner_of

MAX_REQUEST = 1 << 20
REQUEST_TIMEOUT = 5.0  # seconds a client has to send its whole request
# The second stage of imports starts once this many kernels were asked for: a grading run that
# needs one kernel (`grader check`, reference answers cached) would only lose CPU to it.
LATER_AFTER_KERNELS = 2


@dataclass
class Pending:
    """A connection whose request is still arriving."""

    conn: socket.socket
    deadline: float
    peer: int  # the pid of the grading process that connected
    data: bytes = field(default=b"")


@dataclass
class Child:
    pid: int
    pidfd: int
    request_fd: int | None  # write end of the spare's request pipe; None once it has a request
    conn: socket.socket | None = None


class ForkServer:
    def __init__(self, listener: socket.socket, started_with: dict[str, str],
                 token_digest: bytes) -> None:
        self.listener = listener
        self.token_digest = token_digest
        self.pending: dict[int, Pending] = {}  # by fd
        self.startup = startup_env(started_with)  # what every child inherits from us
        # Variables the preloaded modules set when imported (pydevd, torch._inductor): a cold
        # kernel sets them itself when it imports those modules.
        self.set_by_imports = {k: v for k, v in os.environ.items() if started_with.get(k) != v}
        self.selector = selectors.DefaultSelector()
        self.children: dict[int, Child] = {}  # by pidfd
        self.spare: Child | None = None
        self.running = True
        self.later = later_steps()
        self.served = 0
        self.successor: int | None = None  # pid of the server taking over after the imports

    # --- the loop ---------------------------------------------------------------------------

    def serve(self) -> None:
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")
        self.selector.register(sys.stdin.fileno(), selectors.EVENT_READ, "grader")
        self._prepare_spare()
        while self.running:
            if self.later and self.served >= LATER_AFTER_KERNELS and self.successor is None:
                self._start_successor()
            for key, _ in self.selector.select(self._next_deadline()):
                what = key.data
                if what == "accept":
                    self._accept()
                elif isinstance(what, Pending):
                    self._read_request(what)
                elif what == "grader":
                    if not os.read(key.fd, 4096):
                        self.running = False
                elif what == "successor":
                    self._retire(key.fd)
                # One batch may hold both a kernel's exit and its connection's close: an event
                # whose descriptor was closed by an earlier one of the batch is stale.
                elif isinstance(what, Child) and self.children.get(key.fd) is what:
                    self._reap(what)
                elif isinstance(what, Child) and what.conn is not None:
                    self._client_gone(what)
            self._drop_late_requests()
        self._shutdown()

    def _accept(self) -> None:
        conn, _ = self.listener.accept()
        peer, uid = _peer(conn)
        if uid != os.getuid():  # not the grader: a sandboxed kernel, say
            conn.close()
            return
        conn.setblocking(False)
        pending = Pending(conn, time.monotonic() + REQUEST_TIMEOUT, peer)
        self.pending[conn.fileno()] = pending
        self.selector.register(conn, selectors.EVENT_READ, pending)

    def _read_request(self, pending: Pending) -> None:
        try:
            chunk = pending.conn.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        pending.data += chunk
        if chunk and not pending.data.endswith(b"\n") and len(pending.data) <= MAX_REQUEST:
            return
        self._forget_pending(pending)
        if not pending.data.endswith(b"\n"):  # closed early, or too long
            pending.conn.close()
            return
        self._serve_request(pending.conn, pending.data, pending.peer)

    def _next_deadline(self) -> float | None:
        if not self.pending:
            return None
        return max(0.0, min(p.deadline for p in self.pending.values()) - time.monotonic())

    def _drop_late_requests(self) -> None:
        now = time.monotonic()
        for pending in [p for p in self.pending.values() if p.deadline < now]:
            self._forget_pending(pending)
            pending.conn.close()

    def _forget_pending(self, pending: Pending) -> None:
        self.selector.unregister(pending.conn)
        del self.pending[pending.conn.fileno()]

    def _serve_request(self, conn: socket.socket, raw: bytes, peer: int) -> None:
        conn.setblocking(True)
        try:
            request = json.loads(raw)
            if not self._authentic(request):
                conn.close()  # no answer: the grader's own requests always carry the token
                return
            # Whose kernel it is decides the groups it shares (sandbox/cgroups.py): the peer
            # that connected, as the system says, never a name the request gives.
            request["owner"] = owner_of(peer)
            child = self._start_kernel(request)
        except Exception as exc:  # report to the grader, which then starts the kernel cold
            with contextlib.suppress(OSError):
                conn.sendall(_line({"error": f"{type(exc).__name__}: {exc}"}))
            conn.close()
            return
        child.conn = conn
        self.served += 1
        self.selector.register(conn, selectors.EVENT_READ, child)
        with contextlib.suppress(OSError):  # a grader gone already: _client_gone kills it
            socket.send_fds(conn, [_line({"pid": child.pid})], [child.pidfd])
        self._prepare_spare()

    def _authentic(self, request: object) -> bool:
        token = request.get("token") if isinstance(request, dict) else None
        return isinstance(token, str) and hmac.compare_digest(
            hashlib.sha256(token.encode()).digest(), self.token_digest)

    def _start_kernel(self, request: dict[str, object]) -> Child:
        wanted = [tuple(pair) for pair in request["startup"]]  # type: ignore[attr-defined]
        if wanted != list(self.startup):
            raise ForkRefused("the kernel's start-up settings differ from the fork server's")
        child = self.spare or self._fork()
        self.spare = None
        request_fd, child.request_fd = child.request_fd, None
        assert request_fd is not None
        del request["token"]  # the kernel never sees it
        with os.fdopen(request_fd, "wb") as pipe:
            pipe.write(json.dumps(request).encode())
        return child

    def _reap(self, child: Child) -> None:
        _, status = os.waitpid(child.pid, 0)
        self.selector.unregister(child.pidfd)
        os.close(child.pidfd)
        del self.children[child.pidfd]
        if child is self.spare:  # killed from outside before it was used
            self.spare = None
        if child.request_fd is not None:
            os.close(child.request_fd)
            child.request_fd = None
        if child.conn is not None:
            with contextlib.suppress(OSError):
                child.conn.sendall(_line({"exit": os.waitstatus_to_exitcode(status)}))
            self._close_conn(child)

    def _client_gone(self, child: Child) -> None:
        """The grader closed the connection (or wrote to it): its kernel must not outlive it."""
        _kill_group(child)
        self._close_conn(child)

    def _close_conn(self, child: Child) -> None:
        assert child.conn is not None
        self.selector.unregister(child.conn)
        child.conn.close()
        child.conn = None

    def _shutdown(self) -> None:
        if self.successor is not None and self.later:  # still importing: it has no kernels
            with contextlib.suppress(OSError):
                os.kill(self.successor, signal.SIGKILL)
                os.waitpid(self.successor, 0)
        for child in list(self.children.values()):
            if child.request_fd is not None:  # the spare: an empty request makes it exit
                os.close(child.request_fd)
                child.request_fd = None
            _kill_group(child)
        for child in list(self.children.values()):
            self._reap(child)

    # --- the second stage of imports, in a successor ---------------------------------------

    def _start_successor(self) -> None:
        """The second stage of imports takes seconds, and a server busy importing forks
        nothing. So a child of this server imports it, while this one goes on forking kernels
        from the first stage; once done, the child (the successor) takes over the listening
        socket and forks the next kernels. This server then only looks after the kernels it
        forked, until the grader closes its pipe; both exit then."""
        threads = thread_count()
        if threads != 1:
            self.later = []  # unsafe to fork: kernels import what they need themselves
            return
        done_read, done_write = os.pipe()

        def successor() -> int:
            os.close(done_read)
            self._become_successor(done_write)
            return 0

        pid = fork_child(successor)
        os.close(done_write)
        self.successor = pid
        self.selector.register(done_read, selectors.EVENT_READ, "successor")

    def _become_successor(self, done_fd: int) -> None:
        # The predecessor's kernels, spare and connections are its own: close our copies
        # (a copy of a connection kept open would hide its closing from the grader).
        self._close_copies_of_children()
        for pending in self.pending.values():
            pending.conn.close()
        self.pending.clear()
        self.children.clear()
        self.spare = None
        self.selector.close()
        self.selector = selectors.DefaultSelector()
        while self.later:
            self.later.pop(0)()
        try:
            os.write(done_fd, b"done")
        except BrokenPipeError:
            return  # the predecessor has shut down: nobody to take over from
        os.close(done_fd)
        self.serve()

    def _retire(self, done_fd: int) -> None:
        """The successor is ready: stop accepting, and let the spare (forked without the
        second stage) go; keep reaping this server's kernels."""
        self.selector.unregister(done_fd)
        os.read(done_fd, 16)
        os.close(done_fd)
        self.selector.unregister(self.listener)
        self.later = []
        if self.spare is not None:
            spare, self.spare = self.spare, None
            if spare.request_fd is not None:  # it has run nothing: nobody ever asked for it
                os.close(spare.request_fd)  # an empty request: it exits
                spare.request_fd = None
            _kill_group(spare)

    # --- forking ----------------------------------------------------------------------------

    def _prepare_spare(self) -> None:
        if self.spare is None and not self._retired():
            try:
                self.spare = self._fork()
            except ForkRefused:
                self.spare = None  # each request will say why

    def _retired(self) -> bool:
        return self.successor is not None and not self.later

    def _fork(self) -> Child:
        threads = thread_count()
        if threads != 1:
            raise ForkRefused(f"the fork server has {threads} threads; forking it is unsafe")
        read_fd, write_fd = os.pipe()

        def kernel() -> int:  # in the child, which never returns into the server's loop
            os.close(write_fd)
            self._forget_in_child()
            return become_kernel(read_fd, self.set_by_imports)

        pid = fork_child(kernel)
        os.close(read_fd)
        child = Child(pid, os.pidfd_open(pid), write_fd)
        self.children[child.pidfd] = child
        self.selector.register(child.pidfd, selectors.EVENT_READ, child)
        return child

    def _close_copies_of_children(self) -> None:
        """In a child of the server: its copies of the descriptors of the server's children."""
        for child in self.children.values():
            os.close(child.pidfd)
            if child.request_fd is not None:
                os.close(child.request_fd)
            if child.conn is not None:
                child.conn.close()

    def _forget_in_child(self) -> None:
        """Close every descriptor of the server's: a kernel must not hold its socket, the
        grader's pipe, other kernels' connections, or their spare's request pipe."""
        self.selector.close()
        self.listener.close()
        self._close_copies_of_children()
        for pending in self.pending.values():
            pending.conn.close()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)  # a cold kernel's stdin is a closed pipe: reads give EOF
        os.close(devnull)


class ForkRefused(Exception):
    """Forking now would be unsafe or give the kernel other settings than asked for."""


def become_kernel(request_fd: int, set_by_imports: dict[str, str]) -> int:
    """In a fresh child: wait for the request, then turn into a kernel exactly as kernel_main.
    With a sandbox, what needs no path of the kernel's is done before waiting (enter.prepare):
    this process becomes the kernel's supervisor and the kernel, its child, waits instead."""
    os.setsid()
    _prepare_sandbox()
    with os.fdopen(request_fd, "rb") as pipe:
        raw = pipe.read(MAX_REQUEST)
    if not raw:  # the server shut down, or replaced this spare: it ran nothing to clean up
        os._exit(0)
    request = json.loads(raw)
    from grader.execution import kernel_main

    _keep_what_it_says_before_it_starts(request.get("log"))
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"], JPY_PARENT_PID=str(os.getppid()))  # as launchers do
    for name, value in set_by_imports.items():
        os.environ.setdefault(name, value)
    sys.argv = [kernel_main.__file__, *request["argv"]]
    sys.path[0] = request["cwd"]  # `python -m` puts the working directory first
    # ipykernel stops a kernel whose parent dies; the parent of this one is the server.
    kernel_main.main([*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"],
                     owner=request.get("owner"))
    return 0


def _keep_what_it_says_before_it_starts(log: object) -> None:
    """The kernel's stdout and stderr, until its sandbox quiets them, go to the file the
    grader named (in the kernel's own folder): why a kernel could not start is read there."""
    if not isinstance(log, str):
        return
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)


def _prepare_sandbox() -> None:
    from grader.sandbox.policy import SandboxPolicy

    policy = SandboxPolicy.from_env()  # the server's own: a request's must be the same
    if policy.active and sys.platform == "linux":
        from grader.sandbox.enter import prepare

        prepare(policy)


def _kill_group(child: Child) -> None:
    signal_group(child.pid, child.pidfd)  # reaped only by _reap, after this


def _peer(conn: socket.socket) -> tuple[int, int]:
    """The pid and uid of the process at the other end, as the system says."""
    pid, uid, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                      struct.calcsize("3i")))
    return pid, uid


def _read_token() -> bytes:
    """The grader's first line on our stdin: the secret every request must carry. Only its
    digest is kept (kernels are forked from this process's memory)."""
    line = b""
    while not line.endswith(b"\n"):
        chunk = os.read(0, 128)
        if not chunk:
            raise SystemExit("fork server: no token from the grader")
        line += chunk
    return hashlib.sha256(line.strip()).digest()


def _line(message: dict[str, object]) -> bytes:
    return json.dumps(message).encode() + b"\n"


def main() -> None:
    listener = socket.socket(fileno=int(sys.argv[1]))
    ready = int(sys.argv[2])
    token_digest = _read_token()
    started_with = dict(os.environ)
    preload_first()
    os.write(ready, b"ready")
    os.close(ready)
    address = listener.getsockname()
    try:
        ForkServer(listener, started_with, token_digest).serve()
    finally:  # also when the grader was killed outright and cannot clean up
        with contextlib.suppress(OSError):
            os.unlink(address)
            os.rmdir(os.path.dirname(address))


if __name__ == "__main__":
    main()
