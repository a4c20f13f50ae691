"""The kernel every notebook runs in: this Python, through kernel_main, with grading settings.

Grading never depends on which kernelspecs the machine has installed: the kernel is always
the interpreter running the grader, so student and reference see the same packages.
"""

from __future__ import annotations

import sys
import uuid

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager

from grader.execution.kernel_main import MEMORY_ENV
from grader.execution.settings import ExecutionSettings
from grader.execution.warm import warm_kernels_possible

KERNEL_NAME = "grader-python"


def grading_kernel_spec(settings: ExecutionSettings) -> KernelSpec:
    env = {
        # One intra-op thread per kernel: kernels are graded side by side on few cores.
        "OMP_NUM_THREADS": str(settings.threads),
        "MKL_NUM_THREADS": str(settings.threads),
        "MPLBACKEND": "Agg",
        "PYTHONHASHSEED": str(settings.seed),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    if settings.memory_limit_mb:
        env[MEMORY_ENV] = str(settings.memory_limit_mb)
    return KernelSpec(
        argv=[sys.executable, "-m", "grader.execution.kernel_main", "-f", "{connection_file}",
              "--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"],
        display_name="Python (grader)",
        language="python",
        env=env,
        metadata={"debugger": False},
    )


class _FixedSpecManager(KernelSpecManager):
    """Answers every kernelspec lookup with the one grading spec."""

    def __init__(self, spec: KernelSpec, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._spec = spec

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return self._spec


def grading_kernel_manager(settings: ExecutionSettings) -> KernelManager:
    """A manager for one fresh kernel: forked warm from the fork server, or started cold."""
    from jupyter_client.manager import AsyncKernelManager

    spec = grading_kernel_spec(settings)
    manager = AsyncKernelManager(kernel_name=KERNEL_NAME,
                                 kernel_spec_manager=_FixedSpecManager(spec))
    if warm_kernels_possible(settings):
        from grader.execution.warm.provisioner import ForkProvisioner

        manager.kernel_id = str(uuid.uuid4())
        manager.provisioner = ForkProvisioner(kernel_id=manager.kernel_id, kernel_spec=spec,
                                              parent=manager)
    return manager
