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

CHECKED = (0, 1)  # `grader check` graded the notebook (full marks, or not); 2: it could not


def check(notebook: str | os.PathLike[str] | None = None) -> None:
    """Grade the saved notebook as the grader will, then compare with this kernel's history."""
    from IPython import get_ipython

    shell = get_ipython()
    path = _this_notebook(notebook, shell.user_ns if shell is not None else {})
    if path is None or not path.name.endswith(".ipynb"):
        from grader.selfcheck.notebook import example_name

        which = f"{path} is not a notebook (.ipynb). " if path else ""
        print(f"{which}Pass the notebook's file name: "
              f"grader.check({example_name(Path.cwd())!r})")
        return
    done = subprocess.run([sys.executable, "-m", "grader.cli", "check", str(path)],
                          capture_output=True, text=True)
    print((done.stdout + done.stderr).strip())
    if done.returncode not in CHECKED:
        return  # the message says why nothing was graded and what to do: nothing to compare
    saved = _saved_code_cells(path)
    history = [entry for entry in shell.user_ns.get("In", [])[1:] if "grader.check" not in entry]
    for warning in live_kernel_differences(saved, history):
        print(f"Note: {warning}")


def _this_notebook(given: str | os.PathLike[str] | None, namespace: dict) -> Path | None:
    """The notebook named, else the one this kernel runs (Jupyter tells the kernel its path,
    relative to the server's root or absolute: the kernel runs in the notebook's folder)."""
    if given:
        return Path(given)
    session = namespace.get("__session__") or os.environ.get("JPY_SESSION_NAME", "")
    if not session:
        return None
    path = Path(session)
    return path if path.is_file() else Path(path.name)


def _saved_code_cells(path: Path) -> list[str]:
    """The saved notebook's code cells (none if it changed into something unreadable since)."""
    import nbformat

    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception:  # nbformat raises several types: then there is nothing to compare
        return []
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


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
