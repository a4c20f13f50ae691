"""Wait until a new kernel answers and its output channel is connected, without idling.

jupyter_client's `wait_for_ready` sends kernel_info, then waits 0.2 s for the status message
on IOPub; a subscription made moments before usually misses that message, so it waits out the
0.2 s and asks again; then it waits another 0.2 s to drain IOPub. Once kernels start in a tenth
of a second (warm), those waits are most of the start-up. Here: the same test (a kernel_info
reply, then any IOPub message, which proves the subscription is live), asked again as soon as
a short wait comes up empty, and no drain (nbclient ignores messages of other requests).
"""

from __future__ import annotations

import time
from queue import Empty

from jupyter_client.client import KernelClient
from nbclient.util import ensure_async

IOPUB_CHECK = 0.05  # seconds for the status message once subscribed (milliseconds, usually)


async def wait_until_ready(client: KernelClient, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        client.kernel_info()
        try:
            reply = await ensure_async(client.shell_channel.get_msg(timeout=1))
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            try:
                await ensure_async(client.iopub_channel.get_msg(timeout=IOPUB_CHECK))
            except Empty:
                pass  # not subscribed yet: ask again
            else:
                client._handle_kernel_info_reply(reply)
                return
        if not await ensure_async(client.is_alive()):  # type: ignore[attr-defined]
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
