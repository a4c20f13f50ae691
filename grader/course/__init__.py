"""A course is a folder: where its notebooks, solutions and tests are, and its grading settings.

The kit is a library: it grades the course it is run in. `find_course()` finds that course
from the working directory (or a path given, such as the notebook `grader check` is asked
about): the nearest folder up the tree whose pyproject.toml has a `[tool.grader]` table. This
repository is the reference course, found the same way.
"""

from grader.course.config import Course, CourseNotFound
from grader.course.find import COURSE_ENV, find_course

__all__ = ["COURSE_ENV", "Course", "CourseNotFound", "find_course"]
