"""Run one notebook top to bottom in a fresh Jupyter kernel. Knows nothing of pytest."""

from grader.execution.result import CellResult, CellStatus, NotebookResult
from grader.execution.settings import ExecutionSettings

__all__ = ["CellResult", "CellStatus", "ExecutionSettings", "NotebookResult"]
