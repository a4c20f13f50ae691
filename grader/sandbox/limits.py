"""Per-process limits and giving up privileges, the last steps before a kernel runs code."""

from __future__ import annotations

import os
import resource

from grader.sandbox import syscalls as sc
from grader.sandbox.policy import SandboxPolicy


def set_limits(policy: SandboxPolicy, own_processes: bool) -> None:
    """Core dumps off; no file larger than the disk cap; each process's address space capped;
    the number of processes and threads capped where it counts this kernel's alone (a uid of
    its own, or a user namespace of its own: RLIMIT_NPROC counts per user and namespace)."""
    _set(resource.RLIMIT_CORE, 0)
    _set(resource.RLIMIT_FSIZE, policy.disk_mb * 1024 * 1024)
    if policy.memory_mb and policy.address_space_cap:
        _set(resource.RLIMIT_AS, policy.memory_mb * 1024 * 1024)
    if own_processes:
        _set(resource.RLIMIT_NPROC, policy.processes)


def become(uid: int) -> None:
    """Root gives up root for `uid` (and the same gid): no capability is left, and no file or
    process of any other user (the grader's included) is its own."""
    sc.drop_bounding_capabilities()
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def drop_privileges() -> None:
    """Keep the uid, lose every capability, now and in any program run later."""
    sc.drop_bounding_capabilities()
    sc.clear_capabilities()


def _set(limit: int, value: int) -> None:
    _, hard = resource.getrlimit(limit)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(limit, (value, value))
