"""Where the check daemon for this kit, this Python and these settings listens.

One daemon per user (a private folder, mode 0700) and per fingerprint: the interpreter, the
kit's folder, the grader's source files (a daemon keeps the code it imported: edited code
gets a new daemon) and the environment read at start-up (thread counts, hash seed, ...).
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from grader.execution.warm.preload import startup_env
from grader.sandbox.policy import AUTO, MODE_ENV

FOLDER_ENV = "GRADER_DAEMON_DIR"  # where the private folder is made (default: the runtime dir)


class NoPrivateFolder(Exception):
    """The daemon's folder exists but is not this user's alone: no daemon is used."""


def private_folder() -> Path:
    base = os.environ.get(FOLDER_ENV) or os.environ.get("XDG_RUNTIME_DIR") \
        or tempfile.gettempdir()
    folder = Path(base) / f"grader-{os.getuid()}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() \
            or info.st_mode & 0o077:
        raise NoPrivateFolder(f"{folder} is not a folder private to this user")
    return folder


def fingerprint(env: Mapping[str, str] | None = None) -> str:
    """`env`: the environment the daemon will be started with (default: this process's)."""
    env = os.environ if env is None else env
    digest = hashlib.sha256()
    environ = {k: v for k, v in env.items() if k != MODE_ENV}
    mode = env.get(MODE_ENV) or AUTO  # unset means auto: the same daemon
    # This file's package, not `grader.__file__`: run from a course with a `grader/` folder of
    # tests and an editable kit, `grader` is a namespace package without a file.
    kit = Path(__file__).resolve().parents[1]
    digest.update(f"{sys.executable}\0{kit}\0{startup_env(environ)}\0{mode}".encode())
    for path in sorted(kit.rglob("*.py")):
        info = path.stat()
        digest.update(f"\0{path}\0{info.st_mtime_ns}\0{info.st_size}".encode())
    return digest.hexdigest()[:16]


def socket_path(env: Mapping[str, str] | None = None) -> Path:
    return private_folder() / f"check-{fingerprint(env)}.sock"


def token_path(socket: Path) -> Path:
    """The daemon's secret, which every request carries: only this user can read it (and no
    sandboxed kernel: the private folder is outside what kernels may read)."""
    return socket.with_suffix(".token")


def write_token(socket: Path, token: str) -> None:
    temporary = socket.with_suffix(".token-new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(token)
    os.replace(temporary, token_path(socket))


def read_token(socket: Path) -> str:
    try:
        return token_path(socket).read_text()
    except OSError:
        return ""
