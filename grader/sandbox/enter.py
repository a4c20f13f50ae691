"""Apply a policy's layers to the kernel process, before any student code runs.

Called by `kernel_main` in every kernel, cold or forked warm. The kernel's folder is laid out by
the grader (`folders.KernelFolders`): its working directory `work/` and, beside it, `channels/`
(its connection file and sockets) and `root/` (where a private root is built). A kernel that
cannot apply a layer it was told to exits with EXIT_SANDBOX_FAILED and says why on stderr: the
grader then reports a setup error, never a grade.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass

from grader.sandbox import cgroups, filesystem, landlock, limits, private_root, supervisor
from grader.sandbox import syscalls as sc
from grader.sandbox.environment import PROTECTED_ENV
from grader.sandbox.folders import check_layout
from grader.sandbox.network import loopback_up
from grader.sandbox.policy import (
    CGROUP,
    EXIT_SANDBOX_FAILED,
    LANDLOCK,
    NAMESPACES,
    OWN_UID,
    SandboxPolicy,
)

DEBUG_ENV = "GRADER_SANDBOX_DEBUG"  # set: a kernel's stderr stays the grader's (to debug the kit)
UNSHARED = sc.CLONE_NEWNS | sc.CLONE_NEWNET | sc.CLONE_NEWIPC | sc.CLONE_NEWUTS


@dataclass(frozen=True)
class Prepared:
    """What `prepare` did: the kernel is the child of its supervisor, in its namespaces."""

    uid: int | None = None
    error: str | None = None  # why it could not: the kernel then refuses to start


_prepared: Prepared | None = None


def prepare(policy: SandboxPolicy) -> None:
    """What needs no path of the kernel's, done ahead: a spare kernel of the fork server does
    this while it waits for its request, so that a kernel starts no slower in its sandbox (its
    supervisor forked, its cgroup made, its namespaces entered). Returns in the kernel; the
    calling process becomes its supervisor."""
    global _prepared
    if NAMESPACES not in policy.layers:
        return
    try:
        uid = supervisor.split(policy).uid
        sc.unshare(UNSHARED)
    except Exception as exc:  # said when the kernel would start: it never does
        _prepared = Prepared(error=f"{type(exc).__name__}: {exc}")
        return
    _prepared = Prepared(uid)


def enter_sandbox(policy: SandboxPolicy, connection_file: str) -> None:
    """Sandbox this process. With namespaces, this process becomes the kernel's supervisor
    (it never returns) and the kernel, a child, returns here."""
    try:
        _enter(policy, connection_file)
    except Exception as exc:  # the kernel must not run outside the sandbox it was given
        print(f"grader sandbox: could not apply the sandbox ({type(exc).__name__}: {exc})",
              file=sys.stderr, flush=True)
        os._exit(EXIT_SANDBOX_FAILED)


def _enter(policy: SandboxPolicy, connection_file: str) -> None:
    layers = set(policy.layers)
    work = os.getcwd()
    channels = os.path.dirname(os.path.abspath(connection_file))
    kernel_folder = check_layout(work, channels)
    protected = tuple(json.loads(os.environ.get(PROTECTED_ENV) or "[]"))
    layout = filesystem.plan(work, channels, protected)
    uid = None
    if NAMESPACES in layers:
        if _prepared is None:
            prepare(policy)
        assert _prepared is not None
        if _prepared.error:
            raise OSError(_prepared.error)
        uid = _prepared.uid
        # The parent a launcher names is outside the kernel's PID namespace: none is visible.
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        if uid is not None:
            for path in (channels, connection_file):
                os.chown(path, uid, uid)
        private_root.enter_private_root(layout, kernel_folder.root, owner=uid or 0,
                                        disk_mb=policy.disk_mb)
        loopback_up()
    elif CGROUP in layers:  # no supervisor: the kernel puts itself in its group
        group = cgroups.create(cgroups.hierarchies(), cgroups.group_name(os.getpid()),
                               policy.memory_mb, policy.processes)
        group.add(os.getpid())
    limits.set_limits(policy, own_processes=NAMESPACES in layers)
    if uid is not None and OWN_UID in layers:
        limits.become(uid)
    else:
        limits.drop_privileges()
    if LANDLOCK in layers:
        # In a network namespace of its own, TCP reaches nothing but the kernel's own loopback
        # (ipykernel uses it for subprocesses' output); without one, Landlock denies TCP.
        landlock.restrict_self(filesystem.landlock_rules(layout, NAMESPACES in layers),
                               landlock.abi_version(), deny_tcp=NAMESPACES not in layers)
    else:
        sc.prctl(sc.PR_SET_NO_NEW_PRIVS, 1)
    _quiet_standard_streams()


def _quiet_standard_streams() -> None:
    """The kernel's own stdout and stderr are the grader's terminal or log: a notebook must not
    write there (a fake score, escape sequences). What it prints reaches its cell's output
    through the kernel's messages instead, capped."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1) if os.environ.get(DEBUG_ENV) else (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
