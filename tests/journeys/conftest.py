"""What the journeys share: one wheel of the kit and one environment per kind of machine for
the whole test run (xdist workers too: the first builds, under a lock, the others wait), and
for each test a home of its own on the machine it asks for (its own check daemons too, stopped
when the test ends)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from filelock import FileLock

from tests.journeys import places
from tests.journeys.machines import (
    Machine,
    build_wheel,
    make_environment,
    person_account,
)

KINDS = ("root", "user")  # every journey runs on both; `tmp` only where it says so


def _short(test: str) -> str:
    """A folder name for a test: its words' initials and its parameter (test_a_ta_makes[user]
    is `tatm-user`), unique enough within one run."""
    words, _, parameter = test.removeprefix("test_").partition("[")
    initials = "".join(word[0] for word in words.split("_") if word)
    digest = hashlib.sha256(test.encode()).hexdigest()[:4]
    return re.sub(r"[^\w.-]+", "-", f"{initials[:12]}-{parameter.rstrip(']')}-{digest}")


@pytest.fixture(scope="session")
def kit_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    shared = places.shared(tmp_path_factory)
    with FileLock(str(shared / "journeys-wheel.lock")):
        found = sorted((shared / "journeys-wheel" / "dist").glob("torch_grader-*.whl"))
        return found[0] if found else build_wheel(shared / "journeys-wheel")


def _environment(tmp_path_factory: pytest.TempPathFactory, place: str, wheel: Path) -> Path:
    shared = places.shared(tmp_path_factory)
    folder = places.place(place, shared)
    with FileLock(str(shared / f"journeys-{place}.lock")):
        venv = folder / "venv"
        if not (venv / "bin" / "grader").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            folder.chmod(0o755)
            make_environment(venv, wheel)
        return venv


@pytest.fixture(scope="session")
def kit_environment(tmp_path_factory: pytest.TempPathFactory, kit_wheel: Path) -> Path:
    """The kit from its wheel in a fresh venv without pip, outside /tmp, readable by anyone."""
    return _environment(tmp_path_factory, "env", kit_wheel)


@pytest.fixture
def outside_tmp(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                kit_environment: Path) -> Path:
    """A folder of this test's outside /tmp (where a Python installation breaks the sandbox
    until grader/sandbox/ handles it), beside the environments."""
    folder = kit_environment.parent / _short(request.node.name)
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def tmp_environment(tmp_path_factory: pytest.TempPathFactory, kit_wheel: Path) -> Path:
    """The same, with the whole Python installation under /tmp."""
    return _environment(tmp_path_factory, "tmp", kit_wheel)


def _home(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          account: object, under: str = "home") -> Path:
    """The person's own new folder: a user's under /home, root's outside /tmp (a venv a person
    makes in their folder must not lie under /tmp, see the `tmp` machine)."""
    name = _short(request.node.name)
    parent = places.place(under, places.shared(tmp_path_factory)) / "h"
    parent.mkdir(mode=0o755, parents=True, exist_ok=True)  # anyone may enter; only theirs inside
    home = parent / name
    home.mkdir()
    if account is not None:
        os.chown(home, account.pw_uid, account.pw_gid)  # type: ignore[attr-defined]
    return home


@pytest.fixture(params=KINDS)
def machine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            kit_environment: Path) -> Iterator[Machine]:
    """The person of this test, on a machine of each kind: root, then a user without privilege."""
    account = person_account() if request.param == "user" else None
    home = _home(request, tmp_path_factory, account, "home" if account else "env")
    person = Machine(request.param, kit_environment, home, account)
    yield person
    person.stop_daemons()


@pytest.fixture
def tmp_machine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                tmp_environment: Path) -> Iterator[Machine]:
    person = Machine("tmp", tmp_environment, _home(request, tmp_path_factory, None, "tmp"))
    yield person
    person.stop_daemons()
