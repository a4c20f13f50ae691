"""Where a batch's grading processes come from: the machine's grading daemon, when it can serve
them, else the batch itself.

Forked from the batch, every run first pays the imports of a grading process (pytest, torch,
the grader: seconds) in the batch, and a fork server's in another process, before its first
student. The daemon (grader/daemon/, the one `grader check` and cluster workers use) keeps them
imported between runs: a TA's second run in a row starts grading at once, and the first run
costs what it did (it starts the daemon, which imports the same). The daemon's fork server makes
kernels of the default start-up settings only (seed, memory limit, threads, sandbox limits): a
run with other settings forks its grading processes itself, so that no kernel starts cold.
Same code, same forks, same grades either way.
"""

from __future__ import annotations

import dataclasses

from grader.execution.settings import ExecutionSettings
from grader.executors.one_student import BatchSettings
from grader.preforked.forked_pytest import Starter, start_pytest
from grader.processes import can_fork
from grader.settings import execution_settings

# Settings of a kernel that reach no fork server's environment: they never make one differ.
NOT_AT_START = ("cell_timeout", "notebook_budget", "probe_budget", "output_limit_kb",
                "protected", "warm_kernels")


def grading_starter(settings: BatchSettings) -> Starter:
    if not settings.warm or not can_fork() or not daemon_serves(execution_settings(
            settings.values)):
        return start_pytest
    from grader.daemon.client import daemon_enabled

    if not daemon_enabled() or not _daemon_reached(settings):
        return start_pytest  # rather than a fresh, cold process per student
    from grader.daemon.remote import start_in_daemon

    return start_in_daemon


def _daemon_reached(settings: BatchSettings) -> bool:
    """Reach the daemon of this run's grading processes' environment, starting it if needed
    (its imports then overlap the batch's own start)."""
    import contextlib

    from grader.daemon.address import NoPrivateFolder, socket_path
    from grader.daemon.client import connect, start_daemon
    from grader.plugin.own_process import pytest_environment
    from grader.sandbox.policy import MODE_ENV

    env = {**pytest_environment(), MODE_ENV: settings.values["sandbox"]}  # as GradingRun's
    with contextlib.suppress(OSError, NoPrivateFolder):
        path = socket_path(env)
        conn = connect(path) or start_daemon(path, env)
        if conn is not None:
            conn.close()
            return True
    return False


def daemon_serves(kernels: ExecutionSettings) -> bool:
    """Whether the daemon's fork server (default settings, this sandbox mode) makes these
    kernels: every setting read at a kernel's start is the default."""
    same = {name: getattr(ExecutionSettings(), name) for name in NOT_AT_START}
    return dataclasses.replace(kernels, **same) == ExecutionSettings(sandbox=kernels.sandbox)
