"""What the fork server imports once, so that no kernel pays for it, and how it checks that the
result is still safe to fork.

Everything here runs in the fork server only, and must leave it with exactly one thread: see
`fork_server` for why. The imports come in two stages: what every kernel needs, before the
first fork (so the first kernel starts about when a cold one would); then, once a second
kernel is asked for, what many notebooks use (pandas, torch.optim's lazy imports), while the
kernels run.
"""

from __future__ import annotations

import gc
import importlib
import os
from collections.abc import Callable

from grader.execution.probe_channel import KERNEL_IMPORTS
from grader.execution.warm.first_calls import warm_up_first_calls
from grader.sandbox.detect import ONLY_ENV
from grader.sandbox.environment import SCRATCH_NAMES
from grader.sandbox.policy import MODE_ENV

# Environment variables read when the interpreter starts or the preloaded modules are imported:
# a kernel forked from the server has the server's values of these, whatever its own env says.
STARTUP_ENV = ("PYTHON", "OMP_", "MKL_", "OPENBLAS_", "GOTO_", "KMP_", "GOMP_", "LD_", "MALLOC_",
               "TORCH", "PYTORCH", "NPY_", "NUMPY", "PANDAS", "IPYTHON", "JUPYTER", "MPL",
               "CUDA", "PYDEVD", "TZ", "GRADER_SANDBOX", "GRADER_MEMORY")

# What every kernel imports: the first kernel is forked as soon as these are in.
FIRST = (
    "numpy",
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",  # debugpy: imported at kernel start even with the debugger off
    "IPython.core.completerlib",
    # Imported by every kernel's start (IPython's shell, its magics, storemagic): 4 ms each.
    "IPython.core.debugger",
    "IPython.core.oinspect",
    "IPython.core.logger",
    "IPython.extensions.storemagic",
    "faulthandler",
    "tornado.queues",
    "tornado.platform.asyncio",
    "grader.execution.kernel_main",
    *KERNEL_IMPORTS,
    "grader.sandbox.enter",
)


def _import(name: str) -> Callable[[], object]:
    return lambda: importlib.import_module(name)


# Read by the grader, never by a kernel (the mode is in the kernels' policy, GRADER_SANDBOX):
# with the sandbox off, a kernel's environment is the grading process's, which has them.
GRADER_ONLY = (MODE_ENV, ONLY_ENV)


def startup_env(env: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The variables of `env` a process reads at start (each kernel's own folders aside)."""
    return tuple(sorted((k, v) for k, v in env.items()
                        if k.startswith(STARTUP_ENV) and k not in SCRATCH_NAMES
                        and k not in GRADER_ONLY))


def thread_count() -> int:
    """Threads of this process, as the kernel sees them (not as Python's threading module does:
    OpenMP and BLAS pools are invisible to it)."""
    return len(os.listdir("/proc/self/task"))


def preload_first() -> None:
    for name in FIRST:
        importlib.import_module(name)
    from grader.sandbox.filesystem import python_installation

    python_installation()  # the same for every kernel: found once, here
    freeze()


def later_steps() -> list[Callable[[], object]]:
    """What many notebooks use, imported while the first kernels run (the server forks none
    meanwhile: each step runs between two requests)."""
    return [_import("pandas"), warm_up_torch_optim, warm_up_first_calls, freeze]


def freeze() -> None:
    """The objects made so far live as long as the server: move them out of the collector's
    reach, so that a kernel's collections neither scan them nor copy their pages."""
    gc.collect()
    gc.freeze()


def warm_up_torch_optim() -> None:
    """The first optimizer step imports torch._dynamo (1.3 to 2.5 s): pay it here, once.

    One-element tensors stay far below torch's parallel grain size, so no OpenMP pool starts;
    the gradient is set by hand, so the autograd engine never runs either.
    """
    import torch

    weight = torch.zeros(1, requires_grad=True)
    weight.grad = torch.ones(1)
    torch.optim.SGD([weight], lr=0.1).step()
