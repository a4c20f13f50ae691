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
import stat
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from grader.sandbox.policy import CGROUP, CPU_SHARE, LANDLOCK, LAYERS, NAMESPACES, OWN_UID

if TYPE_CHECKING:
    from grader.sandbox.cgroups import Limits
    from grader.sandbox.filesystem import FilesystemPlan

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


def leave_out(layers: tuple[str, ...], reason: str) -> None:
    """From now on, in this process, these layers are missing for `reason`: a kernel could
    not apply them though their trial passed (auto mode then grades without them)."""
    global _cache
    found = available_layers()
    _cache = Detection(tuple(layer for layer in found.available if layer not in layers),
                       {**found.missing, **dict.fromkeys(layers, reason)})


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
            said = str(exc) if isinstance(exc, InstallationUnusable) else \
                f"{type(exc).__name__}: {exc}"
            os.write(write, said.encode()[:2000])
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
    from grader.sandbox import filesystem, landlock

    abi = landlock.abi_version()
    if abi < 1:
        raise OSError("Landlock is not supported or not enabled by this Linux kernel")
    layout = _trial_layout()
    landlock.restrict_self(filesystem.landlock_rules(layout, private_root=False), abi)
    _installation_usable(LANDLOCK)


def _namespaces(become_own_uid: bool = False) -> None:
    """A private root built as a kernel's is, with the kernel's plan (this Python's
    installation wherever it lies), in a PID namespace under a supervisor; then the
    installation must be there, readable, and run."""
    from grader.sandbox import supervisor
    from grader.sandbox import syscalls as sc
    from grader.sandbox.enter import UNSHARED
    from grader.sandbox.policy import SandboxPolicy
    from grader.sandbox.private_root import enter_private_root

    layout = _trial_layout()
    layers = (OWN_UID,) if become_own_uid else ()
    # The supervisor never returns; its exit status is the kernel-like child's, which goes on
    # here (and reports through _try's pipe, as any check does).
    handover = supervisor.split(SandboxPolicy(mode="auto", layers=layers))
    if handover.link is not None:
        handover.link.close()
    uid = handover.uid
    sc.unshare(UNSHARED)
    enter_private_root(layout, os.path.join(os.path.dirname(layout.work), "root"),
                       owner=uid or 0, disk_mb=16)
    if uid is not None:
        os.setresuid(uid, uid, uid)
    _installation_usable(OWN_UID if become_own_uid else NAMESPACES)


def _own_uid() -> None:
    if os.geteuid() != 0:
        raise PermissionError("the grader does not run as root: kernels keep its uid")
    _namespaces(become_own_uid=True)


def _cgroup() -> None:
    from grader.sandbox import cgroups

    _in_a_trial_group(cgroups.Limits(64, 16, None))


def _cpu_share() -> None:
    from grader.sandbox import cgroups

    _in_a_trial_group(cgroups.Limits(None, 0, 1.0))


def _in_a_trial_group(limits: Limits) -> None:
    """A sleeping process put in a student's group with these limits, as a kernel is."""
    from grader.sandbox import cgroups

    sleeper = os.fork()
    if sleeper == 0:
        signal.pause()
        os._exit(0)
    owner = cgroups.owner_of(os.getpid())
    try:
        group = cgroups.place(sleeper, owner, limits, cgroups.group_name(os.getpid()))
        group.remove()  # kills the sleeper
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(sleeper, signal.SIGKILL)
        os.waitpid(sleeper, 0)
        if owner is not None:
            cgroups.remove_student(owner)


def _trial_layout() -> FilesystemPlan:
    """A kernel's folder, laid out as the grader makes one, in the detection's folder."""
    from grader.sandbox import filesystem

    folder = tempfile.mkdtemp(prefix="grader-detect-", dir=_scratch)
    for name in ("work", "tmp", "channels", "root"):
        os.mkdir(os.path.join(folder, name))
    return filesystem.plan(os.path.join(folder, "work"), os.path.join(folder, "channels"))


class InstallationUnusable(Exception):
    """The Python installation is hidden or unreadable under a layer (the kernel would die)."""


def _installation_usable(layer: str) -> None:
    """Under the layer just applied: every folder of the Python installation can be listed,
    and the interpreter starts and imports its standard library and site-packages' .pth
    files; else why not, and what to do."""
    from grader.sandbox.filesystem import python_installation

    for path in python_installation():
        try:
            os.stat(path)
            if os.path.isdir(path):
                os.listdir(path)
        except OSError as exc:
            raise InstallationUnusable(_unusable(layer, path, exc)) from None
    done = subprocess.run([sys.executable, "-I", "-c", "import encodings, json, site"],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise InstallationUnusable(
            f"under this layer, Python ({sys.executable}) did not start: {tail}. A kernel would "
            f"die the same way; {FIXES[layer]}")


FIXES = {
    LANDLOCK: "the layer allows reading the Python installation's folders only, as this "
              "interpreter reports them: report this to the kit's authors with the output of "
              "`python -m grader.sandbox.detect`",
    NAMESPACES: "the layer shows a kernel only the Python installation's folders: report "
                "this to the kit's authors with the output of `python -m grader.sandbox.detect`",
    OWN_UID: "a kernel runs as a user of its own, who must be able to read the Python "
             "installation: make it readable by every user (`chmod -R a+rX FOLDER`) to get "
             "this layer back (until then, `--sandbox auto` grades without it)",
}


def _unusable(layer: str, path: str, exc: OSError) -> str:
    try:
        facts = os.stat(path)
        seen = f" (mode {stat.filemode(facts.st_mode)}, owner uid {facts.st_uid})"
    except OSError:
        seen = ""
    what = "cannot be read by the kernel's own user" if layer == OWN_UID else \
        "is not visible to the kernel"
    return (f"{path}, a folder of the Python installation, {what}{seen}: {exc.strerror}. A "
            f"kernel would die at its first import from there; {FIXES[layer]}".replace(
                "FOLDER", path))


CHECKS: dict[str, Callable[[], None]] = {LANDLOCK: _landlock, NAMESPACES: _namespaces,
                                         OWN_UID: _own_uid, CGROUP: _cgroup,
                                         CPU_SHARE: _cpu_share}


def main() -> None:
    global _scratch
    _scratch = tempfile.mkdtemp(prefix="grader-detect-")
    from grader.sandbox.filesystem import python_installation

    python_installation()  # found once, before any trial's layer: the trials inherit it
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
