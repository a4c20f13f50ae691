"""A cell cut by its time limit is interrupted, and the grader waits at most a second for its
output before asking whether the kernel stopped: nbclient would wait for the kernel to go idle
as long as for any cell's late output (the cell's time limit: minutes by default), and a
kernel that ignores interrupts never goes idle. Every later cell waits as long as before."""

from __future__ import annotations

import asyncio

from nbformat.v4 import new_notebook

from grader.execution.client import AFTER_INTERRUPT_OUTPUT_WAIT, GradingClient


class InterruptCounter:
    """Stands in for the kernel manager: only its interrupt is called."""

    def __init__(self) -> None:
        self.interrupts = 0

    def interrupt_kernel(self) -> None:
        self.interrupts += 1


def test_the_output_wait_is_short_only_after_an_interrupt() -> None:
    client = GradingClient(new_notebook(), output_limit_bytes=1000, iopub_timeout=120,
                           interrupt_on_timeout=True,
                           error_on_timeout={"ename": "Cut", "evalue": "", "traceback": []})
    manager = InterruptCounter()
    client.km = manager
    client.start_cell()
    assert client.iopub_timeout == 120
    reply = asyncio.run(client._async_handle_timeout(120))
    assert manager.interrupts == 1 and reply is not None
    assert reply["content"]["ename"] == "Cut"
    assert client.iopub_timeout == AFTER_INTERRUPT_OUTPUT_WAIT == 1
    client.start_cell()
    assert client.iopub_timeout == 120
