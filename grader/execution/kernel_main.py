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

import os
import sys

# The probes' agent, imported before the sandbox hides the kit's files from the kernel.
import grader.probing.agent  # noqa: F401
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


def main(argv: list[str] | None = None) -> None:
    """Start the kernel. A cold kernel runs this as its program; a warm one, forked from the
    fork server (grader/execution/warm/), calls it with the same arguments."""
    policy = SandboxPolicy.from_env()
    if policy.active and sys.platform == "linux":
        from grader.sandbox.enter import enter_sandbox

        enter_sandbox(policy, connection_file(argv if argv is not None else sys.argv[1:]))
    else:
        cap_memory()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance(argv=argv)


if __name__ == "__main__":
    main()
