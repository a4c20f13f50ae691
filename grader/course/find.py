"""Find the course the kit is run in."""

from __future__ import annotations

import os
from pathlib import Path

from grader.course.config import Course, CourseNotFound, read_course, read_table

COURSE_ENV = "GRADER_COURSE"  # a course folder, when it cannot be found from where one runs
_KIT_SOURCE = Path(__file__).resolve().parents[2]  # this repository, for an editable install


def find_course(start: Path | None = None, kit_fallback: bool = True) -> Course:
    """The course of `start` (default: the working directory): $GRADER_COURSE if set, else the
    nearest folder at or above `start` whose pyproject.toml has a [tool.grader] table, else the
    course the kit itself was installed from (`pip install -e .` in a course repository, as
    students do with their template repository: then `grader check` works from any folder)."""
    explicit = os.environ.get(COURSE_ENV)
    if explicit:
        root = Path(explicit).resolve()
        if not (root / "pyproject.toml").exists() and not (root / "solutions").is_dir():
            raise CourseNotFound(f"${COURSE_ENV} is {explicit}, which is not a course folder "
                                 "(no pyproject.toml with [tool.grader], no solutions/)")
        return read_course(root)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if read_table(folder / "pyproject.toml") is not None:
            return read_course(folder)
    if kit_fallback and read_table(_KIT_SOURCE / "pyproject.toml") is not None:
        return read_course(_KIT_SOURCE)
    raise CourseNotFound(
        f"{here} is not inside a course folder: the kit grades the course it is run in, a "
        "folder whose pyproject.toml has a [tool.grader] table. Run it from the course's "
        f"folder, set ${COURSE_ENV}=FOLDER, or make a new course with `grader init FOLDER`")


def kit_source() -> Path:
    """Where the kit's own files are (this repository when installed editable)."""
    return _KIT_SOURCE
