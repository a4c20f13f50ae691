"""Control groups: a student's kernels share one CPU share and one memory cap; each kernel has
its own caps on memory and on processes.

RLIMIT_AS caps one process (three 800 MB children pass a 1 GB cap); a cgroup caps their sum,
and counts every process and thread the notebook starts, setsid or not. Without a cpu group,
every process that calls setsid gets a scheduler share of its own (an autogroup): one student
with 500 of them slowed a classmate's cells twentyfold. So, in the grader's own group:

    torch-grader-student-<owner>/      cpu: the share of one nice-0 session (what an honest
                                       student's one busy kernel had), at most `cpu_cores`;
                                       memory and processes: the student's kernels together
      kernel-<supervisor pid>/         memory and processes of one kernel's tree
    torch-grader/
      kernel-<supervisor pid>/         a reference solution's kernel: its own caps only

The owner is the grading process that asked for the kernel, named by pid and start time (so a
reused pid is another owner): a shared fork server learns it from the connection's peer, a cold
kernel from its parent, never from what a client says. cgroup v2 where its controllers can be
used, else the v1 hierarchies (cpu, memory, pids: each its own tree). A group whose owner or
supervisor is gone is emptied and removed by the next kernel that starts.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

GROUP = "torch-grader"
CONTROLLERS = ("memory", "pids")  # the cgroup layer
CPU = "cpu"  # the cpu-share layer
KILL_ROUNDS = 50
STUDENT = f"{GROUP}-student-"
KERNEL = "kernel-"
OWNER = re.compile(r"^[0-9]+-[0-9]+$")
V1_SHARES, V2_WEIGHT = 1024, 100  # a nice-0 session's share: each student's
CPU_PERIOD_US = 100_000


class CgroupUnavailable(Exception):
    pass


@dataclass(frozen=True)
class Hierarchy:
    version: int
    parent: Path  # `torch-grader/` beside our own group
    controllers: frozenset[str]  # those of this hierarchy that the layers use


@dataclass(frozen=True)
class Limits:
    memory_mb: int | None
    processes: int
    cpu_cores: float | None  # None: the cpu-share layer is off


@dataclass(frozen=True)
class KernelGroup:
    folders: tuple[Path, ...]  # the kernel's own groups, one per memory/pids hierarchy
    shared: tuple[Path, ...] = ()  # groups it joined without owning them (its student's cpu)

    def add(self, pid: int) -> None:
        for folder in (*self.folders, *self.shared):
            (folder / "cgroup.procs").write_text(str(pid))

    def remove(self) -> None:
        """Kill whatever is left in the kernel's groups, then remove them."""
        for folder in self.folders:
            _empty_and_remove(folder)


def hierarchies(controllers: tuple[str, ...] = CONTROLLERS) -> list[Hierarchy]:
    """Where groups with these controllers can be made; raises CgroupUnavailable with the
    reason if nowhere."""
    mounts = _cgroup_mounts()
    own = _own_groups()
    v2 = [m for m in mounts if m[1] == "cgroup2"]
    if v2 and "" in own:
        parent = _parent_v2(Path(v2[0][0]), v2[0][2], own[""], controllers)
        if parent is not None:
            return [Hierarchy(2, parent, frozenset(controllers))]
    found = []
    for controller in controllers:
        mount = next((m for m in mounts if m[1] == "cgroup" and controller in m[3]), None)
        if mount is None or controller not in own:
            raise CgroupUnavailable(f"no cgroup hierarchy with the {controller} controller")
        folder = _join(Path(mount[0]), mount[2], own[controller]) / GROUP
        found.append(Hierarchy(1, folder, frozenset({controller})))
    return found


def place(pid: int, owner: str | None, limits: Limits, name: str) -> KernelGroup:
    """Put the kernel `pid` in a group of its own named `name`, inside its student's group
    when it has an owner (see the module's docstring), and join the student's cpu share.
    `limits.memory_mb` None and `limits.processes` 0: the cgroup layer is off."""
    if owner is not None and not OWNER.match(owner):
        raise ValueError(f"not an owner: {owner!r}")
    own: list[Path] = []
    shared: list[Path] = []
    for place_ in known_places(limits.processes > 0, limits.cpu_cores is not None):
        parent = _make_parent(place_)
        _sweep(place_, wait=False)  # a kernel starting waits for no one else's
        if owner is not None:
            parent = _student_group(place_, owner, limits)
        if place_.controllers & set(CONTROLLERS):
            folder = parent / name
            if folder.exists():
                _empty_and_remove(folder)
            folder.mkdir()
            _limit(place_.version, folder, limits.memory_mb, limits.processes)
            own.append(folder)
        elif owner is not None:  # v1's cpu hierarchy: the student's group is the kernel's
            shared.append(parent)
    group = KernelGroup(tuple(own), tuple(shared))
    group.add(pid)
    return group


def create(places: list[Hierarchy], name: str, memory_mb: int | None,
           processes: int) -> KernelGroup:
    """A group of its own with these limits, outside any student's (the detection's trial)."""
    folders = []
    for place_ in places:
        parent = _make_parent(place_)
        folder = parent / name
        if folder.exists():
            _empty_and_remove(folder)
        folder.mkdir()
        _limit(place_.version, folder, memory_mb, processes)
        folders.append(folder)
    return KernelGroup(tuple(folders))


def remove_group(name: str, owner: str | None = None) -> None:
    """Remove a kernel's group once its supervisor is gone (the grader kills supervisors
    outright when it shuts a kernel down, so they cannot always clean up themselves). Without
    waiting: a kernel whose namespace is still being torn down keeps its group busy a moment;
    then the next kernel's supervisor removes it (see `sweep`), or the end of a batch."""
    for place_ in _places():
        if not place_.controllers & set(CONTROLLERS):
            continue
        parent = _student_folder(place_, owner) if owner else place_.parent
        folder = parent / name
        with contextlib.suppress(OSError):
            _kill_members(folder)
            folder.rmdir()


def remove_student(owner: str) -> None:
    """Remove a student's groups and kill what is left in them: their grading is over.
    Without waiting for processes still exiting: a group they keep busy is removed by the
    next sweep (its owner is gone)."""
    for place_ in _places():
        folder = _student_folder(place_, owner)
        for group in [*_subfolders(folder), folder]:
            _try_to_remove(group)


def sweep() -> None:
    """Remove every group whose supervisor or owner is gone, waiting for their processes."""
    for place_ in _places():
        _sweep(place_)


def owner_of(pid: int) -> str | None:
    """A process's name as an owner of groups: its pid and start time (None if it is gone)."""
    started = _start_time(pid)
    return None if started is None else f"{pid}-{started}"


def group_name(supervisor_pid: int) -> str:
    return f"{KERNEL}{supervisor_pid}"


def known_places(tree: bool, cpu: bool) -> list[Hierarchy]:
    """Where the layers' groups are: for the cgroup layer (`tree`) and the cpu-share layer,
    merged where one v2 hierarchy holds both."""
    places: list[Hierarchy] = []
    for controllers in ((CONTROLLERS,) if tree else ()) + (((CPU,),) if cpu else ()):
        for found in _known_hierarchies(controllers):
            same = next((p for p in places if p.parent == found.parent), None)
            if same is None:
                places.append(found)
            else:
                places[places.index(same)] = Hierarchy(
                    same.version, same.parent, same.controllers | found.controllers)
    return places


def _places() -> list[Hierarchy]:
    """Every place a group of ours may be in (to remove them)."""
    places: list[Hierarchy] = []
    for tree, cpu in ((True, False), (False, True)):
        with contextlib.suppress(CgroupUnavailable, OSError):
            places += [p for p in known_places(tree, cpu) if p not in places]
    return places


@functools.cache
def _known_hierarchies(controllers: tuple[str, ...]) -> list[Hierarchy]:
    """hierarchies(), found once per process (the grader removes a group per kernel)."""
    return hierarchies(controllers)


def _make_parent(place_: Hierarchy) -> Path:
    place_.parent.mkdir(exist_ok=True)
    return place_.parent


def _student_folder(place_: Hierarchy, owner: str) -> Path:
    """Beside `torch-grader/`, in the grader's own group: on the cpu controller a student's
    group is then the peer of any other session of the machine, as a kernel was before."""
    return place_.parent.parent / f"{STUDENT}{owner}"


def _student_group(place_: Hierarchy, owner: str, limits: Limits) -> Path:
    """The student's group (made by their first kernel): their kernels together."""
    folder = _student_folder(place_, owner)
    with contextlib.suppress(FileExistsError):
        folder.mkdir()
    version = place_.version
    tree = bool(place_.controllers & set(CONTROLLERS))
    if version == 2 and tree:  # its kernels' groups below it have these controllers
        _write_if_different(folder / "cgroup.subtree_control", "+memory +pids",
                            current=lambda text: {"memory", "pids"} <= set(text.split()))
    if tree:
        _limit(version, folder, limits.memory_mb, limits.processes)
    if CPU in place_.controllers and limits.cpu_cores is not None:
        quota = "max" if not limits.cpu_cores else str(int(limits.cpu_cores * CPU_PERIOD_US))
        if version == 2:
            _write_if_different(folder / "cpu.weight", str(V2_WEIGHT))
            _write_if_different(folder / "cpu.max", f"{quota} {CPU_PERIOD_US}")
        else:
            _write_if_different(folder / "cpu.shares", str(V1_SHARES))
            _write_if_different(folder / "cpu.cfs_period_us", str(CPU_PERIOD_US))
            _write_if_different(folder / "cpu.cfs_quota_us", "-1" if quota == "max" else quota)
    return folder


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
        # v1 refuses a memory limit above the memory+swap one: raise that one first
        both = folder / "memory.memsw.limit_in_bytes"
        if both.exists() and int(both.read_text()) < int(memory):
            _write_if_present(both, memory)
        _write_if_different(folder / "memory.limit_in_bytes", memory)
        _write_if_present(both, memory)


def _parent_v2(mount: Path, mount_root: str, own: str, controllers: tuple[str, ...]
               ) -> Path | None:
    """v2: kernels' groups under `torch-grader/`, in a group with no processes of its own
    (the "no internal processes" rule) that has the controllers asked for."""
    base = _join(mount, mount_root, own)
    wanted_ = set(controllers)
    if not wanted_ <= set((base / "cgroup.controllers").read_text().split()):
        return None
    parent = base / GROUP
    try:
        enabled = set((base / "cgroup.subtree_control").read_text().split())
        if not wanted_ <= enabled:
            (base / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in wanted_))
        parent.mkdir(exist_ok=True)
        (parent / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in wanted_))
    except OSError:
        return None
    return parent


def _sweep(place_: Hierarchy, wait: bool = True) -> None:
    """Remove kernel groups whose supervisor (named by pid) is gone, and student groups whose
    owner is gone and that hold no kernel's group any more; `wait`: for the processes still
    exiting in them (else a group they keep busy stays, for the next sweep)."""
    remove = _empty_and_remove if wait else _try_to_remove
    for folder in _subfolders(place_.parent):
        if folder.name.startswith(KERNEL):
            _remove_if_gone(folder, remove)
    for folder in _subfolders(place_.parent.parent):
        if not folder.name.startswith(STUDENT):
            continue
        kernels = [f for f in _subfolders(folder) if f.name.startswith(KERNEL)]
        for kernel in kernels:
            _remove_if_gone(kernel, remove)
        owner = folder.name.removeprefix(STUDENT)
        if OWNER.match(owner) and not _owner_alive(owner) \
                and not any(k.exists() for k in kernels):
            with contextlib.suppress(OSError):
                remove(folder)


def _remove_if_gone(folder: Path, remove: Callable[[Path], None]) -> None:
    pid = folder.name.removeprefix(KERNEL)
    if pid.isdigit() and not _alive(int(pid)):
        with contextlib.suppress(OSError):
            remove(folder)


def _try_to_remove(folder: Path) -> None:
    """Kill what is in the group and remove it if that can be done at once."""
    with contextlib.suppress(OSError):
        _kill_members(folder)
        folder.rmdir()


def _subfolders(folder: Path) -> list[Path]:
    try:
        return [f for f in folder.iterdir() if f.is_dir()]
    except OSError:
        return []


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


def _owner_alive(owner: str) -> bool:
    pid, _, started = owner.partition("-")
    return _start_time(int(pid)) == started


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]  # field 22, counted after the command's name


def _write_if_present(path: Path, value: str) -> None:
    if path.exists():
        with contextlib.suppress(OSError):
            path.write_text(value)


def _write_if_different(path: Path, value: str, current: object = None) -> None:
    """Write a setting of a group shared with others (a parent, a student's) only when it is
    not already so: concurrent kernels may make or set it at the same time."""
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        text = None
    same = current(text or "") if callable(current) else text == value
    if not same:
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
