"""Run one notebook top to bottom in a fresh Jupyter kernel. Knows nothing of pytest."""

from grader.execution.lean_imports import skip_unused_format_checkers

skip_unused_format_checkers()  # before any module of this package imports nbformat

from grader.execution.result import CellResult, CellStatus, NotebookResult  # noqa: E402
from grader.execution.settings import ExecutionSettings  # noqa: E402

__all__ = ["CellResult", "CellStatus", "ExecutionSettings", "NotebookResult"]
