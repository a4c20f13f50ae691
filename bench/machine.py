"""What the benchmark ran on: cores, CPU model, memory, load, and the versions that matter."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path


@dataclass(frozen=True)
class Machine:
    cores: int
    cpu_model: str
    memory_gib: float
    os: str
    python: str
    torch: str
    nbclient: str
    ipykernel: str
    load_average: tuple[float, float, float]  # 1, 5 and 15 minutes, when the run started
    kit: str  # the commit measured, and whether the work tree had changes on top of it

    def lines(self) -> list[str]:
        one, five, fifteen = self.load_average
        return [
            f"cores: {self.cores}   CPU: {self.cpu_model}   memory: {self.memory_gib:.0f} GiB",
            f"OS: {self.os}",
            f"python {self.python}   torch {self.torch}   nbclient {self.nbclient}   "
            f"ipykernel {self.ipykernel}",
            f"kit: {self.kit}",
            f"load average at start (1/5/15 min): {one:.2f} / {five:.2f} / {fifteen:.2f}"
            + ("   <- the machine was busy: absolute seconds are inflated, ratios less so"
               if one > self.cores else ""),
        ]


def describe() -> Machine:
    return Machine(
        cores=os.cpu_count() or 0,
        cpu_model=_cpu_model(),
        memory_gib=_memory_gib(),
        os=platform.platform(),
        python=sys.version.split()[0],
        torch=_version("torch"),
        nbclient=_version("nbclient"),
        ipykernel=_version("ipykernel"),
        load_average=os.getloadavg(),
        kit=_kit_state(),
    )


def current_load() -> float:
    return os.getloadavg()[0]


def _kit_state() -> str:
    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, text=True,
                                capture_output=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--", ".", ":!bench"], cwd=root,
                                 text=True, capture_output=True, check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"commit {commit}" + (f" + {len(changed)} changed/untracked paths" if changed else "")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    return float("nan")
