"""The sandbox around every kernel: student code cannot touch what decides a grade.

Layers (see policy.py), each applied in the kernel process before any student code runs, in
cold and warm kernels alike (enter.py): Landlock (files), namespaces (a private root, PID,
network and IPC namespaces, under a supervisor), a uid of its own (when the grader is root), a
cgroup (memory and process count of the whole tree), plus always an allow-listed environment,
rlimits and no_new_privs. `policy_for` decides the layers from what this machine allows
(detect.py) and the mode: auto takes what there is, strict refuses to run without all, off
applies none.

This package's modules import nothing heavy: kernels import policy.py and enter.py.
"""

from __future__ import annotations

import os
import sys

from grader.errors import GraderError
from grader.sandbox.policy import (
    LAYERS,
    OFF,
    OWN_UID,
    STRICT,
    SandboxPolicy,
    record,
)


class SandboxUnavailable(GraderError):
    """`--grader-sandbox strict` on a machine that does not allow every layer."""


def required_layers() -> tuple[str, ...]:
    """What strict mode requires: every layer, but a uid of its own only when the grader is
    root (a user cannot give a process another uid)."""
    root = sys.platform == "linux" and os.geteuid() == 0
    return tuple(layer for layer in LAYERS if root or layer != OWN_UID)


def policy_for(mode: str, memory_mb: int | None, processes: int, disk_mb: int,
               protected: tuple[str, ...], address_space_cap: bool = True,
               cpu_cores: float = 0.0) -> SandboxPolicy:
    """The policy kernels get: the layers this machine allows (auto), all of them (strict, or
    SandboxUnavailable naming what is missing and why), or none (off)."""
    if mode == OFF:
        return SandboxPolicy()
    from grader.sandbox.detect import available_layers

    detection = available_layers()
    missing = [layer for layer in required_layers() if layer not in detection.available]
    if mode == STRICT and missing:
        reasons = "; ".join(f"{layer}: {detection.missing.get(layer, 'unavailable')}"
                            for layer in missing)
        raise SandboxUnavailable(
            f"--grader-sandbox strict, but this machine does not allow every layer ({reasons}). "
            "Grade where it does, or use --grader-sandbox auto to grade with the layers there "
            "are (each student's results record them)")
    _refuse_protected_inside_readable(protected)
    return SandboxPolicy(mode=mode, layers=detection.available, memory_mb=memory_mb,
                         processes=processes, disk_mb=disk_mb,
                         address_space_cap=address_space_cap, cpu_cores=cpu_cores)


def _refuse_protected_inside_readable(protected: tuple[str, ...]) -> None:
    from grader.sandbox.filesystem import ProtectedPathReadable, refuse_protected_inside

    try:
        refuse_protected_inside(protected)
    except ProtectedPathReadable as exc:
        raise GraderError(f"the sandbox cannot hide what kernels must not read: {exc}") from None


def describe_sandbox(policy: SandboxPolicy) -> str:
    """One line for a report's header: the mode and the layers, or what is missing."""
    if not policy.active:
        return "sandbox off: notebooks run with the grader's own rights"
    facts = record(policy)
    layers: list[str] = facts["layers"]  # type: ignore[assignment]
    missing: list[str] = facts["missing"]  # type: ignore[assignment]
    text = f"sandbox {policy.mode}: {', '.join(layers)}"
    if missing:
        why: dict[str, str] = facts.get("why_missing") or {}  # type: ignore[assignment]
        text += " (missing: " + "; ".join(
            f"{layer}: {why[layer]}" if layer in why else layer for layer in missing) + ")"
    return f"{text}; memory capped on {facts['memory']}; CPU: {facts['cpu']}"


__all__ = ["SandboxPolicy", "SandboxUnavailable", "describe_sandbox", "policy_for", "record",
           "required_layers"]
