"""Which build of torch kernels import, read from its files (importing torch costs seconds).

A CUDA build reserves address space by the gigabyte when CUDA initialises (17.8 GB measured
on a GPU machine, 0.8 GB of it resident), and before that already takes more than a CPU build
(3.8 GB after `import torch`): a cap on address space (RLIMIT_AS) cannot hold a kernel that
uses the GPU, and leaves a warm kernel few thread stacks. With such a build, the memory cap is
on resident memory only (the sandbox's cgroup, or its watchdog).
"""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path

_CUDA = re.compile(r"^(?:cuda|hip|rocm)\s*(?::[^=]+)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)


@functools.cache
def torch_uses_a_gpu_build() -> bool:
    """True for a CUDA (or ROCm) build of torch; False for a CPU build or no torch."""
    spec = importlib.util.find_spec("torch")
    if spec is None or spec.origin is None:
        return False
    version = Path(spec.origin).parent / "version.py"
    try:
        return _CUDA.search(version.read_text(encoding="utf-8")) is not None
    except OSError:
        return False
