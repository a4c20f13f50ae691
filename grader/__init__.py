"""A grading kit for PyTorch course notebooks.

The public door is small: the pytest plugin (``-p grader.plugin.plugin``) gives tests the
``submission`` and ``reference`` fixtures; tests raise :class:`Feedback` (or use
``grader.checks``) to fail with a message a student can act on.

This module must stay cheap to import: kernels import ``grader.probing.agent``.
"""

from grader.errors import Feedback, GraderError


def check(notebook: str | None = None) -> None:
    """From a notebook cell: grade the saved notebook fresh, and note where this kernel differs."""
    from grader.selfcheck.inline import check as check_inline

    check_inline(notebook)


__all__ = ["Feedback", "GraderError", "check"]
