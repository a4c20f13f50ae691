"""Which sandbox layers this machine allows: each one tried for real, in a throwaway process.

Run as `python -m grader.sandbox.detect` (a small process that imports no torch: forking the
grader itself, which may have threads, would not be safe); prints one JSON line:
{"available": [...], "missing": {layer: reason}}. `available_layers()` runs it once per process.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from grader.sandbox.policy import CGROUP, LANDLOCK, LAYERS, NAMESPACES, OWN_UID

_cache: Detection | None = None
_scratch: str | None = None  # the detection process's folder for its trials


@dataclass(frozen=True)
class Detection:
    available: tuple[str, ...]
    missing: dict[str, str] = field(default_factory=dict)  # layer -> why it is missing


ONLY_ENV = "GRADER_SANDBOX_LAYERS"  # comma-separated: use at most these (tests, debugging)


def available_layers() -> Detection:
    """The layers this machine allows (tried once per process, in a child process), less
    those $GRADER_SANDBOX_LAYERS leaves out."""
    global _cache
    if _cache is None:
        _cache = _restricted(_detect_in_child(), os.environ.get(ONLY_ENV))
    return _cache


def _restricted(found: Detection, only: str | None) -> Detection:
    if only is None:
        return found
    wanted = {layer.strip() for layer in only.split(",") if layer.strip()}
    left_out = {layer: f"left out by ${ONLY_ENV}" for layer in found.available
                if layer not in wanted}
    return Detection(tuple(layer for layer in found.available if layer in wanted),
                     {**found.missing, **left_out})


def _detect_in_child() -> Detection:
    if sys.platform != "linux":
        return Detection((), {layer: f"not available on {sys.platform}" for layer in LAYERS})
    done = subprocess.run([sys.executable, "-m", "grader.sandbox.detect"], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "PYTHONSAFEPATH": "1"})
    try:
        data = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        reason = f"the detection failed: {done.stderr.strip()[-300:]}"
        return Detection((), dict.fromkeys(LAYERS, reason))
    return Detection(tuple(data["available"]), dict(data["missing"]))


# --- in the detection process ---------------------------------------------------------------

def _try(check: Callable[[], None]) -> str | None:
    """Run `check` in a child process; None if it succeeded, else why not."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        code = 0
        try:
            check()
        except BaseException as exc:
            os.write(write, f"{type(exc).__name__}: {exc}".encode()[:500])
            code = 1
        os._exit(code)
    os.close(write)
    reason = b""
    while chunk := os.read(read, 4096):
        reason += chunk
    os.close(read)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) == 0:
        return None
    return reason.decode(errors="replace") or f"exit status {status}"


def _landlock() -> None:
    from grader.sandbox import landlock

    abi = landlock.abi_version()
    if abi < 1:
        raise OSError("Landlock is not supported or not enabled by this Linux kernel")
    landlock.restrict_self([landlock.Rule("/", landlock.READ)], abi)


def _namespaces(become_own_uid: bool = False) -> None:
    """A private root built as a kernel's is, in a PID namespace under a supervisor."""
    from grader.sandbox import supervisor
    from grader.sandbox import syscalls as sc
    from grader.sandbox.enter import UNSHARED
    from grader.sandbox.filesystem import FilesystemPlan
    from grader.sandbox.policy import SandboxPolicy
    from grader.sandbox.private_root import enter_private_root

    folder = tempfile.mkdtemp(prefix="grader-detect-", dir=_scratch)
    for name in ("work", "channels", "root"):
        os.mkdir(os.path.join(folder, name))
    layers = (OWN_UID,) if become_own_uid else ()
    # The supervisor never returns; its exit status is the kernel-like child's, which goes on
    # here (and reports through _try's pipe, as any check does).
    uid = supervisor.split(SandboxPolicy(mode="auto", layers=layers)).uid
    sc.unshare(UNSHARED)
    layout = FilesystemPlan(read_only=("/usr",), devices=("/dev/null",),
                            work=os.path.join(folder, "work"),
                            channels=os.path.join(folder, "channels"))
    enter_private_root(layout, os.path.join(folder, "root"), owner=uid or 0, disk_mb=1)
    if uid is not None:
        os.setresuid(uid, uid, uid)


def _own_uid() -> None:
    if os.geteuid() != 0:
        raise PermissionError("the grader does not run as root: kernels keep its uid")
    _namespaces(become_own_uid=True)


def _cgroup() -> None:
    from grader.sandbox import cgroups

    sleeper = os.fork()
    if sleeper == 0:
        os.pause()
        os._exit(0)
    try:
        group = cgroups.create(cgroups.hierarchies(), f"kernel-{os.getpid()}", 64, 16)
        group.add(sleeper)
        group.remove()  # kills the sleeper
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(sleeper, signal.SIGKILL)
        os.waitpid(sleeper, 0)


CHECKS: dict[str, Callable[[], None]] = {LANDLOCK: _landlock, NAMESPACES: _namespaces,
                                         OWN_UID: _own_uid, CGROUP: _cgroup}


def main() -> None:
    global _scratch
    _scratch = tempfile.mkdtemp(prefix="grader-detect-")
    missing: dict[str, str] = {}
    try:
        for layer, check in CHECKS.items():
            reason = _try(check)
            if reason is not None:
                missing[layer] = reason
    finally:
        shutil.rmtree(_scratch, ignore_errors=True)
    available = [layer for layer in LAYERS if layer not in missing]
    print(json.dumps({"available": available, "missing": missing}))


if __name__ == "__main__":
    try:
        main()
    except Exception:
        traceback.print_exc()
        sys.exit(1)
