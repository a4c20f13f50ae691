"""nbclient's NotebookClient, with a cap on how much output one cell may produce, and one on
what a whole notebook's cells keep (nbclient keeps every cell's output in the grader's memory:
10,000 cells of 1 MB would be 10 GB).

A cell that prints in a loop for minutes would otherwise fill the grader's memory.
Probe replies (the grader's own mimetype) have a cap of their own, and only while a probe
runs: a cell that publishes that mimetype itself is capped like any output. No message the
kernel sends as output or as a reply is read past MESSAGE_LIMIT bytes (ZeroMQ drops it unread).
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import zmq
from jupyter_client.client import KernelClient
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbclient.util import run_hook, run_sync
from nbformat import NotebookNode

from grader.execution.probe_channel import PROBE_MIMETYPE
from grader.execution.ready import wait_until_ready


def _message_size(msg: dict[str, Any]) -> int:
    """About how many bytes of output a message holds: all of its content (its metadata too,
    which a kernel can fill as well as its data)."""
    content = msg.get("content", {})
    text = content.get("text") if isinstance(content, dict) else None
    return len(text) if isinstance(text, str) else len(str(content))


PROBE_REPLY_LIMIT = 64 * 1024 * 1024  # bytes: a loss history of a million floats is ~20 MB
MESSAGE_LIMIT = 2 * PROBE_REPLY_LIMIT  # bytes of one output message or reply from the kernel


AFTER_INTERRUPT_OUTPUT_WAIT = 1  # seconds (nbclient's wait is in whole seconds)
CUT_GRACE = 0.5  # seconds for a kernel whose channel closed to show whether it died
SEND_TIMEOUT_MS = 10_000  # a request to a kernel whose connection ZeroMQ cut waits no longer


def cap_messages(client: KernelClient) -> None:
    """Connect `client`'s iopub and shell channels (the kernel's output and its replies) so
    that they drop, unread, a message over MESSAGE_LIMIT: a kernel that sends a gigabyte in
    one message must not cost the grader gigabytes. ZeroMQ then cuts that connection for good:
    a request sent on it fails after SEND_TIMEOUT_MS instead of blocking the grader forever."""
    context = client.context
    context.setsockopt(zmq.MAXMSGSIZE, MESSAGE_LIMIT)
    try:
        assert client.iopub_channel is not None  # created now, with the cap
        context.setsockopt(zmq.SNDTIMEO, SEND_TIMEOUT_MS)
        assert client.shell_channel is not None
    finally:
        context.setsockopt(zmq.MAXMSGSIZE, -1)
        context.setsockopt(zmq.SNDTIMEO, -1)


RECONNECT_MS = 5  # how soon a channel tries again to reach a kernel that has not bound yet


def reconnect_quickly(client: KernelClient) -> None:
    """The grader connects to a new kernel's unix sockets as soon as it is forked, some tens of
    milliseconds before the kernel has bound them; ZeroMQ then tries again after its
    reconnection interval, 100 ms by default: the kernel's first answer, and every notebook, came
    about 100 ms late. Before any channel of `client` exists: every channel gets it."""
    client.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)


def watch_disconnects(client: KernelClient) -> list[zmq.Socket]:
    """Sockets that hear when `client`'s iopub or shell connection is cut: ZeroMQ cuts one for
    a message over MESSAGE_LIMIT (output, or a reply), and does not connect again (no output or
    reply would ever arrive)."""
    watches = []
    for channel in (client.iopub_channel, client.shell_channel):
        address = f"inproc://grader-watch-{uuid.uuid4().hex}"
        channel.socket.monitor(address, zmq.EVENT_DISCONNECTED)
        watch = client.context.socket(zmq.PAIR)  # closed with the client's context
        watch.connect(address)
        # Read through a synchronous shadow (it keeps `watch` alive): the client's sockets are
        # asyncio ones, whose reads need an event loop, and the runner asks between cells too.
        watches.append(zmq.Socket(watch))
    return watches


def _is_probe_reply(msg: dict[str, Any]) -> bool:
    return PROBE_MIMETYPE in msg.get("content", {}).get("data", {})


class GradingClient(NotebookClient):
    """Executes cells one at a time; remembers each cell's execute_reply; caps output."""

    def __init__(self, nb: NotebookNode, output_limit_bytes: int,
                 notebook_output_limit_bytes: int | None = None, **kwargs: Any) -> None:
        super().__init__(nb, **kwargs)
        self.output_wait = self.iopub_timeout  # how long a replied cell's output may lag
        self.output_limit_bytes = output_limit_bytes
        self.notebook_output_limit_bytes = notebook_output_limit_bytes
        self.output_used = 0
        self.notebook_output_used = 0  # every cell's so far, probes aside (not kept)
        self.output_truncated = False
        self.notebook_output_full = False  # this cell's output was cut by the notebook's cap
        self.probe_used = 0
        self.expecting_probe = False
        self.last_reply: dict[str, Any] | None = None
        self._watches: list[zmq.Socket] = []
        self._seen = [False, False]
        self.cut = False  # a cell ended because a channel was cut (not because the kernel died)
        self.on_cell_executed = self._remember_reply

    async def async_start_new_kernel_client(self) -> KernelClient:
        """nbclient's, with a start-up wait that does not idle (see ready.py)."""
        assert self.km is not None
        try:
            self.kc = self.km.client()
            reconnect_quickly(self.kc)
            cap_messages(self.kc)
            self._watches = watch_disconnects(self.kc)
            self.kc.start_channels()
            await wait_until_ready(self.kc, self.startup_timeout)
        except Exception:
            await self._async_cleanup_kernel()
            raise
        self.kc.allow_stdin = False
        self.kc.execute = self._execute_silently_if_probe(  # type: ignore[method-assign]
            self.kc.execute)
        await run_hook(self.on_notebook_start, notebook=self.nb)
        return self.kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    async def _async_poll_kernel_alive(self) -> None:
        """nbclient's, which outlives a cell ended by a malformed message (the runner then
        stops the kernel): it ends quietly once the kernel client is gone. A channel cut while
        the kernel lives ends the cell at once, as a dead kernel would, instead of after its
        whole time limit (`cut` tells the runner which it was)."""
        while True:
            await asyncio.sleep(1)
            if self.kc is None:
                return
            try:
                await self._async_check_alive()
                if any(self._disconnected()):
                    await asyncio.sleep(CUT_GRACE)  # a dying kernel's sockets close too
                    await self._async_check_alive()
                    self.cut = True
                    raise DeadKernelError("a channel of the kernel was cut")
            except DeadKernelError:
                if self.task_poll_for_reply is not None:
                    self.task_poll_for_reply.cancel()
                return

    def output_channel_lost(self) -> bool:
        """Whether the kernel's output channel was cut (see watch_disconnects)."""
        return self.kc is not None and self._disconnected()[0]

    def _disconnected(self) -> list[bool]:
        """Per watched channel (iopub, shell): whether it was ever cut (latched: a monitor
        says it once)."""
        for index, watch in enumerate(self._watches):
            if self._seen[index]:
                continue
            try:
                watch.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:  # no event yet
                continue
            self._seen[index] = True
        return self._seen

    def handle_comm_msg(self, outs: list[NotebookNode], msg: dict[str, Any], cell_index: int
                        ) -> None:
        """Comms (widgets) are ignored: nbclient would keep their state and buffers, whatever
        their size, and grading reads none of it."""

    def _update_display_id(self, display_id: str, msg: dict[str, Any]) -> None:
        """Display updates are ignored: nbclient would put their data, uncapped, in place of
        earlier outputs, and grading reads none of it (a probe's reply is never an update)."""

    def _remember_reply(self, cell: NotebookNode, cell_index: int, execute_reply: Any) -> None:
        self.last_reply = execute_reply

    def _execute_silently_if_probe(self, execute: Any) -> Any:
        """The kernel client's `execute`, silent for the grader's probes: IPython then neither
        echoes the probe's code back (execute_input, a message as large as its inputs) nor runs
        its display hook or counts it as a cell; the probe's answer, its output and its reply
        come as before."""
        def execute_for_grader(code: str, **kwargs: Any) -> Any:
            return execute(code, **{**kwargs, "silent": self.expecting_probe})
        return execute_for_grader

    def start_cell(self, probe: bool = False) -> None:
        """Before each cell; `probe`: it is one of the grader's probes (whose replies only are
        read as replies)."""
        self.output_used = 0
        self.probe_used = 0
        self.expecting_probe = probe
        self.output_truncated = False
        self.notebook_output_full = False
        self.last_reply = None
        self.iopub_timeout = self.output_wait

    async def _async_handle_timeout(self, timeout: int,
                                    cell: NotebookNode | None = None) -> dict[str, Any] | None:
        """nbclient's (interrupt, then the time-out's reply), and no long wait for the
        interrupted cell's output: nbclient waits for the kernel to go idle as long as for any
        late output (the cell's time limit: minutes), and a kernel that ignores the interrupt
        never does. Whether it stops is the grader's question, asked with its own grace
        (runner.py, _check_responsive); what it printed before the cut is already here."""
        reply = await super()._async_handle_timeout(timeout, cell)
        self.iopub_timeout = AFTER_INTERRUPT_OUTPUT_WAIT
        return reply

    def output(
        self, outs: list[NotebookNode], msg: dict[str, Any], display_id: str | None, cell_index: int
    ) -> NotebookNode | None:
        size = _message_size(msg)
        if self.expecting_probe and _is_probe_reply(msg):
            self.probe_used += size
            if self.probe_used > PROBE_REPLY_LIMIT:  # kept out of the grader's memory
                self.output_truncated = True
                return None
        else:
            self.output_used += size
            if self.output_used > self.output_limit_bytes:
                self.output_truncated = True
                return None
            if not self.expecting_probe and self.notebook_output_limit_bytes is not None:
                self.notebook_output_used += size
                if self.notebook_output_used > self.notebook_output_limit_bytes:
                    self.output_truncated = self.notebook_output_full = True
                    return None
        return super().output(outs, msg, display_id, cell_index)
