"""Which assignment a notebook is, in a course."""

from __future__ import annotations

import re
from pathlib import Path

from grader.course import Course
from grader.errors import UserError

_NUMBER = re.compile(r"^(\d+)_")


def assignment_for(notebook: Path, course: Course) -> str:
    """The assignment file name a notebook is graded as: its own name, or by its number prefix
    ("02_training_loop (1).ipynb", as browsers save a second download, is 02_training_loop)."""
    known = course.graded_notebooks()
    name = _match(notebook.name, known)
    if name is not None:
        return name
    untested = _match(notebook.name, sorted(p.name for p in course.solutions.glob("*.ipynb")))
    if untested is not None:
        test_module = course.tests / f"test_{Path(untested).stem}.py"
        raise UserError(f"{untested} has a solution but no tests yet: write "
                        f"{test_module} (`grader new {Path(untested).stem}` starts one)")
    listed = ", ".join(known) or "none yet"
    raise UserError(f"{notebook.name} is not one of the graded assignments ({listed}); "
                    "rename it to match one of them")


def _match(name: str, known: list[str]) -> str | None:
    if name in known:
        return name
    number = _NUMBER.match(name)
    matches = [k for k in known if number and k.startswith(number.group(0))]
    return matches[0] if len(matches) == 1 else None
