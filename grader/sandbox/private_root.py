"""The namespaces layer's file system: a root of the kernel's own, holding only what the plan
allows, built in a new mount namespace (as bubblewrap does) and entered with pivot_root.

Everything else (the course, the grader's output, /home, other kernels' folders, the grader's
sockets, /run) simply does not exist there. Read-only paths are bind mounts of the host's,
remounted read-only; the scratch folder is a fresh tmpfs whose size is the kernel's disk cap,
which also backs /tmp, /dev/shm and its TMPDIR; /proc is a fresh mount that shows the kernel's
own PID namespace only. The channel folder (on the host, where the grader reaches its sockets)
is shown at CHANNELS_IN_ROOT, out of every writable folder. Nothing here propagates back to
the host (the whole tree is made private first).
"""

from __future__ import annotations

import json
import os

from grader.sandbox import syscalls as sc
from grader.sandbox.filesystem import CHANNELS_IN_ROOT, FilesystemPlan

_STATVFS_TO_MOUNT = {os.ST_NOSUID: sc.MS_NOSUID, os.ST_NODEV: sc.MS_NODEV,
                     os.ST_NOEXEC: sc.MS_NOEXEC, os.ST_NOATIME: 1024, os.ST_NODIRATIME: 2048,
                     os.ST_RELATIME: 1 << 21}
OLD_ROOT = ".old-root"
SCRATCH = ".scratch"
CONNECTION_COPY = ".grader-connection.json"
INODES = 100_000  # files and folders of the scratch tmpfs (each costs kernel memory)


def enter_private_root(layout: FilesystemPlan, new_root: str, owner: int, disk_mb: int) -> None:
    """Build the root at `new_root` (an empty folder) and make it this process's root.
    `owner` is the uid (as seen in this namespace) that will own the scratch folder."""
    sc.mount(None, "/", None, sc.MS_REC | sc.MS_PRIVATE)
    sc.mount("tmpfs", new_root, "tmpfs", sc.MS_NOSUID | sc.MS_NODEV, "size=4m,mode=0755")
    # One tmpfs, the disk cap, backs the scratch folder, /tmp and /dev/shm. It is mounted out
    # of the way first, because the scratch folder itself may lie under /tmp.
    scratch = _inside(new_root, SCRATCH)
    os.mkdir(scratch)
    sc.mount("tmpfs", scratch, "tmpfs", sc.MS_NOSUID | sc.MS_NODEV,
             f"size={disk_mb}m,nr_inodes={INODES},mode=0755")
    for name, mode in (("tmp", 0o1777), ("work", 0o700)):
        os.mkdir(os.path.join(scratch, name))
        os.chmod(os.path.join(scratch, name), mode)
    os.chown(os.path.join(scratch, "work"), owner, owner)
    for where in ("/tmp", "/dev/shm", layout.temporary):
        _bind(os.path.join(scratch, "tmp"), _inside(new_root, where))
    _bind(os.path.join(scratch, "work"), _inside(new_root, layout.work))
    _bind(layout.channels, _inside(new_root, CHANNELS_IN_ROOT))
    # Read-only paths last: the Python installation may lie under /tmp or /dev/shm (a venv
    # made there, a CI tool cache), and is then bound over the scratch folder's /tmp, which
    # would otherwise hide it.
    for path in layout.read_only:
        _bind_read_only(path, new_root)
    for device in layout.devices:
        _bind_device(device, new_root)
    _make_links(new_root)
    proc = _inside(new_root, "/proc")
    os.makedirs(proc, exist_ok=True)
    sc.mount("proc", proc, "proc", sc.MS_NOSUID | sc.MS_NODEV | sc.MS_NOEXEC)
    old = os.path.join(new_root, OLD_ROOT)
    os.mkdir(old)
    sc.pivot_root(new_root, old)
    os.chdir("/")
    for gone in (OLD_ROOT, SCRATCH):  # the host, and the scratch tmpfs's own mount (its
        sc.umount("/" + gone)         # folders stay mounted where they were bound)
        os.rmdir("/" + gone)
    sc.mount(None, "/", None, sc.MS_BIND | sc.MS_REMOUNT | sc.MS_RDONLY | sc.MS_NOSUID
             | sc.MS_NODEV)
    os.chdir(layout.work)


def connection_file_inside(connection_file: str, owner: int) -> str:
    """A copy of the kernel's connection file whose socket prefix is the channel folder as the
    private root shows it (CHANNELS_IN_ROOT), in the scratch's /tmp (the host's file lies where
    the root has none); `owner` may read it."""
    with open(os.path.join(CHANNELS_IN_ROOT, os.path.basename(connection_file))) as handle:
        info = json.load(handle)
    if isinstance(info.get("ip"), str):
        info["ip"] = os.path.join(CHANNELS_IN_ROOT, os.path.basename(info["ip"]))
    inside = os.path.join("/tmp", CONNECTION_COPY)
    descriptor = os.open(inside, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(info, handle)
    os.chown(inside, owner, owner)
    return inside


def _bind(source: str, target: str) -> None:
    os.makedirs(target, exist_ok=True)
    sc.mount(source, target, None, sc.MS_BIND)


def _inside(new_root: str, path: str) -> str:
    return os.path.join(new_root, path.lstrip("/"))


def _bind_read_only(path: str, new_root: str) -> None:
    target = _inside(new_root, path)
    if os.path.islink(path):  # merged /usr: /bin -> usr/bin; keep it a link
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.lexists(target):
            os.symlink(os.readlink(path), target)
        return
    if os.path.isdir(path):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    sc.mount(path, target, None, sc.MS_BIND)
    sc.mount(None, target, None, sc.MS_BIND | sc.MS_REMOUNT | sc.MS_RDONLY | sc.MS_NOSUID
             | sc.MS_NODEV | _locked_flags(path))


def _bind_device(device: str, new_root: str) -> None:
    target = _inside(new_root, device)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    open(target, "a").close()
    sc.mount(device, target, None, sc.MS_BIND)


def _make_links(new_root: str) -> None:
    """/dev/fd and the standard streams, as /dev has them."""
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        link = _inside(new_root, f"/dev/{name}")
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if not os.path.lexists(link):
            os.symlink(target, link)


def _locked_flags(path: str) -> int:
    """Flags a remount must keep: in a user namespace, dropping one the host set fails."""
    flags = os.statvfs(path).f_flag
    return sum(bit for st, bit in _STATVFS_TO_MOUNT.items() if flags & st)
