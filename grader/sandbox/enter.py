"""Apply a policy's layers to the kernel process, before any student code runs.

Called by `kernel_main` in every kernel, cold or forked warm. The kernel's folder is laid out by
the grader (`folders.KernelFolders`): its working directory `work/` and, beside it, `channels/`
(its connection file and sockets) and `root/` (where a private root is built). A kernel that
cannot apply a layer it was told to exits with EXIT_SANDBOX_FAILED and says which and why on
stderr (the grader keeps what a kernel prints before it starts: see `folders.start_log`): the
grader then reports a setup error, never a grade.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from dataclasses import dataclass

from grader.sandbox import cgroups, filesystem, landlock, limits, private_root, supervisor
from grader.sandbox import syscalls as sc
from grader.sandbox.environment import PROTECTED_ENV, ROLE_ENV, STUDENT_ROLE
from grader.sandbox.folders import check_layout
from grader.sandbox.network import loopback_up
from grader.sandbox.policy import (
    CGROUP,
    CPU_SHARE,
    EXIT_SANDBOX_FAILED,
    FAILED_PREFIX,
    LANDLOCK,
    NAMESPACES,
    OWN_UID,
    SandboxPolicy,
)

DEBUG_ENV = "GRADER_SANDBOX_DEBUG"  # set: a kernel's stderr stays the grader's (to debug the kit)
UNSHARED = sc.CLONE_NEWNS | sc.CLONE_NEWNET | sc.CLONE_NEWIPC | sc.CLONE_NEWUTS
SOCKETS_WAIT = 5.0  # seconds for the kernel's heartbeat thread to bind its socket


@dataclass(frozen=True)
class Prepared:
    """What `prepare` did: the kernel is the child of its supervisor, in its namespaces."""

    uid: int | None = None
    link: supervisor.SupervisorLink | None = None
    error: str | None = None  # why it could not: the kernel then refuses to start


@dataclass(frozen=True)
class Sealing:
    """What the kernel needs once its sockets are bound, to stop making sockets there."""

    layout: filesystem.FilesystemPlan
    private_root: bool
    abi: int


_prepared: Prepared | None = None
_sealing: Sealing | None = None
_start_log: int | None = None  # the kernel's stderr before it was quieted, until it starts


class LayerFailed(Exception):
    def __init__(self, layer: str, cause: BaseException) -> None:
        super().__init__(f"{layer} layer ({type(cause).__name__}: {cause})")
        self.layer = layer


def prepare(policy: SandboxPolicy) -> None:
    """What needs no path of the kernel's and no knowledge of its student, done ahead: a
    spare kernel of the fork server does this while it waits for its request, so that a
    kernel starts no slower in its sandbox (its supervisor forked, its namespaces entered).
    Returns in the kernel; the calling process becomes its supervisor."""
    global _prepared
    if NAMESPACES not in policy.layers:
        return
    try:
        handover = supervisor.split(policy)
        sc.unshare(UNSHARED)
    except Exception as exc:  # said when the kernel would start: it never does
        _prepared = Prepared(error=f"{type(exc).__name__}: {exc}")
        return
    _prepared = Prepared(handover.uid, handover.link)


def enter_sandbox(policy: SandboxPolicy, connection_file: str, owner: str | None) -> str:
    """Sandbox this process; return the connection file the kernel reads (a private root
    shows its channel folder elsewhere). With namespaces, this process becomes the kernel's
    supervisor (it never returns) and the kernel, a child, returns here. `owner`: the grading
    process the kernel is for (cgroups.owner_of), whose student's groups it joins."""
    try:
        return _enter(policy, connection_file, owner)
    except Exception as exc:  # the kernel must not run outside the sandbox it was given
        failed = exc if isinstance(exc, LayerFailed) else LayerFailed("sandbox", exc)
        print(f"{FAILED_PREFIX}{failed}", file=sys.stderr, flush=True)
        os._exit(EXIT_SANDBOX_FAILED)


def _enter(policy: SandboxPolicy, connection_file: str, owner: str | None) -> str:
    global _sealing
    layers = set(policy.layers)
    role = os.environ.get(ROLE_ENV, STUDENT_ROLE)
    grouped = CGROUP in layers or CPU_SHARE in layers
    with _layer(NAMESPACES if NAMESPACES in layers else LANDLOCK):
        work = os.getcwd()
        channels = os.path.dirname(os.path.abspath(connection_file))
        kernel_folder = check_layout(work, channels)
        protected = tuple(json.loads(os.environ.get(PROTECTED_ENV) or "[]"))
        layout = filesystem.plan(work, channels, protected)
    uid = None
    inside = connection_file
    if NAMESPACES in layers:
        with _layer(NAMESPACES):
            if _prepared is None:
                prepare(policy)
            assert _prepared is not None
            if _prepared.error:
                raise OSError(_prepared.error)
            uid = _prepared.uid
        link = _prepared.link
        if grouped and link is not None:
            with _layer(CGROUP if CGROUP in layers else CPU_SHARE):
                link.place(owner, role)
        elif link is not None:
            link.close()
        with _layer(NAMESPACES):
            # The parent a launcher names is outside the kernel's PID namespace: none is visible.
            os.environ["JPY_PARENT_PID"] = str(os.getppid())
            if uid is not None:
                for path in (channels, connection_file):
                    os.chown(path, uid, uid)
            private_root.enter_private_root(layout, kernel_folder.root, owner=uid or 0,
                                            disk_mb=policy.disk_mb)
            inside = private_root.connection_file_inside(connection_file, uid or 0)
            loopback_up()
    elif grouped:  # no supervisor: the kernel puts itself in its groups
        with _layer(CGROUP if CGROUP in layers else CPU_SHARE):
            cgroups.place(os.getpid(), owner if role == STUDENT_ROLE else None,
                          policy.group_limits(), cgroups.group_name(os.getpid()))
    with _layer(OWN_UID if uid is not None and OWN_UID in layers else "rlimits"):
        limits.set_limits(policy, own_processes=NAMESPACES in layers)
        if uid is not None and OWN_UID in layers:
            limits.become(uid)
        else:
            limits.drop_privileges()
    if LANDLOCK in layers:
        with _layer(LANDLOCK):
            # In a network namespace of its own, TCP reaches nothing but the kernel's own
            # loopback (ipykernel uses it for subprocesses' output); without one, Landlock
            # denies TCP.
            abi = landlock.abi_version()
            landlock.restrict_self(filesystem.landlock_rules(layout, NAMESPACES in layers),
                                   abi, deny_tcp=NAMESPACES not in layers)
            _sealing = Sealing(layout, NAMESPACES in layers, abi)
    else:
        sc.prctl(sc.PR_SET_NO_NEW_PRIVS, 1)
    _quiet_standard_streams()
    return inside


def seal_channels(heartbeat_socket: str | None) -> None:
    """Once the kernel has bound its sockets (the heartbeat's, in its own thread, last): no
    more sockets in the channel folder, a folder on the host, so that nothing the notebook
    makes can land there (Landlock, a second layer). Without Landlock, nothing to do."""
    if _sealing is None:
        return
    deadline = time.monotonic() + SOCKETS_WAIT
    while heartbeat_socket and not os.path.exists(heartbeat_socket) \
            and time.monotonic() < deadline:
        time.sleep(0.001)
    rules = filesystem.socket_rules(_sealing.layout, _sealing.private_root)
    try:
        landlock.restrict_further(rules, landlock.MAKE_SOCK, _sealing.abi)
    except OSError as exc:  # the kernel must not run with a channel folder it could fill
        say_why_it_did_not_start(f"{FAILED_PREFIX}{LayerFailed(LANDLOCK, exc)}\n")
        os._exit(EXIT_SANDBOX_FAILED)


class _layer:
    """Name the layer being applied in whatever goes wrong meanwhile."""

    def __init__(self, layer: str) -> None:
        self.layer = layer

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, Exception) and not isinstance(exc, LayerFailed):
            raise LayerFailed(self.layer, exc) from exc


def say_why_it_did_not_start(text: str) -> None:
    """Until the kernel has started, the kit (no student code runs yet) may still say why it
    could not, where the grader reads it (`folders.start_log`)."""
    if _start_log is not None:
        with contextlib.suppress(OSError):
            os.write(_start_log, text.encode(errors="replace")[-16_000:])


def started() -> None:
    """The kernel is about to run the notebook's code: every descriptor it has on the start
    log (its stderr, and the copy ipykernel made of it to echo what it captures) now points
    to /dev/null, so nothing the notebook prints lands on the host."""
    global _start_log
    if _start_log is None:
        return
    log = os.fstat(_start_log)
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in _open_descriptors():
        if fd in (_start_log, devnull):
            continue
        try:
            info = os.fstat(fd)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) == (log.st_dev, log.st_ino):
            os.dup2(devnull, fd)
    os.close(devnull)
    os.close(_start_log)
    _start_log = None


def _open_descriptors() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc of its own (Landlock alone hides the host's)
        return list(range(1024))


def _quiet_standard_streams() -> None:
    """The kernel's own stdout and stderr are the grader's terminal, or the file that keeps
    what a kernel said before it started: a notebook must not write there (a fake score,
    escape sequences, gigabytes). What it prints reaches its cell's output through the
    kernel's messages instead, capped. Its stderr stays the start log (what the grader quotes
    when a kernel cannot start) until the kernel has started (`started`): only the kit's and
    its libraries' code runs until then."""
    global _start_log
    if not os.environ.get(DEBUG_ENV):
        _start_log = os.dup(2)  # not inherited by what the kernel runs
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(devnull, fd)
    os.close(devnull)
