"""The kernel every notebook runs in: this Python, through kernel_main, with grading settings.

Grading never depends on which kernelspecs the machine has installed: the kernel is always
the interpreter running the grader, so student and reference see the same packages. Its
channels are unix sockets in its own folder (jupyter_client's ipc transport): a kernel with no
network at all still talks to the grader, and no TCP port can be raced for or reached by
another process.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import sys
import uuid
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from jupyter_client.provisioning import LocalProvisioner

from grader.execution.kernel_main import MEMORY_ENV
from grader.execution.probe_channel import KERNEL_IMPORTS, KERNEL_IMPORTS_ENV
from grader.execution.settings import ExecutionSettings
from grader.execution.torch_build import torch_uses_a_gpu_build
from grader.execution.warm import warm_kernels_possible
from grader.sandbox import SandboxPolicy, policy_for
from grader.sandbox.environment import (
    PROTECTED_ENV,
    ROLE_ENV,
    STUDENT_ROLE,
    kernel_environment,
)
from grader.sandbox.folders import KernelFolders
from grader.sandbox.policy import (
    AUTO,
    CGROUP,
    CPU_SHARE,
    NAMESPACES,
    OWN_UID,
    POLICY_ENV,
)

KERNEL_NAME = "grader-python"


@functools.lru_cache(maxsize=8)
def sandbox_policy(settings: ExecutionSettings) -> SandboxPolicy:
    """The sandbox of this run's kernels (the machine is probed once per process)."""
    return policy_for(settings.sandbox, settings.memory_limit_mb, settings.process_limit,
                      settings.disk_limit_mb, settings.protected, address_space_cap(settings),
                      cpu_cores=student_cpu_cores(settings))


def leave_out_layer(settings: ExecutionSettings, layer: str, why: str) -> bool:
    """`--sandbox auto`, a kernel that could not apply `layer` though its trial passed: grade
    without it from now on (and without what needs it), recorded with why; False where that
    is not allowed (strict) or not a layer auto can leave out."""
    if settings.sandbox != AUTO or layer not in sandbox_policy(settings).layers:
        return False
    from grader.sandbox.detect import leave_out

    layers = (layer, OWN_UID) if layer == NAMESPACES else (layer,)  # its uid comes with it
    leave_out(layers, f"a kernel could not apply it ({why})")
    sandbox_policy.cache_clear()
    print(f"grader: the sandbox's {layer} layer could not be applied in a kernel ({why}): "
          f"grading goes on without {' and '.join(layers)}, as every result records",
          file=sys.stderr, flush=True)
    return True


def student_cpu_cores(settings: ExecutionSettings) -> float:
    """The most cores one student's kernels use together: as set, else every core but one
    (at least one), so that no student takes the whole machine."""
    if settings.cpu_cores is not None:
        return settings.cpu_cores
    return float(max(1, (os.cpu_count() or 1) - 1))


def address_space_cap(settings: ExecutionSettings) -> bool:
    """Whether the memory limit also caps address space: not with a GPU build of torch."""
    if settings.address_space_cap is not None:
        return settings.address_space_cap
    return not torch_uses_a_gpu_build()


def grading_kernel_spec(settings: ExecutionSettings, role: str = STUDENT_ROLE) -> KernelSpec:
    """The kernel of a student's notebook, or with REFERENCE_ROLE, of a reference solution
    (which does not share the student's groups: see grader/sandbox/cgroups.py)."""
    env = {
        # One intra-op thread per kernel: kernels are graded side by side on few cores.
        "OMP_NUM_THREADS": str(settings.threads),
        "MKL_NUM_THREADS": str(settings.threads),
        "MPLBACKEND": "Agg",
        # glibc gives each thread up to 8 malloc arenas of 64 MB of address space each: few
        # suffice for one computing thread, and they leave room under an address-space cap.
        "MALLOC_ARENA_MAX": "2",
        "PYTHONHASHSEED": str(settings.seed),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        KERNEL_IMPORTS_ENV: ",".join(KERNEL_IMPORTS),
    }
    if settings.memory_limit_mb and address_space_cap(settings):
        env[MEMORY_ENV] = str(settings.memory_limit_mb)  # without a sandbox: RLIMIT_AS
    policy = sandbox_policy(settings)
    if policy.active:
        env[POLICY_ENV] = policy.to_env()
        env[PROTECTED_ENV] = json.dumps(sorted(settings.protected))
        env[ROLE_ENV] = role
    return KernelSpec(
        argv=[sys.executable, "-m", "grader.execution.kernel_main", "-f", "{connection_file}",
              "--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"],
        display_name="Python (grader)",
        language="python",
        env=env,
        metadata={"debugger": False},
    )


def fork_server_environment(spec_env: dict[str, str]) -> dict[str, str]:
    """What a fork server is started with: its kernels inherit its memory, environment block
    included, so with a sandbox it gets the kernels' allow-list, never the grader's variables."""
    if SandboxPolicy.from_env(spec_env).active:
        return kernel_environment(os.environ, spec_env)
    return {**os.environ, **spec_env}


class GradingProvisioner(LocalProvisioner):
    """Launches the kernel cold; with a sandbox, with the allow-listed environment only, and
    removes its cgroup once it is gone. What the kernel prints before it starts goes to
    `start_log` (why a kernel could not start), never to the grader's terminal."""

    start_log: str | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        if self.start_log is None:
            return await super().launch_kernel(cmd, **kwargs)
        with open(self.start_log, "ab") as log:
            return await super().launch_kernel(cmd, **{**kwargs, "stdout": log, "stderr": log})

    async def pre_launch(self, **kwargs: Any) -> dict[str, Any]:
        kwargs = await super().pre_launch(**kwargs)
        if self._sandboxed:
            kwargs["env"] = kernel_environment(kwargs["env"], self.kernel_spec.env,
                                               work=str(kwargs.get("cwd") or os.getcwd()))
        return kwargs

    async def cleanup(self, restart: bool = False) -> None:
        supervisor = self.pid
        await super().cleanup(restart)
        if supervisor and CGROUP in SandboxPolicy.from_env(self.kernel_spec.env).layers:
            from grader.sandbox.cgroups import group_name, owner_of, remove_group

            student = self.kernel_spec.env.get(ROLE_ENV, STUDENT_ROLE) == STUDENT_ROLE
            remove_group(group_name(supervisor), owner_of(os.getpid()) if student else None)

    @property
    def _sandboxed(self) -> bool:
        return SandboxPolicy.from_env(self.kernel_spec.env).active


class _FixedSpecManager(KernelSpecManager):
    """Answers every kernelspec lookup with the one grading spec."""

    def __init__(self, spec: KernelSpec, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._spec = spec

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return self._spec


def grading_kernel_manager(settings: ExecutionSettings, folders: KernelFolders,
                           role: str = STUDENT_ROLE) -> KernelManager:
    """A manager for one fresh kernel in `folders`: forked warm from the fork server, or
    started cold."""
    from jupyter_client.manager import AsyncKernelManager

    spec = grading_kernel_spec(settings, role)
    manager = AsyncKernelManager(kernel_name=KERNEL_NAME,
                                 kernel_spec_manager=_FixedSpecManager(spec))
    if sys.platform != "win32":
        manager.transport = "ipc"
        manager.ip = folders.socket_prefix
    manager.connection_file = folders.connection_file
    manager.kernel_id = str(uuid.uuid4())
    provisioner: type[GradingProvisioner] = GradingProvisioner
    if warm_kernels_possible(settings):
        from grader.execution.warm.provisioner import ForkProvisioner

        provisioner = ForkProvisioner
    manager.provisioner = provisioner(kernel_id=manager.kernel_id, kernel_spec=spec,
                                      parent=manager)
    manager.provisioner.start_log = folders.start_log
    layers = SandboxPolicy.from_env(spec.env).layers
    if role == STUDENT_ROLE and (CGROUP in layers or CPU_SHARE in layers):
        _remove_own_groups_at_exit()
    return manager


@functools.cache
def _remove_own_groups_at_exit() -> None:
    """This process's student groups (grader/sandbox/cgroups.py) go when it ends: its kernels
    are closed by then. Inherited by the processes forked from this one, each for its own."""
    from grader.sandbox.cgroups import owner_of, remove_student

    def remove() -> None:
        owner = owner_of(os.getpid())
        if owner is not None:
            remove_student(owner)

    atexit.register(remove)
