"""A kernel's folder, made by the grader: `work/` (its working directory, home and scratch),
`tmp/` (its TMPDIR), `channels/` (its connection file and the unix sockets it listens on),
`root/` (an empty folder where the namespaces layer mounts a private root) and `start.log`
(what the kernel printed before it started). Private to the
grader (mode 0700); removed with everything in it when the notebook is done."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass

from grader.sandbox.environment import TEMPORARY

PREFIX = "grader-kernel-"


class BadKernelFolder(Exception):
    pass


@dataclass(frozen=True)
class KernelFolders:
    base: str

    @property
    def work(self) -> str:
        return os.path.join(self.base, "work")

    @property
    def temporary(self) -> str:
        return os.path.join(self.base, TEMPORARY)

    @property
    def channels(self) -> str:
        return os.path.join(self.base, "channels")

    @property
    def root(self) -> str:
        return os.path.join(self.base, "root")

    @property
    def connection_file(self) -> str:
        return os.path.join(self.channels, "connection.json")

    @property
    def start_log(self) -> str:
        """What the kernel prints before its sandbox quiets it (only the kit's code runs then):
        why a kernel could not start. Out of the kernel's reach once it runs."""
        return os.path.join(self.base, "start.log")

    @property
    def socket_prefix(self) -> str:
        """jupyter_client's `ip` for the ipc transport: sockets are `<prefix>-<n>`."""
        return os.path.join(self.channels, "kernel")

    def remove(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)


def make_kernel_folders() -> KernelFolders:
    folders = KernelFolders(tempfile.mkdtemp(prefix=PREFIX))
    for name in (folders.work, folders.temporary, folders.channels, folders.root):
        os.mkdir(name, 0o700)
    return folders


def check_layout(work: str, channels: str) -> KernelFolders:
    """The folders a kernel was started with, if they are laid out as the grader makes them."""
    base = os.path.dirname(work)
    folders = KernelFolders(base)
    if (os.path.basename(base).startswith(PREFIX) and folders.work == work
            and folders.channels == channels and os.path.isdir(folders.root)
            and os.path.isdir(folders.temporary)):
        return folders
    raise BadKernelFolder(f"{work} and {channels} are not a kernel folder made by the grader")
