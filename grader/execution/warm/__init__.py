"""Warm kernels: a fork server imports torch & co. once per grading process; every notebook
still gets a fresh kernel process of its own, forked from it (see fork_server.py for why
that is safe and what a kernel inherits)."""

from __future__ import annotations

import os
import sys

from grader.execution.settings import ExecutionSettings


def warm_kernels_possible(settings: ExecutionSettings) -> bool:
    """Forking needs Linux (pidfds) and one thread per kernel: with more, numpy's BLAS would
    start its pool when the fork server imports it."""
    return (settings.warm_kernels and settings.threads == 1 and sys.platform == "linux"
            and hasattr(os, "pidfd_open") and hasattr(os, "fork"))
