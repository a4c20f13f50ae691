"""Find the graded tests and the reference solution that belong to a notebook."""

from __future__ import annotations

import re
from pathlib import Path

from grader.errors import GraderError

KIT_ROOT = Path(__file__).resolve().parents[2]
TESTS = KIT_ROOT / "grader" / "assignments"
_NUMBER = re.compile(r"^(\d+)_")
HIDDEN_SUFFIX = "_hidden"  # test_NN_name_hidden.py: hidden tests, left out of student kits


def assignment_for(notebook: Path) -> str:
    """The assignment file name a notebook is graded as: its own name, or by its number prefix
    ("02_training_loop (1).ipynb", as browsers save a second download, is 02_training_loop)."""
    known = sorted(p.name.removeprefix("test_").removesuffix(".py") + ".ipynb"
                   for p in TESTS.glob("test_*.py") if not p.stem.endswith(HIDDEN_SUFFIX))
    if notebook.name in known:
        return notebook.name
    number = _NUMBER.match(notebook.name)
    matches = [k for k in known if number and k.startswith(number.group(0))]
    if len(matches) == 1:
        return matches[0]
    raise GraderError(f"{notebook.name} is not one of the graded assignments "
                      f"({', '.join(known)}); rename it to match one of them")


def graded_tests_for(assignment: str) -> list[Path]:
    """The assignment's test module, and its hidden tests' module if there is one."""
    stem = Path(assignment).stem
    return [p for p in (TESTS / f"test_{stem}.py", TESTS / f"test_{stem}{HIDDEN_SUFFIX}.py")
            if p.exists()]
