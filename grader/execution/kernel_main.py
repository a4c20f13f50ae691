"""Entry point of every grading kernel: cap its memory, then start an ordinary ipykernel.

The cap (RLIMIT_AS) turns "allocate more memory than the machine has" into a MemoryError
or a torch allocation error inside the student's cell, instead of the machine's OOM killer
picking a victim. It is a guard against accidents, not a sandbox.
"""

from __future__ import annotations

import os
import resource

MEMORY_ENV = "GRADER_MEMORY_LIMIT_MB"


def cap_memory() -> None:
    limit_mb = os.environ.get(MEMORY_ENV)
    if limit_mb:
        limit = int(limit_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main(argv: list[str] | None = None) -> None:
    """Start the kernel. A cold kernel runs this as its program; a warm one, forked from the
    fork server (grader/execution/warm/), calls it with the same arguments."""
    cap_memory()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance(argv=argv)


if __name__ == "__main__":
    main()
