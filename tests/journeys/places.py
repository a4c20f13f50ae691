"""Where the journeys put what lies outside pytest's temporary folder (environments outside
/tmp, the `tmp` machine's Python under /tmp, users' homes under /home), named after the run so
that every xdist worker finds the same places, and removed when the run ends (by tests/
conftest.py: an xdist controller loads no conftest of a folder it does not collect)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

PLACES = {"env": "/var/tmp", "tmp": "/tmp", "home": "/home/grader-journey"}


def shared(factory: pytest.TempPathFactory) -> Path:
    """The run's folder that every xdist worker shares."""
    base = factory.getbasetemp()
    return base.parent if base.name.startswith("popen-gw") else base


def place(kind: str, run: Path) -> Path:
    """Short: a daemon's socket lies under a person's home, and a unix socket's path has at
    most 107 bytes."""
    return Path(PLACES[kind]) / ("gj-" + hashlib.sha256(str(run).encode()).hexdigest()[:8])


def remove_places(config: pytest.Config) -> None:
    """At the end of the run (not of one xdist worker's)."""
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None or hasattr(config, "workerinput"):
        return
    try:
        run = shared(factory)
    except (OSError, ValueError):
        return
    for kind in PLACES:
        shutil.rmtree(place(kind, run), ignore_errors=True)
