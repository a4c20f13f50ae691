"""The floor of grading: the notebooks' own code, run warm in one process with one thread.

What no grader can go below: each notebook's code cells, concatenated, executed in a fresh
namespace of a Python that has already imported what they import (torch, pandas, ...) and run
every notebook once (the lazy imports of torch.optim and the like are paid before the clock
starts), with one intra-op thread, seeded as the grader's setup cell seeds. No kernel, no
messages, no pytest. Each notebook is run `repeat` times, interleaved with the others; the
figure is the median.

`python -m bench.floor [NOTEBOOK...]` prints it; bench.run and bench.breakdown measure it in a
subprocess of their own (`measure`), side by side with the grading they compare with it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.timing import clean_env

KIT_ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = KIT_ROOT / "solutions"
SEED = 4242  # the kit's default seed (grader/execution/settings.py)


def measure(notebooks: Sequence[Path], repeat: int = 5) -> dict[str, float]:
    """Median seconds of each notebook's code, warm, one thread (in a fresh process of its own
    so that the caller's imports and threads change nothing)."""
    command = [sys.executable, "-m", "bench.floor", "--json", "--repeat", str(repeat),
               *map(str, notebooks)]
    env = clean_env({"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg"})
    done = subprocess.run(command, cwd=KIT_ROOT, env=env, capture_output=True, text=True,
                          check=True, timeout=1800)
    return {name: float(seconds) for name, seconds in json.loads(done.stdout).items()}


def _run_warm(notebooks: Sequence[Path], repeat: int) -> dict[str, float]:
    import torch

    from bench.single_notebook import script_of

    torch.set_num_threads(1)
    code = {nb.name: compile(script_of(nb), str(nb), "exec") for nb in notebooks}
    seconds: dict[str, list[float]] = {name: [] for name in code}
    with tempfile.TemporaryDirectory(prefix="grader-floor-") as work:
        os.chdir(work)  # a notebook that writes a file writes it here
        for round_ in range(repeat + 1):  # round 0 warms up: imports, lazy imports, caches
            for name, compiled in code.items():
                elapsed = _once(compiled)
                if round_:
                    seconds[name].append(elapsed)
    return {name: statistics.median(values) for name, values in seconds.items()}


def _once(compiled: object) -> float:
    import random

    import numpy
    import torch

    random.seed(SEED)
    numpy.random.seed(SEED)
    torch.manual_seed(SEED)
    namespace: dict[str, object] = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):  # printing costs, and it is their code
        started = time.perf_counter()
        exec(compiled, namespace)
        elapsed = time.perf_counter() - started
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__)
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks (default: every solution of the course)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args(argv)
    notebooks = [p.resolve() for p in args.notebooks] or sorted(SOLUTIONS.glob("*.ipynb"))
    found = _run_warm(notebooks, args.repeat)
    if args.json:
        print(json.dumps(found))
        return 0
    for name, seconds in found.items():
        print(f"{name:<45} {seconds * 1000:8.1f} ms")
    print(f"{'mean per notebook':<45} {statistics.mean(found.values()) * 1000:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
