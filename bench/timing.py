"""Time one command in a fresh process; medians of repetitions."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

TIMEOUT_EXIT = -9  # the return code recorded for a command stopped at its time limit


@dataclass(frozen=True)
class Run:
    """One timed command: wall-clock seconds, exit code, and the end of what it printed."""

    seconds: float
    returncode: int
    tail: str
    cpu: float = float("nan")  # user + system seconds of the command and every process it
    # waited for (kernels and fork servers included), whatever the machine's load

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without pytest's variables (the benchmark may run under pytest)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(extra or {})
    return env


def run_timed(command: Sequence[str | Path], cwd: Path, env: Mapping[str, str] | None = None,
              timeout: float = 900.0) -> Run:
    """Run `command` to its end and return its wall-clock time (start of process to exit)."""
    args = [str(part) for part in command]
    cpu_before = _children_cpu()
    start = time.perf_counter()
    try:
        done = subprocess.run(args, cwd=cwd, env=dict(env or clean_env()), capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode(errors="replace") if isinstance(exc.stdout, bytes) \
            else (exc.stdout or "")
        return Run(time.perf_counter() - start, TIMEOUT_EXIT, f"timed out after {timeout:g} s\n"
                   + out[-1500:])
    seconds = time.perf_counter() - start
    return Run(seconds, done.returncode, (done.stdout[-1500:] + done.stderr[-1500:]).strip(),
               _children_cpu() - cpu_before)


def _children_cpu() -> float:
    """CPU seconds of the waited-for descendants so far (one command at a time: the benchmark
    runs its commands in sequence where it reads this)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")
