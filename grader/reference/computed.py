"""The grader's own computations that depend on their inputs alone, remembered across students.

A test may run a computation of its own to compare a student's result with: the lesson's
training, redone by the grader from the student's seeded start (grader/checks/
gradient_descent.py). For most students the inputs are the same (the seeded start is the
lesson's), and the result is the same number for number: CPU, float64, one thread, no
randomness. So it is computed once and kept, keyed by the digest of everything it depends on
(the inputs' bytes, the settings of the run, the code that computes it, torch's version), in a
folder beside the reference answers' cache; every later student, in any grading process,
reads it back instead. Without a folder (no cache, a student kit's shipped answers), results
are kept for this process only.

Stored as JSON (never pickled); written atomically, so parallel graders may share the folder.
The folder is among those no kernel may read.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
FOLDER = "computed"  # under the reference answers' cache folder
FORMAT_VERSION = "1"
SUFFIX = ".computed"  # JSON, under another suffix: whatever reads the answers (*.json) skips it

_folder: Path | None = None
_memo: dict[str, Any] = {}  # digest -> the result as JSON data (decoded afresh for each caller)


def use_folder(cache: Path | None) -> None:
    """Keep results under `cache`/computed (None: in this process only)."""
    global _folder
    _folder = cache / FOLDER if cache is not None else None


def remembered(kind: str, key: bytes, compute: Callable[[], T],
               to_json: Callable[[T], Any], from_json: Callable[[Any], T]) -> T:
    """`compute()`'s result, or the one kept for the same `kind` and `key` (the bytes of
    everything the result depends on)."""
    digest = hashlib.sha256(f"{kind}|{FORMAT_VERSION}|".encode() + key).hexdigest()
    data = _memo.get(digest)
    if data is None:
        data = _read(kind, digest)
    if data is not None:
        try:
            value = from_json(data)
        except (KeyError, TypeError, ValueError):  # damaged, or of an older form: compute again
            value = None
        if value is not None:
            _memo[digest] = data
            return value
    value = compute()
    data = to_json(value)
    _memo[digest] = data
    _write(kind, digest, data)
    return value


def _path(kind: str, digest: str) -> Path | None:
    return None if _folder is None else _folder / kind / digest[:2] / f"{digest}{SUFFIX}"


def _read(kind: str, digest: str) -> Any:
    path = _path(kind, digest)
    if path is None or not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(kind: str, digest: str, data: Any) -> None:
    path = _path(kind, digest)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(temporary, path)
    except OSError:
        pass  # a folder that cannot be written: the result is kept for this process
