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

POLICY_ENV = "GRADER_SANDBOX"
MODE_ENV = "GRADER_SANDBOX_MODE"  # the default mode of a grading run (the commands set it)

OFF, AUTO, STRICT = "off", "auto", "strict"
MODES = (AUTO, STRICT, OFF)

# The layers, each applied in the kernel process before any student code runs.
LANDLOCK = "landlock"  # files: read the Python installation, write the scratch folder only
NAMESPACES = "namespaces"  # a private root, /proc, /tmp; own PID, network and IPC namespaces
OWN_UID = "own-uid"  # a uid of its own (the grader runs as root): no file or process of another
CGROUP = "cgroup"  # memory and process count of the whole process tree
LAYERS = (LANDLOCK, NAMESPACES, OWN_UID, CGROUP)
ALWAYS = ("environment", "rlimits", "no-new-privileges")  # applied wherever a sandbox is

EXIT_SANDBOX_FAILED = 78  # a kernel that could not apply a layer it was told to (EX_CONFIG)


@dataclass(frozen=True)
class SandboxPolicy:
    mode: str = OFF
    layers: tuple[str, ...] = ()
    memory_mb: int | None = None  # the whole process tree (cgroup), and each process (rlimit)
    processes: int = 512  # processes and threads of the tree
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
                   address_space_cap=bool(data.get("address_space_cap", True)))


def record(policy: SandboxPolicy) -> dict[str, object]:
    """What results.json and the gradebook say about the sandbox a notebook ran in."""
    if not policy.active:
        return {"mode": OFF, "layers": []}
    always = ALWAYS if sys.platform == "linux" else ("environment",)  # kernels apply the rest
    return {"mode": policy.mode, "layers": [*policy.layers, *always],
            "missing": [layer for layer in LAYERS if layer not in policy.layers],
            "memory": memory_cap(policy)}


def memory_cap(policy: SandboxPolicy) -> str:
    """How the memory limit holds: on the whole tree's resident memory, or per process."""
    if not policy.memory_mb:
        return "none"
    if CGROUP in policy.layers:
        tree = "the whole process tree (cgroup)"
    elif NAMESPACES in policy.layers:
        tree = "the whole process tree's resident memory (the supervisor's watchdog)"
    else:
        tree = ""
    each = "each process's address space" if policy.address_space_cap else ""
    return " and ".join(part for part in (tree, each) if part) or "none"
