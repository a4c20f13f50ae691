"""`grader.check()` from inside a notebook: grade the saved file fresh, and say where the live
kernel's history means its results may differ (cells run twice, out of order, or edits that
were never saved)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import nbformat


def check(notebook: str | os.PathLike[str] | None = None) -> None:
    """Grade the saved notebook as the grader will, then compare with this kernel's history."""
    from IPython import get_ipython

    shell = get_ipython()
    path = Path(notebook or shell.user_ns.get("__session__") or os.environ.get(
        "JPY_SESSION_NAME", ""))
    if not path.name.endswith(".ipynb"):
        print("Pass the notebook's file name: grader.check('02_training_loop.ipynb')")
        return
    done = subprocess.run([sys.executable, "-m", "grader.cli", "check", str(path)],
                          capture_output=True, text=True)
    print(done.stdout + done.stderr)
    saved = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    history = [entry for entry in shell.user_ns.get("In", [])[1:] if "grader.check" not in entry]
    for warning in live_kernel_differences(saved, history):
        print(f"Note: {warning}")


def live_kernel_differences(saved_cells: Sequence[str], history: Sequence[str]) -> list[str]:
    """Why this kernel's state may differ from a fresh top-to-bottom run of the saved cells."""
    position = {source.strip(): number for number, source in enumerate(saved_cells, 1)}
    runs: dict[int, int] = {}
    order: list[int] = []
    unsaved = 0
    for source in history:
        number = position.get(source.strip())
        if number is None:
            unsaved += bool(source.strip())
            continue
        runs[number] = runs.get(number, 0) + 1
        order.append(number)
    warnings = [f"code cell {n} ran {k} times in your kernel; the grader runs it once, so values "
                "it changes (a model trained twice, a list appended twice) differ."
                for n, k in sorted(runs.items()) if k > 1]
    if any(later < earlier for earlier, later in pairwise(order)):
        warnings.append("your kernel ran cells out of order; the grader runs them top to bottom.")
    if unsaved:
        warnings.append(f"your kernel ran {unsaved} piece(s) of code that are not in the saved "
                        "notebook (edited since, or deleted): save, then restart and run all.")
    return warnings
