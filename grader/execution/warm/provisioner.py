"""A jupyter_client kernel provisioner whose kernels are forked by the fork server.

The kernel manager, its connection file and nbclient work exactly as with a cold kernel; only
the launch differs: instead of running the kernel spec's command, the provisioner asks the
fork server for a child that becomes that kernel, and manages it by pid (through a pidfd).
The server reaps it and reports its exit code. Whenever the server cannot fork (not running,
unsafe, not this platform), the kernel is launched cold, by LocalProvisioner.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pathlib
import signal
import sys
from typing import Any

from jupyter_client.connect import KernelConnectionInfo

from grader.execution.kernel_spec import GradingProvisioner, fork_server_environment
from grader.execution.warm.server import (
    SHARED_SERVER_ENV,
    ForkedKernel,
    ForkServerHandle,
    ForkUnavailable,
    SharedForkServer,
    server_for,
)
from grader.profiling.spans import note

KERNEL_MODULE = "grader.execution.kernel_main"
KILL_WAIT = 1.0  # seconds


class ForkProvisioner(GradingProvisioner):
    forked: ForkedKernel | None = None
    fallback_reason: str | None = None  # why this kernel was launched cold instead

    @property
    def has_process(self) -> bool:
        return self.forked is not None or super().has_process

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        """Start the fork server (first use) and wait until it can fork, before the kernel
        manager picks ports (see ForkServerHandle.ready)."""
        with contextlib.suppress(ForkUnavailable):  # launch_kernel falls back to cold
            await self._server().ready()
        return await super().pre_launch(**kwargs)

    def _server(self) -> ForkServerHandle | SharedForkServer:
        return server_for(fork_server_environment(self.kernel_spec.env))

    def _finalize_env(self, env: dict[str, str]) -> None:
        super()._finalize_env(env)
        env.pop(SHARED_SERVER_ENV, None)  # the batch's server is the grader's, not the student's

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        if cmd[1:3] != ["-m", KERNEL_MODULE] or cmd[0] != sys.executable:
            self.fallback_reason = f"not a grading kernel: {cmd[:3]}"
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs["env"])
        env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher sets it
        cwd = str(kwargs.get("cwd") or pathlib.Path.cwd())
        try:
            self.forked = await self._server().fork(cwd, env, cmd[3:], self.start_log)
        except ForkUnavailable as exc:
            self.fallback_reason = str(exc)
            self.log.warning("grader: starting a cold kernel: %s", exc)
            note(f"a kernel started cold: {exc}")  # seconds more: say so in a profile
            return await super().launch_kernel(cmd, **kwargs)
        self.pid = self.pgid = self.forked.pid
        self.cwd = cwd
        return self.connection_info

    async def poll(self) -> int | None:
        if self.forked is None:
            return await super().poll()
        return self.forked.poll()

    async def wait(self) -> int | None:
        if self.forked is None:
            return await super().wait()
        code = await self.forked.wait()
        self._release()
        return code

    async def send_signal(self, signum: int) -> None:
        if self.forked is None:
            return await super().send_signal(signum)
        self.forked.signal(signum)

    async def kill(self, restart: bool = False) -> None:
        if self.forked is None:
            return await super().kill(restart)
        self.forked.signal(signal.SIGKILL)
        # Dead within milliseconds: wait here, so the manager's first liveness check sees it
        # gone instead of sleeping its 0.1 s poll interval.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.forked.wait(), KILL_WAIT)

    async def terminate(self, restart: bool = False) -> None:
        if self.forked is None:
            return await super().terminate(restart)
        self.forked.signal(signal.SIGTERM)

    async def cleanup(self, restart: bool = False) -> None:
        self._release()
        await super().cleanup(restart)

    def _release(self) -> None:
        forked, self.forked = self.forked, None
        if forked is not None:
            forked.close()
