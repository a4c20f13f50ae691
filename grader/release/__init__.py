"""Release: turn solution notebooks into student templates, with nbgrader's markers.

`release_notebook` clears one notebook in memory (conventions in `template.py`);
`release` does a whole folder, validating every notebook before writing any, or with
`check=True` only says which templates are missing or out of date. Problems in a solution
raise :class:`ReleaseError`, naming the notebook, the cell and the line.
"""

from grader.course.template import release_notebook
from grader.course.template_error import ReleaseError
from grader.release.writing import ReleaseOutcome, TemplateStatus, release

__all__ = ["ReleaseError", "ReleaseOutcome", "TemplateStatus", "release", "release_notebook"]
