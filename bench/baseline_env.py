"""The benchmark's own virtual environment for the baselines: nbgrader, and the nbconvert it brings.

Created with `--system-site-packages` so that it reuses the machine's torch (and never installs a
torch of its own); nbgrader is installed there only, never as a dependency of the kit.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.timing import Run, clean_env, run_timed

VENV = Path(__file__).resolve().parent / ".venv-nbgrader"
NBGRADER = "nbgrader==0.9.6"  # pinned: the version these results were measured with

_PROBE = ("import json, nbgrader, nbconvert, torch; "
          "print(json.dumps([nbgrader.__version__, nbconvert.__version__, torch.__version__]))")


class BaselineUnavailable(Exception):
    """The baseline environment could not be made; the message says why."""


@dataclass(frozen=True)
class BaselineEnv:
    root: Path
    nbgrader_version: str
    nbconvert_version: str
    torch_version: str
    setup_seconds: float  # 0 when an existing environment was reused

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    @property
    def nbgrader(self) -> Path:
        return self.root / "bin" / "nbgrader"

    @property
    def nbconvert(self) -> Path:
        return self.root / "bin" / "jupyter-nbconvert"

    def environ(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The environment of an activated venv: nbgrader runs tools (alembic) found on PATH."""
        bin_dir = str(self.root / "bin")
        return clean_env({"VIRTUAL_ENV": str(self.root),
                          "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
                          **(extra or {})})


def ensure(venv: Path = VENV, log: Callable[[str], None] = print) -> BaselineEnv:
    """Reuse `venv` if nbgrader imports there, else create it and pip-install nbgrader."""
    start = time.perf_counter()
    python = venv / "bin" / "python"
    versions = _probe(python, venv)
    if versions is None:
        if not python.exists():
            log(f"creating {venv} (--system-site-packages, reuses the machine's torch)")
            _check(run_timed([sys.executable, "-m", "venv", "--system-site-packages", venv],
                             cwd=venv.parent), "python -m venv")
        log(f"installing {NBGRADER} into {venv.name} (once; later runs reuse it)")
        _check(run_timed([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                          NBGRADER], cwd=venv.parent, timeout=1200), f"pip install {NBGRADER}")
        versions = _probe(python, venv)
        if versions is None:
            raise BaselineUnavailable(f"{NBGRADER} installed but `import nbgrader, nbconvert, "
                                      "torch` fails in the environment")
        setup = time.perf_counter() - start
    else:
        setup = 0.0
    nbgrader, nbconvert, torch = versions
    return BaselineEnv(venv, nbgrader, nbconvert, torch, setup)


def _probe(python: Path, venv: Path) -> list[str] | None:
    if not python.exists():
        return None
    run = run_timed([python, "-c", _PROBE], cwd=venv.parent, timeout=300)
    if not run.ok:
        return None
    return list(json.loads(run.tail.splitlines()[-1]))


def _check(run: Run, what: str) -> None:
    if not run.ok:
        raise BaselineUnavailable(f"{what} failed (exit {run.returncode}): {run.tail[-800:]}")
