"""Start the fork server before it is needed, so that its imports overlap the grader's own
(pytest's collection imports torch in the grader process at the same time)."""

from __future__ import annotations

from grader.execution.kernel_spec import fork_server_environment, grading_kernel_spec
from grader.execution.settings import ExecutionSettings
from grader.execution.warm import warm_kernels_possible
from grader.execution.warm.server import server_for


def start_fork_server_early(settings: ExecutionSettings) -> None:
    if warm_kernels_possible(settings):
        # The environment the provisioner will ask with.
        server_for(fork_server_environment(grading_kernel_spec(settings).env))
