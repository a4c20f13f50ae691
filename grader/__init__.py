"""A grading kit for PyTorch course notebooks.

The public door is small: the pytest plugin (registered as ``grader``) gives tests the
``submission`` and ``reference`` fixtures; tests raise :class:`Feedback` (or use
``grader.checks``) to fail with a message a student can act on.

This module must stay cheap to import: kernels import ``grader.probing.agent``.
"""

from grader.errors import Feedback, GraderError

__all__ = ["Feedback", "GraderError"]
