"""What a kernel's sandbox must do, decided by the grader and handed to the kernel.

The grader decides which layers to apply (`--grader-sandbox`: auto takes every layer this
machine allows, strict refuses to grade without all of them, off applies none) and records them
in each student's results. The kernel applies exactly these layers or does not start: what is
recorded is what ran. The policy travels in one environment variable, set by the grader in the
kernel's environment; a warm kernel takes its fork server's, never a client's request.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass

from grader.sandbox.cgroups import Limits

POLICY_ENV = "GRADER_SANDBOX"
MODE_ENV = "GRADER_SANDBOX_MODE"  # the default mode of a grading run (the commands set it)

OFF, AUTO, STRICT = "off", "auto", "strict"
MODES = (AUTO, STRICT, OFF)

# The layers, each applied in the kernel process before any student code runs.
LANDLOCK = "landlock"  # files: read the Python installation, write the scratch folder only
NAMESPACES = "namespaces"  # a private root, /proc, /tmp; own PID, network and IPC namespaces
OWN_UID = "own-uid"  # a uid of its own (the grader runs as root): no file or process of another
CGROUP = "cgroup"  # memory and process count of each kernel's tree and of a student's kernels
CPU_SHARE = "cpu-share"  # a student's kernels together get one equal share of the CPU
LAYERS = (LANDLOCK, NAMESPACES, OWN_UID, CGROUP, CPU_SHARE)
ALWAYS = ("environment", "rlimits", "no-new-privileges")  # applied wherever a sandbox is

EXIT_SANDBOX_FAILED = 78  # a kernel that could not apply a layer it was told to (EX_CONFIG)
FAILED_PREFIX = "grader sandbox: could not apply the "  # then "LAYER layer (WHY)", on its stderr


@dataclass(frozen=True)
class SandboxPolicy:
    mode: str = OFF
    layers: tuple[str, ...] = ()
    memory_mb: int | None = None  # each kernel's tree and a student's kernels together
    # (cgroup), and each process (rlimit)
    processes: int = 512  # processes and threads of a kernel's tree, and of a student's
    cpu_cores: float = 0.0  # most cores a student's kernels use together (0: no ceiling)
    disk_mb: int = 512  # the scratch folder (a tmpfs), or each file where there is none
    address_space_cap: bool = True  # memory_mb also caps each process's address space (not
    # with a GPU build of torch: grader/execution/torch_build.py)

    @property
    def active(self) -> bool:
        return self.mode != OFF

    def to_env(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> SandboxPolicy:
        raw = (environ if environ is not None else os.environ).get(POLICY_ENV)
        if not raw:
            return cls()
        data = json.loads(raw)
        return cls(mode=data["mode"], layers=tuple(data["layers"]),
                   memory_mb=data["memory_mb"], processes=int(data["processes"]),
                   disk_mb=int(data["disk_mb"]),
                   address_space_cap=bool(data.get("address_space_cap", True)),
                   cpu_cores=float(data.get("cpu_cores", 0.0)))

    def group_limits(self) -> Limits:
        """What the cgroup and cpu-share layers set."""
        tree = CGROUP in self.layers
        return Limits(self.memory_mb if tree else None, self.processes if tree else 0,
                      self.cpu_cores if CPU_SHARE in self.layers else None)


def record(policy: SandboxPolicy, why_missing: dict[str, str] | None = None
           ) -> dict[str, object]:
    """What results.json and the gradebook say about the sandbox a notebook ran in, and why a
    layer is missing (by default, what its trial on this machine said)."""
    if not policy.active:
        return {"mode": OFF, "layers": []}
    if why_missing is None:
        from grader.sandbox.detect import available_layers  # found once per process

        why_missing = available_layers().missing
    always = ALWAYS if sys.platform == "linux" else ("environment",)  # kernels apply the rest
    missing = [layer for layer in LAYERS if layer not in policy.layers]
    facts: dict[str, object] = {"mode": policy.mode, "layers": [*policy.layers, *always],
                                "missing": missing, "memory": memory_cap(policy),
                                "cpu": cpu_share(policy)}
    if why_missing:
        facts["why_missing"] = {layer: why_missing[layer] for layer in missing
                                if layer in why_missing}
    return facts


def cpu_share(policy: SandboxPolicy) -> str:
    """How a student's CPU time is bounded."""
    if CPU_SHARE not in policy.layers:
        return "none: each process the notebook starts in a session of its own gets a share"
    cores = f"{policy.cpu_cores:g} core" + ("" if policy.cpu_cores == 1 else "s")
    ceiling = f", at most {cores}" if policy.cpu_cores else ""
    return f"one equal share per student, all their kernels together{ceiling} (cgroup)"


def memory_cap(policy: SandboxPolicy) -> str:
    """How the memory limit holds: on the whole tree's resident memory, or per process."""
    if not policy.memory_mb:
        return "none"
    if CGROUP in policy.layers:
        tree = "each kernel's process tree and all of a student's kernels together (cgroup)"
    elif NAMESPACES in policy.layers:
        tree = "the whole process tree's resident memory (the supervisor's watchdog)"
    else:
        tree = ""
    each = "each process's address space" if policy.address_space_cap else ""
    return " and ".join(part for part in (tree, each) if part) or "none"
