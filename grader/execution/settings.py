"""How a notebook is run: seed, time limits, memory and output caps, the sandbox."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_SEED = 4242  # deliberately none of the course's own seeds (0, 3, 777, ...)


@dataclass(frozen=True)
class ExecutionSettings:
    seed: int = DEFAULT_SEED
    cell_timeout: float = 120.0  # seconds; the course's longest cell trains in under 5 s on CPU
    notebook_budget: float = 600.0  # seconds for the whole notebook, setup included
    probe_budget: float = 300.0  # seconds for all the grader's probes of one notebook together
    memory_limit_mb: int | None = 6144  # each kernel's process tree, and all of a student's
    # kernels together (sandbox), and each process (without a GPU)
    address_space_cap: bool | None = None  # the limit also on address space; None: unless
    # torch is a GPU build (execution/torch_build.py)
    output_limit_kb: int = 1024  # per cell; the rest is dropped with a note
    notebook_output_limit_mb: int = 32  # all the cells of a notebook together (the grader's
    # memory keeps them); the rest is dropped with a note
    threads: int = 1  # torch intra-op threads per kernel: kernels run side by side
    warm_kernels: bool = True  # fork kernels from a pre-imported server (see execution/warm/)
    sandbox: str = "auto"  # auto, strict or off: see grader/sandbox/
    process_limit: int = 512  # processes and threads of one kernel's tree, and of all of a
    # student's kernels together (sandbox)
    cpu_cores: float | None = None  # most cores a student's kernels use together (sandbox);
    # None: all but one of the machine's (kernel_spec.student_cpu_cores); 0: no ceiling
    disk_limit_mb: int = 512  # a kernel's scratch folder (sandbox)
    protected: tuple[str, ...] = ()  # folders a kernel must never read (course, output, ...)
