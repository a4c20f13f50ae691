"""Shared fixtures for the kit's own tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def reference_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One reference cache for the whole session, shared by xdist workers (writes are atomic)."""
    root = tmp_path_factory.getbasetemp()
    shared = root.parent if root.name.startswith("popen-gw") else root
    return shared / "grader-reference-cache"
