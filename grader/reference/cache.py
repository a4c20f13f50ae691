"""A disk cache of the reference solution's probe answers.

Keyed by the solution notebook's bytes, the seed, the course's secret (its digest), the torch
version and the probe itself, so a second grading run does not execute the solutions again,
and any change re-runs them.
Writes are atomic (temp file, then rename): parallel workers may share the folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from grader.errors import GraderError

FORMAT_VERSION = "2"  # 2: keyed by the secret's digest too
SHIPPED_KEYS = "keys.json"  # in a student kit: the keys of solutions that are not shipped


class ReferenceCache:
    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    @staticmethod
    def notebook_key(notebook: Path, seed: int, torch_version: str, secret: str) -> str:
        """`secret`: the digest of the course's secret (the grader's inputs are drawn from it)."""
        digest = hashlib.sha256(notebook.read_bytes())
        digest.update(f"|{seed}|{torch_version}|{secret}|{FORMAT_VERSION}".encode())
        return digest.hexdigest()

    def shipped_key(self, notebook: str, seed: int, secret: str) -> str:
        """The key of a solution shipped only as its answers (a student kit), which hold for
        the kit's own seed and secret only."""
        keys_file = self.directory / SHIPPED_KEYS if self.directory else None
        if keys_file is None or not keys_file.exists():
            raise GraderError(f"no reference solution {notebook}, and no shipped reference "
                              "answers: pass --grader-solutions DIR")
        shipped = json.loads(keys_file.read_text(encoding="utf-8"))
        if shipped["seed"] != seed or notebook not in shipped["notebooks"]:
            raise GraderError(f"the shipped reference answers are for seed {shipped['seed']} "
                              f"and {', '.join(shipped['notebooks'])}, not {notebook} with "
                              f"seed {seed}")
        if shipped.get("secret") != secret:
            raise GraderError("the shipped reference answers are for another secret than this "
                              "course's (.grader-secret): use the student kit as it was "
                              "released, or pass --grader-solutions DIR")
        return str(shipped["notebooks"][notebook])

    def _path(self, notebook_key: str, probe_digest: str) -> Path | None:
        if self.directory is None:
            return None
        key = hashlib.sha256(f"{notebook_key}|{probe_digest}".encode()).hexdigest()
        return self.directory / key[:2] / f"{key}.json"

    def get(self, notebook_key: str, probe_digest: str) -> str | None:
        path = self._path(notebook_key, probe_digest)
        if path is None or not path.exists():
            return None
        return path.read_text(encoding="utf-8")

    def put(self, notebook_key: str, probe_digest: str, payload: str) -> None:
        path = self._path(notebook_key, probe_digest)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(payload)
        os.replace(temporary, path)
