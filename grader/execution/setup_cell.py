"""The cell the grader runs before the student's first cell: seeds and quiet, fixed settings."""

from __future__ import annotations

from grader.execution.settings import ExecutionSettings


def setup_source(settings: ExecutionSettings) -> str:
    seed = settings.seed
    return f"""\
import random as _grader_random
_grader_random.seed({seed})
try:
    import numpy as _grader_np
    _grader_np.random.seed({seed})
except ImportError:
    pass
try:
    import torch as _grader_torch
    _grader_torch.manual_seed({seed})
    _grader_torch.set_num_threads({settings.threads})
except ImportError:
    pass
del _grader_random
"""
