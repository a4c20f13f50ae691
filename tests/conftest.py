"""Shared fixtures for the kit's own tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest
from xdist.scheduler import LoadScopeScheduling

from grader.daemon.address import FOLDER_ENV, read_token
from grader.daemon.client import IDLE_ENV
from grader.daemon.protocol import send
from tests.journeys.places import remove_places

# `grader check` daemons started by the tests live in a folder of this session's, exit soon
# when idle, and are stopped when the session ends. xdist workers inherit these variables.
if FOLDER_ENV not in os.environ:
    os.environ[FOLDER_ENV] = tempfile.mkdtemp(prefix="grader-test-daemons-")
    os.environ.setdefault(IDLE_ENV, "60")
    _STARTED_HERE = True
else:
    _STARTED_HERE = False


def pytest_sessionfinish(session: pytest.Session) -> None:
    remove_places(session.config)  # the journeys' environments and homes (tests/journeys/)
    if _STARTED_HERE:
        stop_daemons_in(Path(os.environ[FOLDER_ENV]))
        shutil.rmtree(os.environ[FOLDER_ENV], ignore_errors=True)


def stop_daemons_in(folder: Path) -> None:
    for path in folder.rglob("*.sock"):
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as conn:
            conn.connect(str(path))
            send(conn, {"token": read_token(path), "stop": True})


@pytest.fixture(scope="session")
def reference_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One reference cache for the whole session, shared by xdist workers (writes are atomic)."""
    root = tmp_path_factory.getbasetemp()
    shared = root.parent if root.name.startswith("popen-gw") else root
    return shared / "grader-reference-cache"


UNIT_TIER = Path(__file__).parent / "unit"


MANY_SHORT = ("test_corpus.py",)  # hundreds of tests of about a second each


class ModuleScheduling(LoadScopeScheduling):
    """A module's tests on one xdist worker (its module-scoped fixtures, often a graded class,
    made once in the run rather than once per worker), but for the corpus: each case alone.
    Scopes go out in collection order (see below), not xdist's largest-first."""

    def _split_scope(self, nodeid: str) -> str:  # LoadScopeScheduling's (test_private_apis)
        module = nodeid.split("::", 1)[0]
        return nodeid if Path(module).name in MANY_SHORT else module


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than this process may use cores. The kernel tier's tests
    spend much of their time waiting (kernels and pip starting, daemons, processes they stop),
    so a worker per core leaves cores idle: on 2 cores the tier took 847 s with 2 workers,
    796 s with 3, the cores busy 88% of it (measure with `time pytest -n N tests -m kernel`)."""
    return len(os.sched_getaffinity(0)) + 1 if hasattr(os, "sched_getaffinity") else \
        (os.cpu_count() or 1) + 1


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> ModuleScheduling:
    config.option.loadscopereorder = False
    return ModuleScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Two tiers: tests/unit starts no kernel and no process (`pytest tests/unit`, seconds);
    every other test of the kit is marked `kernel` (`-m kernel`, `-m "not kernel"`).

    Longest first: tests marked `slow` (whole classes, attacks), then the others, the corpus's
    short cases last, so that xdist's workers end together instead of one finishing a long
    test alone (the order is the same in every worker: a stable sort). ModuleScheduling sends
    a module out where its first test stands in this order."""
    for item in items:
        if not item.path.is_relative_to(UNIT_TIER):
            item.add_marker(pytest.mark.kernel)
    items.sort(key=lambda item: (item.path.name in MANY_SHORT,
                                 item.get_closest_marker("slow") is None))
