"""A course's test modules may live in a `grader/` package folder of its own (this
repository's do: grader/assignments/). When the kit is installed as a library, `grader` is the
installed package, and pytest would look for `grader.assignments` there. The course's folder is
added to the package's path, after the kit's own: its test modules are imported from where they
are, the kit's modules stay the installed ones."""

from __future__ import annotations

import os
import sys

from grader.course import Course

KIT = __name__.partition(".")[0]  # the kit's top package, loaded before this module


def extend_kit_with_course_tests(course: Course) -> None:
    folder = course.root / "grader"
    if not (folder / "__init__.py").exists():
        return  # a plain folder of test modules: pytest imports them by file name
    kit = sys.modules[KIT]
    known = {os.path.realpath(path) for path in kit.__path__}
    if os.path.realpath(folder) not in known:
        kit.__path__.append(str(folder))
