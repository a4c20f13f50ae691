"""A real Dask cluster on 127.0.0.1 for tests and the benchmark: `dask scheduler` and `dask
worker` processes (one process and one thread each), on ports the system picks, each stopped
on the way out, with the grading daemons the workers started (unless their folder was given:
then its owner stops them, and the clusters that share it share them, as the workers of one
machine share its daemon whichever scheduler they serve)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from grader.daemon.address import read_token
from grader.daemon.protocol import send

START_TIMEOUT = 60.0
# Dask retries a refused connection until this timeout (30 s by default): the scheduler, asked
# for a result that a worker killed a moment ago held, or a worker fetching the reference
# answers from a dead peer, waited that long before the task was made again elsewhere. Every
# peer is on 127.0.0.1: a live one answers in far less, even on a loaded machine.
CONNECT_TIMEOUT = "10s"


def daemon_folder() -> Path:
    """A short path (a unix socket's is at most 107 bytes)."""
    return Path(tempfile.mkdtemp(prefix="gd-"))


@dataclass
class LocalCluster:
    folder: Path
    address: str = ""
    scheduler: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    daemons: Path = field(default_factory=daemon_folder)
    own_daemons: bool = True  # stopped with the cluster

    @property
    def env(self) -> dict[str, str]:
        """The workers' environment: their daemons live in the cluster's daemon folder."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        env.update(GRADER_DAEMON_DIR=str(self.daemons), GRADER_DAEMON_IDLE="300",
                   DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=CONNECT_TIMEOUT)
        return env

    def start_worker(self, nanny: bool = False, preload: Path | None = None) -> None:
        index = len(self.workers)
        log = open(self.folder / f"worker-{index}.log", "wb")  # noqa: SIM115
        command = [_dask(), "worker", self.address, "--nworkers", "1", "--nthreads", "1",
                   "--no-dashboard", "--host", "127.0.0.1", "--name", f"worker-{index}",
                   "--local-directory", str(self.folder / f"worker-{index}"),
                   *([] if nanny else ["--no-nanny"]),
                   *(["--preload", str(preload)] if preload else [])]
        self.workers.append(subprocess.Popen(command, cwd=self.folder, env=self.env,
                                             stdout=log, stderr=subprocess.STDOUT,
                                             start_new_session=True))

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            client.wait_for_workers(count, timeout=START_TIMEOUT)

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for process in [*self.workers, *([self.scheduler] if self.scheduler else [])]:
            if process.poll() is None:
                self.kill(process)
        if self.own_daemons:
            remove_daemons(self.daemons)


@contextlib.contextmanager
def local_cluster(folder: Path, workers: int = 2, nanny: bool = False,
                  preload: Path | None = None, daemons: Path | None = None
                  ) -> Iterator[LocalCluster]:
    """`daemons`: the workers' daemon folder, kept (daemons running) when the cluster stops;
    by default one of its own, stopped with it."""
    folder.mkdir(parents=True, exist_ok=True)
    cluster = LocalCluster(folder, daemons=daemons or daemon_folder(),
                           own_daemons=daemons is None)
    try:
        scheduler_file = folder / "scheduler.json"
        log = open(folder / "scheduler.log", "wb")  # noqa: SIM115
        cluster.scheduler = subprocess.Popen(
            [_dask(), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(scheduler_file)], cwd=folder, env=cluster.env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while not scheduler_file.exists() and time.monotonic() < deadline:
            assert cluster.scheduler.poll() is None, (folder / "scheduler.log").read_text()
            time.sleep(0.1)
        time.sleep(0.2)  # written whole
        cluster.address = json.loads(scheduler_file.read_text())["address"]
        assert cluster.address.startswith("tcp://127.0.0.1:"), cluster.address
        for _ in range(workers):
            cluster.start_worker(nanny, preload)
        cluster.wait_for_workers(workers)
        yield cluster
    finally:
        cluster.stop()


def remove_daemons(folder: Path) -> None:
    stop_daemons(folder)
    shutil.rmtree(folder, ignore_errors=True)


def stop_daemons(folder: Path) -> None:
    """Every grading daemon whose socket is under `folder` (the workers' GRADER_DAEMON_DIR)."""
    for path in folder.glob("*/check-*.sock"):
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        with contextlib.suppress(OSError), conn:
            conn.connect(str(path))
            send(conn, {"token": read_token(path), "stop": True})
            conn.settimeout(10)
            conn.recv(1)


def _dask() -> str:
    return str(Path(sys.executable).with_name("dask"))
