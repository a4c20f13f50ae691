"""The notebook a student asks to check: that it is there, readable, and in which course; each
problem said once, with what to do, in the course's own names."""

from __future__ import annotations

import difflib
from pathlib import Path

from grader.course import Course, CourseNotFound, find_course
from grader.course.find import COURSE_ENV
from grader.course.matching import notebooks_in
from grader.errors import UserError

SAVE = "In Jupyter, save it (File > Save Notebook, or Ctrl+S), then check again."
SHOWN = 6  # notebooks listed when none is close to the name given


def readable(given: Path) -> Path:
    """`given`, resolved, if it is a file; else a UserError that says what is there."""
    notebook = given.resolve()
    if notebook.is_file():
        return notebook
    if notebook.is_dir():
        raise UserError(f"{given} is a folder: give the notebook's file, e.g. "
                        f"`grader check {given / example_name(notebook)}`")
    folder = given.parent
    if not notebook.parent.is_dir():
        where = "" if folder.is_absolute() else f" in {Path.cwd()}"
        raise UserError(f"{given} does not exist: there is no folder {folder}{where}. Give "
                        f"the path of your notebook from here, e.g. "
                        f"`grader check {example_path()}`")
    names = notebooks_in(notebook.parent)
    close = difflib.get_close_matches(given.name, names, n=1, cutoff=0.6)
    if close:
        hint = f"Did you mean `grader check {folder / close[0]}`?"
    elif names:
        listed = ", ".join(names[:SHOWN]) + (", ..." if len(names) > SHOWN else "")
        hint = f"The notebooks there: {listed}."
    else:
        hint = f"There is no notebook in {folder}."
    raise UserError(f"{given} does not exist. {hint} If you have just made or renamed it, "
                    f"save it first. {SAVE}")


def course_for(notebook: Path) -> Course:
    """The course of the notebook's folder, else of the working directory (a notebook kept
    outside the course, checked from inside it), else the kit's own."""
    try:
        return find_course(notebook.parent, kit_fallback=False)
    except CourseNotFound:
        pass
    try:
        return find_course()
    except CourseNotFound:
        raise CourseNotFound(
            f"neither {notebook.parent} (the notebook's folder) nor {Path.cwd()} (where you "
            "are) is inside a course folder, one whose pyproject.toml has a [tool.grader] "
            f"table. Run `grader check` from the course's folder (or set {COURSE_ENV}=FOLDER "
            "to the course)") from None


def unreadable_reason(notebook: Path) -> str | None:
    """Why the saved file cannot be graded (empty, not JSON, not a notebook), or None."""
    from grader.execution.loading import UnreadableNotebook, load_notebook

    try:
        load_notebook(notebook)
    except UnreadableNotebook as exc:
        reason = str(exc).rstrip(".")
        return f"{reason}." if "save" in reason.lower() else f"{reason}. {SAVE}"
    return None


def example_name(folder: Path | None = None) -> str:
    """An assignment's notebook name of the course found here, for a hint ("NN_name.ipynb"
    where there is none)."""
    try:
        course = find_course(folder)
    except (CourseNotFound, UserError):
        return "NN_name.ipynb"
    names = course.graded_notebooks()
    return names[0] if names else "NN_name.ipynb"


def example_path() -> str:
    try:
        course = find_course()
    except (CourseNotFound, UserError):
        return "NN_name.ipynb"
    folder = course.assignments
    shown = folder.relative_to(Path.cwd()) if folder.is_relative_to(Path.cwd()) else folder
    return str(shown / example_name())
