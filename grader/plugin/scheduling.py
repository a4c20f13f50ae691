"""Under `pytest -n`, a notebook's tests (its visible and hidden modules) run on one worker, so
that the notebook is executed once.

pytest-xdist's own grouping (`--dist loadgroup` with `xdist_group` marks) renames each test's
node id in the worker by assigning a private attribute that pytest 9.2 no longer reads: the
groups silently vanish and every worker that runs one of a notebook's tests executes it again.
This scheduler groups from the node id alone, which the controller knows without collecting:
a course's test module names its notebook (grader/course/config.py, notebook_of).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xdist.scheduler import LoadScopeScheduling

from grader.course.config import Course, notebook_of


class NotebookScheduling(LoadScopeScheduling):
    """xdist's scheduling by scope, a scope being a notebook (any other test: itself)."""

    def __init__(self, config: Any, log: Any, course: Course | None) -> None:
        super().__init__(config, log)
        self._tests = course.tests.resolve() if course is not None else None
        self._root = Path(config.rootpath)

    def _split_scope(self, nodeid: str) -> str:  # LoadScopeScheduling's (test_private_apis)
        module = (self._root / nodeid.split("::", 1)[0]).resolve()
        if self._tests is not None and module.parent == self._tests \
                and module.name.startswith("test_"):
            return f"notebook {notebook_of(module)}"
        return nodeid
