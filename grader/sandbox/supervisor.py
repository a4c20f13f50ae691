"""The namespaces layer's processes: the kernel is PID 1 of a PID namespace of its own, and its
parent, outside that namespace, is a small supervisor.

A PID namespace does what a process group cannot: the kernel and everything it starts see only
each other (no other process to signal, ptrace or read in /proc), and when the kernel exits or is
killed, the Linux kernel kills every process left in the namespace, setsid or not. The grader
keeps managing one process, the supervisor (what a cold kernel's Popen or the fork server
started): killing it kills the kernel (PR_SET_PDEATHSIG) and so the whole namespace; its exit
code is the kernel's. Interrupts reach the kernel as before: it stays in the supervisor's process
group, which is what jupyter_client signals.

The supervisor runs no student code. Before letting the kernel go on, it puts it in its cgroup
and hands it its uid. Where there is no cgroup, it caps the memory of the whole tree itself
(watchdog.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from dataclasses import dataclass

from grader.sandbox import cgroups
from grader.sandbox import syscalls as sc
from grader.sandbox.policy import CGROUP, EXIT_SANDBOX_FAILED, OWN_UID, SandboxPolicy
from grader.sandbox.watchdog import watch_memory

KERNEL_UID_BASE = 2_000_000_000  # + the supervisor's pid: unused by any real account


@dataclass(frozen=True)
class Handover:
    """What the supervisor tells the kernel: the uid to become (None: keep this one)."""

    uid: int | None


def split(policy: SandboxPolicy) -> Handover:
    """Fork the kernel into a new PID namespace (a new user namespace too, when not root).
    Returns in the kernel; in the calling process, which becomes the supervisor, never."""
    unprivileged = os.geteuid() != 0
    if unprivileged:
        _enter_user_namespace()
    else:
        sc.unshare(sc.CLONE_NEWPID)
    ready_read, ready_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(ready_write)
        sc.prctl(sc.PR_SET_PDEATHSIG, signal.SIGKILL)
        message = _read_all(ready_read)
        os.close(ready_read)
        if not message:  # the supervisor failed, or died before handing over
            os._exit(EXIT_SANDBOX_FAILED)
        return Handover(**json.loads(message))
    os.close(ready_read)
    _supervise(pid, ready_write, policy)


def _enter_user_namespace() -> None:
    """As a non-root user: a user namespace where this process is root (mapped to its own uid
    outside), which lets it make the other namespaces and mount inside them."""
    uid, gid = os.geteuid(), os.getegid()
    sc.unshare(sc.CLONE_NEWUSER | sc.CLONE_NEWPID)
    for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"),
                       ("gid_map", f"0 {gid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)


def _supervise(pid: int, ready_write: int, policy: SandboxPolicy) -> None:
    code = EXIT_SANDBOX_FAILED
    group = None
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt is for the kernel
        for stop in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(stop, lambda *_: _kill(pid))
        if CGROUP in policy.layers:
            group = cgroups.create(cgroups.hierarchies(), cgroups.group_name(os.getpid()),
                                   policy.memory_mb, policy.processes)
            group.add(pid)
        uid = KERNEL_UID_BASE + os.getpid() if OWN_UID in policy.layers else None
        os.write(ready_write, json.dumps({"uid": uid}).encode())
        os.close(ready_write)
        if policy.memory_mb and group is None:  # no cgroup: watch the tree's memory instead
            code = watch_memory(pid, policy.memory_mb * 1024 * 1024)
        else:
            code = _wait(pid)
    except BaseException as exc:
        print(f"grader sandbox: the kernel's supervisor failed: {exc}", file=sys.stderr)
        _kill(pid)
        with contextlib.suppress(ChildProcessError):
            _wait(pid)
    finally:
        if group is not None:
            with contextlib.suppress(OSError):
                group.remove()
        os._exit(code)


def _wait(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return exit_code(status)


def exit_code(status: int) -> int:
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code  # killed by a signal: as a shell reports it


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _read_all(fd: int) -> bytes:
    data = b""
    while chunk := os.read(fd, 4096):
        data += chunk
    return data
