"""Before the first grading process is forked: pay every import once, in two processes at once.

The fork server that every kernel of the batch is forked from starts first and imports in its
own process, while this one imports what each grading process needs (forked_pytest.PRELOAD).
"""

from __future__ import annotations

from grader.execution.kernel_spec import fork_server_environment, grading_kernel_spec
from grader.execution.settings import ExecutionSettings
from grader.execution.warm import warm_kernels_possible
from grader.execution.warm.server import server_for, share_server
from grader.preforked.forked_pytest import preload


def warm_start(settings: ExecutionSettings) -> None:
    """`settings`: those the grading processes will give their kernels (a fork server serves
    kernels of one set of start-up settings only)."""
    kernel_env = fork_server_environment(grading_kernel_spec(settings).env)
    warm = warm_kernels_possible(settings)
    if warm:
        server_for(kernel_env)  # starts importing now
    preload()
    if warm:
        share_server(kernel_env)  # waits for its imports; children find it by address
