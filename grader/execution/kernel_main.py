"""Entry point of every grading kernel: sandbox it, then start an ordinary ipykernel.

With a sandbox (grader/sandbox/, the default), every layer the grader chose is applied here,
before the kernel runs any code of the notebook: cold kernels run this as their program, warm
ones (forked from the fork server, grader/execution/warm/) call `main` with the same arguments.
Without one (`--grader-sandbox off`, or not on Linux), only the memory cap (RLIMIT_AS, where
the system has it) is set: it turns "allocate
more memory than the machine has" into a MemoryError in the student's cell instead of the
machine's OOM killer picking a victim.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback

from grader.execution.probe_channel import KERNEL_IMPORTS, KERNEL_IMPORTS_ENV
from grader.sandbox.policy import SandboxPolicy

MEMORY_ENV = "GRADER_MEMORY_LIMIT_MB"


def cap_memory() -> None:
    try:
        import resource
    except ImportError:  # Windows: no per-process cap
        return
    limit_mb = os.environ.get(MEMORY_ENV)
    if limit_mb:
        limit = int(limit_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def connection_file(argv: list[str]) -> str:
    """The `-f FILE` argument of a kernel's command line."""
    for index, argument in enumerate(argv):
        if argument == "-f" and index + 1 < len(argv):
            return argv[index + 1]
        if argument.startswith(("-f=", "--f=")):
            return argument.split("=", 1)[1]
    raise SystemExit("grader kernel: no connection file (-f FILE) on the command line")


def with_connection_file(argv: list[str], path: str) -> list[str]:
    """`argv` with its connection file replaced by `path`."""
    changed = []
    for index, argument in enumerate(argv):
        if index and argv[index - 1] == "-f":
            argument = path
        elif argument.startswith(("-f=", "--f=")):
            argument = argument.split("=", 1)[0] + "=" + path
        changed.append(argument)
    return changed


def import_before_sandbox() -> None:
    """The modules the kernel spec names (the probes' agent), while the kit's files are still
    readable: inside the sandbox they are not."""
    names = os.environ.get(KERNEL_IMPORTS_ENV, ",".join(KERNEL_IMPORTS))
    for name in filter(None, names.split(",")):
        importlib.import_module(name)


def main(argv: list[str] | None = None, owner: str | None = None) -> None:
    """Start the kernel. A cold kernel runs this as its program; a warm one, forked from the
    fork server (grader/execution/warm/), calls it with the same arguments and its owner (the
    grading process that asked for it, as the server saw it; a cold kernel's is its parent)."""
    import_before_sandbox()
    policy = SandboxPolicy.from_env()
    cold = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    sandboxed = policy.active and sys.platform == "linux"
    if sandboxed:
        from grader.sandbox.cgroups import owner_of
        from grader.sandbox.enter import enter_sandbox

        if cold:  # started by the grading process itself
            owner = owner_of(os.getppid())
        inside = enter_sandbox(policy, connection_file(argv), owner)
        argv = with_connection_file(argv, inside)
    else:
        cap_memory()
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    if not sandboxed:
        app.initialize(argv)
        app.start()
        return
    from grader.sandbox.enter import say_why_it_did_not_start, seal_channels, started

    try:
        app.initialize(argv)
    except BaseException:  # its stderr is quieted: say why where the grader reads it
        say_why_it_did_not_start(traceback.format_exc())
        raise
    heartbeat = f"{app.ip}-{app.hb_port}" if app.transport == "ipc" else None
    seal_channels(heartbeat)
    started()
    app.start()


if __name__ == "__main__":
    main()
