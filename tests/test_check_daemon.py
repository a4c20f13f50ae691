"""The `grader check` daemon: checks through it grade exactly as a cold check does; it is
found again by the next check, replaces a stale socket, stops on request and when idle, and
stops a check whose client went away."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from grader.daemon.address import FOLDER_ENV
from grader.daemon.client import IDLE_ENV
from grader.daemon.protocol import send
from tests.conftest import stop_daemons_in
from tests.corpus.harness import ASSIGNMENTS, SOLUTIONS
from tests.helpers import template_with_first_cell

pytestmark = pytest.mark.slow  # whole runs: ordered first (tests/conftest.py)


@pytest.fixture
def daemon_env() -> Iterator[dict[str, str]]:
    folder = Path(tempfile.mkdtemp(prefix="gd-", dir="/tmp"))  # short: socket paths are limited
    yield {**os.environ, FOLDER_ENV: str(folder), IDLE_ENV: "60"}
    stop_daemons_in(folder)
    shutil.rmtree(folder, ignore_errors=True)


def _check(notebook: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader.cli", "check", str(notebook), *extra],
                          env=env, capture_output=True, text=True, timeout=300)


def _sockets(env: dict[str, str]) -> list[Path]:
    return sorted(Path(env[FOLDER_ENV]).rglob("*.sock"))


def test_checks_through_the_daemon_grade_as_a_cold_check_does(
        tmp_path: Path, daemon_env: dict[str, str]) -> None:
    template = tmp_path / "02_training_loop.ipynb"
    shutil.copy(ASSIGNMENTS / template.name, template)
    solution = SOLUTIONS / "01_tensors_and_loss.ipynb"

    first = _check(solution, daemon_env)
    assert first.returncode == 0, first.stdout + first.stderr
    [path] = _sockets(daemon_env)  # the first check started the daemon
    daemon = _daemon_pid(path)
    with socket.socket(socket.AF_UNIX) as stranger:  # a request that is not a check
        stranger.connect(str(path))
        send(stranger, {"args": "rm -rf", "env": None})
        assert stranger.recv(1) == b""  # dropped
    through_daemon = _check(template, daemon_env)
    again = _check(solution, daemon_env)
    assert _daemon_pid(path) == daemon  # the next checks found the same daemon

    cold = _check(template, daemon_env, "--cold")
    assert through_daemon.returncode == cold.returncode == 1
    assert through_daemon.stdout == cold.stdout
    assert "not implemented yet: fill the blank in `train_step`" in through_daemon.stdout
    assert again.stdout == first.stdout == _check(solution, daemon_env, "--cold").stdout


def test_a_stale_socket_is_replaced_and_the_daemon_stops_on_request(
        tmp_path: Path, daemon_env: dict[str, str]) -> None:
    solution = SOLUTIONS / "01_tensors_and_loss.ipynb"
    assert _check(solution, daemon_env).returncode == 0
    [path] = _sockets(daemon_env)
    stop = subprocess.run([sys.executable, "-m", "grader.cli", "daemon", "stop"],
                          env=daemon_env, capture_output=True, text=True, timeout=60)
    assert "stopped 1 check daemon" in stop.stdout
    _wait_until(lambda: not path.exists())

    with socket.socket(socket.AF_UNIX) as dead:  # a daemon killed -9 leaves its socket behind
        dead.bind(str(path))
    done = _check(solution, daemon_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Score: 10 / 10" in done.stdout


def test_the_daemon_exits_when_idle(daemon_env: dict[str, str]) -> None:
    env = {**daemon_env, IDLE_ENV: "1"}
    assert _check(SOLUTIONS / "01_tensors_and_loss.ipynb", env).returncode == 0
    _wait_until(lambda: not _sockets(env))


def _wait_until(condition: Callable[[], object], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_check_whose_client_is_killed_is_stopped_by_the_daemon(
        tmp_path: Path, daemon_env: dict[str, str]) -> None:
    assert _check(SOLUTIONS / "01_tensors_and_loss.ipynb", daemon_env).returncode == 0
    [path] = _sockets(daemon_env)
    daemon = _daemon_pid(path)
    before = _children(daemon)  # its fork server
    endless = tmp_path / "01_tensors_and_loss.ipynb"
    loop = template_with_first_cell(ASSIGNMENTS / endless.name, "while True:\n    pass")
    endless.write_text(loop, encoding="utf-8")
    client = subprocess.Popen([sys.executable, "-m", "grader.cli", "check", str(endless)],
                              env=daemon_env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    _wait_until(lambda: len(_children(daemon)) > len(before))  # the check is running
    client.kill()
    client.wait()
    _wait_until(lambda: _children(daemon) == before)  # and is stopped with its client


def _daemon_pid(path: Path) -> int:
    for proc in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            command = (proc / "cmdline").read_bytes().split(b"\0")
            if b"grader.daemon.service" in command and str(path).encode() in command:
                return int(proc.name)
    raise AssertionError(f"no daemon process serves {path}")


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found |= {int(child) for child in (task / "children").read_text().split()}
    return found
