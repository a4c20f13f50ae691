"""How a notebook is run: seed, time limits, memory and output caps."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_SEED = 4242  # deliberately none of the course's own seeds (0, 3, 777, ...)


@dataclass(frozen=True)
class ExecutionSettings:
    seed: int = DEFAULT_SEED
    cell_timeout: float = 120.0  # seconds; the course's longest cell trains in under 5 s on CPU
    notebook_budget: float = 600.0  # seconds for the whole notebook, setup included
    memory_limit_mb: int | None = 6144  # address-space cap of the kernel process
    output_limit_kb: int = 1024  # per cell; the rest is dropped with a note
    threads: int = 1  # torch intra-op threads per kernel: kernels run side by side
    warm_kernels: bool = True  # fork kernels from a pre-imported server (see execution/warm/)
