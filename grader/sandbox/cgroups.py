"""A control group per kernel: the memory and the number of processes of its whole tree.

RLIMIT_AS caps one process (three 800 MB children pass a 1 GB cap); a cgroup caps their sum,
and counts every process and thread the notebook starts, setsid or not. cgroup v2 where its
memory and pids controllers can be used, else the v1 memory and pids hierarchies (as on hosts
that mount both); where neither is writable (most containers, most non-root users), the layer
is missing and the grader says so.

Each kernel's group is named after its supervisor's pid, under `torch-grader/` beside the
grader's own group. A group whose supervisor is gone (killed outright) is emptied and removed by
the next kernel that starts.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

GROUP = "torch-grader"
CONTROLLERS = ("memory", "pids")
KILL_ROUNDS = 50


class CgroupUnavailable(Exception):
    pass


@dataclass(frozen=True)
class Hierarchy:
    version: int
    parent: Path  # where kernels' groups are made (`torch-grader/` beside our own group)


@dataclass(frozen=True)
class KernelGroup:
    folders: tuple[Path, ...]  # one per hierarchy: v2 one, v1 memory and pids

    def add(self, pid: int) -> None:
        for folder in self.folders:
            (folder / "cgroup.procs").write_text(str(pid))

    def remove(self) -> None:
        """Kill whatever is left in the group, then remove it."""
        for folder in self.folders:
            _empty_and_remove(folder)


def hierarchies() -> list[Hierarchy]:
    """Where kernel groups can be made; raises CgroupUnavailable with the reason if nowhere."""
    mounts = _cgroup_mounts()
    own = _own_groups()
    v2 = [m for m in mounts if m[1] == "cgroup2"]
    if v2 and "" in own:
        parent = _parent_v2(Path(v2[0][0]), v2[0][2], own[""])
        if parent is not None:
            return [Hierarchy(2, parent)]
    found = []
    for controller in CONTROLLERS:
        mount = next((m for m in mounts if m[1] == "cgroup" and controller in m[3]), None)
        if mount is None or controller not in own:
            raise CgroupUnavailable(f"no cgroup hierarchy with the {controller} controller")
        folder = _join(Path(mount[0]), mount[2], own[controller]) / GROUP
        found.append(Hierarchy(1, folder))
    return found


def create(places: list[Hierarchy], name: str, memory_mb: int | None,
           processes: int) -> KernelGroup:
    """A new group with these limits (any stale group of the same name is removed first)."""
    folders = []
    for place in places:
        place.parent.mkdir(exist_ok=True)
        _sweep(place.parent)
        folder = place.parent / name
        if folder.exists():
            _empty_and_remove(folder)
        folder.mkdir()
        folders.append(folder)
        _limit(place.version, folder, memory_mb, processes)
    return KernelGroup(tuple(folders))


def remove_group(name: str) -> None:
    """Remove a kernel's group once its supervisor is gone (the grader kills supervisors
    outright when it shuts a kernel down, so they cannot always clean up themselves). Without
    waiting: a kernel whose namespace is still being torn down keeps its group busy a moment;
    then the next kernel's supervisor removes it (see `sweep`), or the end of a batch."""
    for place in _places():
        folder = place.parent / name
        with contextlib.suppress(OSError):
            _kill_members(folder)
            folder.rmdir()


def sweep() -> None:
    """Remove every group whose supervisor is gone, waiting for their processes to exit."""
    for place in _places():
        if place.parent.is_dir():
            _sweep(place.parent)


def _places() -> list[Hierarchy]:
    try:
        return _known_hierarchies()
    except (CgroupUnavailable, OSError):
        return []


@functools.cache
def _known_hierarchies() -> list[Hierarchy]:
    """hierarchies(), found once per process (the grader removes a group per kernel)."""
    return hierarchies()


def group_name(supervisor_pid: int) -> str:
    return f"kernel-{supervisor_pid}"


def _limit(version: int, folder: Path, memory_mb: int | None, processes: int) -> None:
    """v2: both limits in the one group. v1: each hierarchy's own (a folder has the files of
    its controller only)."""
    memory = str(memory_mb * 1024 * 1024) if memory_mb else None
    if version == 2 or (folder / "pids.max").exists():
        (folder / "pids.max").write_text(str(processes))
    if memory and version == 2:
        (folder / "memory.max").write_text(memory)
        _write_if_present(folder / "memory.swap.max", "0")
    elif memory and (folder / "memory.limit_in_bytes").exists():
        (folder / "memory.limit_in_bytes").write_text(memory)
        _write_if_present(folder / "memory.memsw.limit_in_bytes", memory)


def _parent_v2(mount: Path, mount_root: str, own: str) -> Path | None:
    """v2: kernels' groups under `torch-grader/`, in a group with no processes of its own
    (the "no internal processes" rule) that has the memory and pids controllers."""
    base = _join(mount, mount_root, own)
    wanted = set(CONTROLLERS)
    if not wanted <= set((base / "cgroup.controllers").read_text().split()):
        return None
    parent = base / GROUP
    try:
        enabled = set((base / "cgroup.subtree_control").read_text().split())
        if not wanted <= enabled:
            (base / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in wanted))
        parent.mkdir(exist_ok=True)
        (parent / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in wanted))
    except OSError:
        return None
    return parent


def _sweep(parent: Path) -> None:
    """Remove groups whose supervisor (named by pid) is gone."""
    for folder in parent.iterdir():
        if not folder.is_dir() or not folder.name.startswith("kernel-"):
            continue
        pid = folder.name.removeprefix("kernel-")
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                _empty_and_remove(folder)


def _empty_and_remove(folder: Path) -> None:
    """Kill what is left in the group, then remove it (a process that is still exiting keeps
    its group busy for a few milliseconds: try again until it is gone)."""
    for _ in range(KILL_ROUNDS):
        _kill_members(folder)
        try:
            folder.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:  # busy
            time.sleep(0.01)


def _kill_members(folder: Path) -> None:
    pids = _members(folder)
    if pids and (folder / "cgroup.kill").exists():
        (folder / "cgroup.kill").write_text("1")
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _members(folder: Path) -> list[int]:
    try:
        return [int(line) for line in (folder / "cgroup.procs").read_text().split()]
    except FileNotFoundError:
        return []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_if_present(path: Path, value: str) -> None:
    if path.exists():
        with contextlib.suppress(OSError):
            path.write_text(value)


def _join(mount: Path, mount_root: str, group: str) -> Path:
    """The folder of `group` (a path in the hierarchy) under a mount of the hierarchy's
    `mount_root` (not "/" inside a container with a cgroup namespace)."""
    relative = os.path.relpath(group, mount_root) if group.startswith(mount_root) else group
    return mount / relative.lstrip("/") if relative != "." else mount


def _own_groups() -> dict[str, str]:
    """controller -> our group's path; "" for v2's unified hierarchy."""
    groups: dict[str, str] = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(","):
            groups[controller] = path
    return groups


def _cgroup_mounts() -> list[tuple[str, str, str, set[str]]]:
    """(mount point, fs type, root within the hierarchy, super options) of cgroup mounts."""
    found = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        before, _, after = line.partition(" - ")
        fields, tail = before.split(), after.split()
        if len(tail) >= 3 and tail[0] in ("cgroup", "cgroup2"):
            found.append((_unescape(fields[4]), tail[0], _unescape(fields[3]),
                          set(tail[2].split(","))))
    return found


def _unescape(text: str) -> str:
    return text.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n") \
        .replace("\\134", "\\")
