"""The namespaces layer's processes: the kernel is PID 1 of a PID namespace of its own, and its
parent, outside that namespace, is a small supervisor.

A PID namespace does what a process group cannot: the kernel and everything it starts see only
each other (no other process to signal, ptrace or read in /proc), and when the kernel exits or is
killed, the Linux kernel kills every process left in the namespace, setsid or not. The grader
keeps managing one process, the supervisor (what a cold kernel's Popen or the fork server
started): killing it kills the kernel (PR_SET_PDEATHSIG) and so the whole namespace; its exit
code is the kernel's. Interrupts reach the kernel as before: it stays in the supervisor's process
group, which is what jupyter_client signals.

The supervisor runs no student code. It hands the kernel its uid at once; then, once the kernel
has its request (a spare of the fork server waits for one) and so knows which student it is
for, it puts the kernel in its groups (cgroups.py), before the kernel runs anything of the
notebook. Where there is no cgroup, it caps the memory of the whole tree itself (watchdog.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from dataclasses import dataclass
from typing import NoReturn

from grader.sandbox import cgroups
from grader.sandbox import syscalls as sc
from grader.sandbox.environment import STUDENT_ROLE
from grader.sandbox.policy import (
    CGROUP,
    CPU_SHARE,
    EXIT_SANDBOX_FAILED,
    OWN_UID,
    SandboxPolicy,
)
from grader.sandbox.watchdog import watch_memory

KERNEL_UID_BASE = 2_000_000_000  # + the supervisor's pid: unused by any real account


@dataclass(frozen=True)
class Handover:
    """What the supervisor tells the kernel: the uid to become (None: keep this one), and the
    link through which the kernel, once it knows whose it is, asks to be put in its groups."""

    uid: int | None
    link: SupervisorLink | None = None


class SupervisorLink:
    """The kernel's end of the pipes to its supervisor, used once, before any student code."""

    def __init__(self, reading: int, writing: int) -> None:
        self._reading, self._writing = reading, writing

    def place(self, owner: str | None, role: str) -> None:
        """Ask the supervisor to put this kernel in its groups (see cgroups.place); raises
        OSError with the supervisor's reason if it could not."""
        try:
            os.write(self._writing, json.dumps({"owner": owner, "role": role}).encode() + b"\n")
            reply = json.loads(_read_line(self._reading) or b'{"error": "no answer"}')
        finally:
            self.close()
        if "error" in reply:
            raise OSError(f"the supervisor could not put the kernel in its groups: "
                          f"{reply['error']}")

    def close(self) -> None:
        for fd in (self._reading, self._writing):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._reading = self._writing = -1


def split(policy: SandboxPolicy) -> Handover:
    """Fork the kernel into a new PID namespace (a new user namespace too, when not root).
    Returns in the kernel; in the calling process, which becomes the supervisor, never."""
    unprivileged = os.geteuid() != 0
    if unprivileged:
        _enter_user_namespace()
    else:
        sc.unshare(sc.CLONE_NEWPID)
    to_kernel_read, to_kernel_write = os.pipe()
    to_supervisor_read, to_supervisor_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(to_kernel_write)
        os.close(to_supervisor_read)
        sc.prctl(sc.PR_SET_PDEATHSIG, signal.SIGKILL)
        message = _read_line(to_kernel_read)
        if not message:  # the supervisor failed, or died before handing over
            os._exit(EXIT_SANDBOX_FAILED)
        link = SupervisorLink(to_kernel_read, to_supervisor_write)
        return Handover(**json.loads(message), link=link)
    os.close(to_kernel_read)
    os.close(to_supervisor_write)
    _supervise(pid, to_kernel_write, to_supervisor_read, policy)


def _enter_user_namespace() -> None:
    """As a non-root user: a user namespace where this process is root (mapped to its own uid
    outside), which lets it make the other namespaces and mount inside them."""
    uid, gid = os.geteuid(), os.getegid()
    sc.unshare(sc.CLONE_NEWUSER | sc.CLONE_NEWPID)
    for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"),
                       ("gid_map", f"0 {gid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)


def _supervise(pid: int, to_kernel: int, from_kernel: int, policy: SandboxPolicy) -> NoReturn:
    code = EXIT_SANDBOX_FAILED
    group = None
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt is for the kernel
        for stop in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(stop, lambda *_: _kill(pid))
        uid = KERNEL_UID_BASE + os.getpid() if OWN_UID in policy.layers else None
        os.write(to_kernel, json.dumps({"uid": uid}).encode() + b"\n")
        if CGROUP in policy.layers or CPU_SHARE in policy.layers:
            # A spare kernel waits for its request here: only then does it know its student.
            group = _place(pid, _read_line(from_kernel), to_kernel, policy)
        os.close(to_kernel)
        os.close(from_kernel)
        if policy.memory_mb and CGROUP not in policy.layers:  # watch the tree's memory instead
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


def _place(pid: int, request: bytes, to_kernel: int, policy: SandboxPolicy
           ) -> cgroups.KernelGroup | None:
    """Put the kernel in its groups as it asked (its owner, known from the fork server or its
    parent; its role), with the policy's limits, and tell it how that went."""
    if not request:  # it exited first (a spare nobody asked for)
        return None
    group = None
    try:
        asked = json.loads(request)
        owner = asked["owner"] if asked.get("role") == STUDENT_ROLE else None
        group = cgroups.place(pid, owner, policy.group_limits(),
                              cgroups.group_name(os.getpid()))
        reply: dict[str, object] = {"ok": True}
    except Exception as exc:
        reply = {"error": f"{type(exc).__name__}: {exc}"}
    os.write(to_kernel, json.dumps(reply).encode() + b"\n")
    return group


def _wait(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return exit_code(status)


def exit_code(status: int) -> int:
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code  # killed by a signal: as a shell reports it


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _read_line(fd: int) -> bytes:
    """One message: a line (the other side waits for an answer before it writes again)."""
    data = b""
    while not data.endswith(b"\n") and (chunk := os.read(fd, 4096)):
        data += chunk
    return data.strip()
