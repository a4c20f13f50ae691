"""A grading process forked from a parent that has imported its modules once.

A grading process is `pytest.main(args)`. Started fresh (`python -m pytest`), each one pays the
same imports (pytest, torch, numpy, pandas, nbclient, the grader: 2 to 3 s of CPU) before it
grades anything. Here the parent (the batch, or the check daemon) imports them once
(`preload`), and each grading process is a child forked from it that calls `pytest.main` at once.

Why forking the parent is safe
------------------------------
fork() copies only the calling thread, so the parent must have no other (see
`grader.execution.warm.fork_server`, the same reasoning for kernels): OMP_NUM_THREADS=1 is set
before numpy is imported, so OpenBLAS starts no pool; the parent runs no torch op, no event
loop, no zmq context (the batch's pandas only writes a CSV between forks). The thread count is
checked before every fork; with any other thread, a fresh `python -m pytest` is started
instead. The child starts its own event loop and sockets, as a fresh process would.

What the child gets: a session of its own (the parent kills the whole group at a time limit),
the parent's death as its own (PR_SET_PDEATHSIG), the log file as stdout and stderr, /dev/null
as stdin, the given working directory and environment; it never returns into the parent's code.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import sys
from typing import IO, Protocol

from grader.execution.warm.first_calls import warm_up_first_calls
from grader.execution.warm.preload import thread_count, warm_up_torch_optim
from grader.processes import (
    ChildProcess,
    LocalProcess,
    can_fork,
    die_with_parent,
    fork_child,
    start_program,
)

# What every grading process imports; the batch imports it once, before the first fork. Not the
# plugin module itself: pytest rewrites its asserts when it imports it (`-p`), in the child.
PRELOAD = (
    "numpy",
    "torch",
    "torch.nn",
    "pandas",
    "pytest",
    "nbformat",
    "nbclient",
    "jupyter_client.manager",
    "zmq.asyncio",
    "grader.grading.session",
    "grader.plugin.options",
    "grader.plugin.score_reporter",
    "grader.checks",
    "grader.execution.warm.provisioner",
    # What a grading run imports on its way (pytest's debugging and argcomplete, the sandbox's
    # probes, the summary's tables): milliseconds per student otherwise.
    "pdb",
    "faulthandler",
    "_pytest._argcomplete",
    "grader.sandbox.detect",
    "grader.sandbox.filesystem",
)
SINGLE_THREADED = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
CHILD_FAILED = 70  # exit code of a child that failed before pytest could report


def single_threaded_env() -> None:
    """Call before numpy is imported: afterwards it is too late to keep BLAS from a pool."""
    os.environ.update(SINGLE_THREADED)


# Imported for what it imports, then forgotten: the child imports it again through `-p`, so
# that pytest rewrites its asserts; everything it imports is already here.
PLUGIN = "grader.plugin.plugin"


def preload() -> None:
    environment = dict(os.environ)
    for name in PRELOAD:
        importlib.import_module(name)
    _preload_pytest_and_the_plugin()
    # The first optimizer step of a process imports torch._dynamo (1.3 to 2.5 s): a test that
    # trains a model of its own would pay it in every student's grading process.
    warm_up_torch_optim()
    warm_up_first_calls()  # the tests' own torch and pandas calls (random generators untouched)
    # The environment as it was: what the imports set (torch._inductor's cache folder) would
    # reach every grading process and, without a sandbox, every kernel's request to the fork
    # server, which refuses a kernel whose start-up variables differ from its own.
    os.environ.clear()
    os.environ.update(environment)
    # What was made so far lives as long as the batch: out of the collector's reach, a child's
    # collections neither scan it nor copy its pages (pytest collects five times at its end).
    gc.collect()
    gc.freeze()


def _preload_pytest_and_the_plugin() -> None:
    """pytest's built-in plugins (imported by every run's configure: pdb, xml.etree, ...) and
    whatever the grader's plugin imports (the reports' cleaners, the sandbox's probes)."""
    from _pytest.config import default_plugins

    for name in default_plugins:
        importlib.import_module(f"_pytest.{name}")
    importlib.import_module(PLUGIN)
    del sys.modules[PLUGIN]
    package = sys.modules[PLUGIN.rpartition(".")[0]]
    with contextlib.suppress(AttributeError):
        delattr(package, PLUGIN.rpartition(".")[2])


class Starter(Protocol):
    """How a run starts its grading process, `pytest args` with `log` as stdout and stderr:
    `start_pytest` here, `start_in_daemon` (grader/daemon/remote.py) for a process with
    threads. `fork`: forked from a process that imported everything, where that is safe."""

    def __call__(self, args: list[str], cwd: str, log: IO[str], env: dict[str, str],
                 fork: bool) -> ChildProcess: ...


def start_pytest(args: list[str], cwd: str, log: IO[str], env: dict[str, str],
                 fork: bool) -> LocalProcess:
    """`pytest args` in a process of its own: forked if asked and safe, else started fresh."""
    threads = thread_count() if can_fork() else 0
    if fork and threads == 1 and "pytest" in sys.modules:
        return LocalProcess(fork_child(lambda: _pytest_in_child(args, cwd, log, env),
                                       failed=CHILD_FAILED))
    if fork and threads:
        print(f"(grader: the batch has {threads} threads, so this student's grading process "
              "was started fresh instead of forked)", file=log, flush=True)
    return start_program([sys.executable, "-m", "pytest", *args], cwd, env, log)


def _pytest_in_child(args: list[str], cwd: str, log: IO[str], env: dict[str, str]) -> int:
    os.setsid()
    die_with_parent()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    sys.argv = ["pytest", *args]
    from grader.execution.warm.server import forget_inherited_servers

    forget_inherited_servers()
    import pytest

    return int(pytest.main(args))
