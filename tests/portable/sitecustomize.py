"""Put on PYTHONPATH, this makes a Linux Python look like one of macOS or Windows to the kit:
no `resource`, no os.fork, no pidfds, no prctl. The kit must notice and take its portable path
(cold kernels, no check daemon, no sandbox layer) with the same verdicts."""

import ctypes
import os
import signal
import sys

for name in ("fork", "forkpty", "pidfd_open"):
    if hasattr(os, name):
        delattr(os, name)
if hasattr(signal, "pidfd_send_signal"):
    del signal.pidfd_send_signal
sys.modules["resource"] = None  # `import resource` raises ImportError


class _WithoutPrctl(ctypes.CDLL):
    def __getattr__(self, name: str) -> object:
        if name == "prctl":
            raise AttributeError("prctl: not on this system")
        return super().__getattr__(name)


ctypes.CDLL = _WithoutPrctl  # type: ignore[misc]
