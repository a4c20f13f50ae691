"""A student's files read as data: no symbolic link is ever followed, at any depth.

A link in a submission (`assignments -> ../../solutions`, a notebook that links to a
classmate's) makes whatever reads through it grade what the student did not write. So each
level of a path below the folder the TA named is looked at on its own, relative to the level
above (`dir_fd`), without following it (`lstat`, then `O_NOFOLLOW` opens): a link at any
level is found, named and never followed, whatever it points to. Paths are never compared
after `realpath`, which resolves through the very links it should find.

The folder the TA names (`submissions/`, `--grader-notebooks DIR`) is the TA's and may itself
be reached through a link; everything below it is the student's.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

FILE, ABSENT, FOLDER, LINK = "file", "absent", "folder", "link"
SPECIAL = "not-a-file"  # a FIFO, socket or device: never read (a FIFO would block forever)
_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_NO_FOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC


@dataclass(frozen=True)
class Found:
    """What lies at a path below a folder, looked at without following links."""

    kind: str  # FILE, ABSENT, FOLDER, SPECIAL or LINK
    where: str = ""  # for a LINK: the part of the path that is a link (`assignments`)
    content: bytes = b""  # a FILE's first bytes, when asked for
    # (st_dev, st_ino, st_nlink) of a FILE: two names of one file (hard links) are one
    identity: tuple[int, int, int] | None = field(default=None, compare=False)


def look(root: Path, relative: str | PurePosixPath, read: int | None = None) -> Found:
    """What is at `root/relative`, every level below `root` looked at without following a
    link; with `read`, a regular file's first `read` bytes too (opened O_NOFOLLOW and
    O_NONBLOCK, so that a file swapped for a link or a FIFO meanwhile is not read)."""
    parts = PurePosixPath(relative).parts
    try:
        folder = os.open(root, _DIRECTORY)
    except OSError:
        return Found(ABSENT)
    try:
        for depth, part in enumerate(parts):
            where = "/".join(parts[:depth + 1])
            try:
                info = os.stat(part, dir_fd=folder, follow_symlinks=False)
            except (FileNotFoundError, NotADirectoryError):
                return Found(ABSENT)
            if stat.S_ISLNK(info.st_mode):
                return Found(LINK, where)
            if depth == len(parts) - 1:
                return _found(folder, part, where, info, read)
            if not stat.S_ISDIR(info.st_mode):
                return Found(ABSENT)
            try:
                inner = os.open(part, _DIRECTORY | os.O_NOFOLLOW, dir_fd=folder)
            except OSError:  # replaced by a link since the lstat (ELOOP): it is one
                return Found(LINK, where)
            os.close(folder)
            folder = inner
        return Found(FOLDER)
    finally:
        os.close(folder)


def _found(folder: int, name: str, where: str, info: os.stat_result, read: int | None
           ) -> Found:
    if stat.S_ISDIR(info.st_mode):
        return Found(FOLDER)
    if not stat.S_ISREG(info.st_mode):
        return Found(SPECIAL)
    identity = (info.st_dev, info.st_ino, info.st_nlink)
    if read is None:
        return Found(FILE, identity=identity)
    try:
        handle = os.open(name, os.O_RDONLY | os.O_NONBLOCK | _NO_FOLLOW, dir_fd=folder)
    except OSError as exc:
        return Found(LINK, where) if exc.errno == errno.ELOOP else Found(ABSENT)
    with os.fdopen(handle, "rb") as opened:
        now = os.fstat(opened.fileno())
        if not stat.S_ISREG(now.st_mode):
            return Found(SPECIAL)
        return Found(FILE, content=opened.read(read),
                     identity=(now.st_dev, now.st_ino, now.st_nlink))



def walk(root: Path, skip: tuple[str, ...] = ()) -> Iterator[tuple[str, Found]]:
    """Every file and link below `root` (relative paths, `/`-separated), sorted; links, to
    files or folders, are yielded as LINK and never entered; folders named in `skip` are not
    entered either. A submission is anyone's to shape, so the walk is bounded: folders deeper
    than WALK_DEPTH are not entered, and after WALK_ENTRIES entries it stops; either way it
    ends with one entry of kind CUT, at the path where it stopped."""
    try:
        top = os.open(root, _DIRECTORY)
    except OSError:
        return
    # A stack of (the folder's descriptor, its path, its entries still to look at).
    stack = [(top, PurePosixPath(), _entries(top))]
    seen = 0
    try:
        while stack:
            folder, relative, entries = stack[-1]
            if not entries:
                os.close(stack.pop()[0])
                continue
            name, is_link, is_folder = entries.pop(0)
            path = relative / name
            seen += 1
            if seen > WALK_ENTRIES or (is_folder and not is_link and len(stack) > WALK_DEPTH):
                yield path.as_posix(), Found(CUT, path.as_posix())
                return
            if is_link:
                yield path.as_posix(), Found(LINK, path.as_posix())
            elif is_folder:
                if name in skip:
                    continue
                try:
                    inner = os.open(name, _DIRECTORY | os.O_NOFOLLOW, dir_fd=folder)
                except OSError:  # replaced by a link since it was listed (ELOOP): it is one
                    yield path.as_posix(), Found(LINK, path.as_posix())
                    continue
                stack.append((inner, path, _entries(inner)))
            else:
                yield path.as_posix(), _look_in(folder, name, path.as_posix())
    finally:
        for folder, _, _ in stack:
            os.close(folder)


WALK_DEPTH = 32  # folders below a submission's root that the walk enters
WALK_ENTRIES = 20_000  # files, folders and links it looks at
CUT = "cut"  # the kind of the walk's last entry when it stopped there (see walk)


def _entries(folder: int) -> list[tuple[str, bool, bool]]:
    try:
        with os.scandir(folder) as listed:
            return sorted((entry.name, entry.is_symlink(), entry.is_dir(follow_symlinks=False))
                          for entry in listed)
    except OSError:
        return []


def _look_in(folder: int, name: str, where: str) -> Found:
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except OSError:
        return Found(ABSENT)
    if stat.S_ISLNK(info.st_mode):
        return Found(LINK, where)
    return _found(folder, name, where, info, None)
