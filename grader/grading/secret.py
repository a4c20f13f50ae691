"""The course's secret, from which the grader draws its own inputs (grader/grading/inputs.py),
so that no notebook can know them in advance nor replay answers computed for other inputs.

It is `$GRADER_SECRET` if set, else the file `.grader-secret` at the course's root, made at
random by the first grading run that needs it. It lies with the solutions and is kept like
them: out of every kernel's reach (the sandbox hides the course), never in a kernel's
environment (allow-listed) nor in the memory it starts from (kernels are new processes, or
forked from a fork server that never reads it), never in a message (redacted) or a record
(which holds its digest). A student kit has a secret of its own, whose answers it ships:
replayed in a TA's run, they answer other inputs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import threading
from pathlib import Path

from grader.errors import GraderError

SECRET_FILE = ".grader-secret"
SECRET_ENV = "GRADER_SECRET"


def course_secret(root: Path) -> bytes:
    """The secret of the course at `root` (made now if it has none)."""
    given = os.environ.get(SECRET_ENV, "").strip()
    if given:
        return given.encode()
    path = root / SECRET_FILE
    try:
        return _read(path)
    except FileNotFoundError:
        return _create(path)


def secret_digest(secret: bytes) -> str:
    """What records hold of the secret: enough to tell two apart, nothing to recover it."""
    return hashlib.sha256(b"grader-secret\0" + secret).hexdigest()[:16]


def write_secret(path: Path) -> bytes:
    """A new random secret in `path` (a student kit's own)."""
    value = secrets.token_hex(32).encode()
    path.write_bytes(value + b"\n")
    path.chmod(0o600)
    return value


def _read(path: Path) -> bytes:
    value = path.read_bytes().strip()
    if not value:
        raise GraderError(f"{path} is empty: delete it (the next grading run makes a new "
                          f"secret) or write the course's secret into it")
    return value


def _create(path: Path) -> bytes:
    """Made once, whoever asks first: concurrent runs (pytest -n workers) all read the one
    that was linked into place."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        write_secret(temporary)
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
        return _read(path)
    except OSError as exc:
        raise GraderError(f"the course has no secret ({path}) and it could not be made "
                          f"({exc}): copy the course's {SECRET_FILE} there, or set "
                          f"${SECRET_ENV}") from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
