"""Which assignment a notebook is, in a course (grader/course/matching.py: the rule)."""

from __future__ import annotations

from pathlib import Path

from grader.course import Course
from grader.course.matching import assignment_of
from grader.errors import UserError


def assignment_for(notebook: Path, course: Course) -> str:
    """The assignment file name a notebook is graded as: its own name, a copy's
    ("02_training_loop (1).ipynb", as browsers save a second download) or its number's."""
    known = course.graded_notebooks()
    name = assignment_of(notebook.name, known)
    if name is not None:
        return name
    solutions = sorted(p.name for p in course.solutions.glob("*.ipynb"))
    untested = assignment_of(notebook.name, solutions) if solutions else None
    if untested is not None:
        test_module = course.tests / f"test_{Path(untested).stem}.py"
        raise UserError(f"{untested} has a solution but no tests yet: write "
                        f"{test_module} (`grader new {Path(untested).stem}` starts one)")
    listed = ", ".join(known) or "none yet"
    raise UserError(f"{notebook.name} is not one of the graded assignments ({listed}); "
                    "rename it to match one of them")
