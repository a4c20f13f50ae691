"""Attacking notebooks: the blank template of an assignment with the attack cell added at the
end (so its `train_step` is the one the grader calls), and the targets it aims at."""

from __future__ import annotations

import os
import site
import socket
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

from tests.attacks.payload import attack_source
from tests.corpus.harness import ASSIGNMENTS, GRADER_TESTS, ROOT, SOLUTIONS

NOTEBOOK = "02_training_loop.ipynb"


def targets(cache: Path, out: Path, classmate: Path, grader_pid: int, ports: tuple[int, int],
            outside: Path, **more: str) -> dict[str, object]:
    """Everything an attacker would aim at, by its exact path."""
    return {
        "solution": str(SOLUTIONS / NOTEBOOK),
        "hidden_tests": str(GRADER_TESTS / "test_02_training_loop_hidden.py"),
        "test_module": str(GRADER_TESTS / "test_02_training_loop.py"),
        "conftest": str(GRADER_TESTS / "conftest.py"),
        "root_conftest": str(ROOT / "conftest.py"),
        "pth": os.path.join(site.getsitepackages()[0], "zz_grader_attack.pth"),
        "late_module": str(ROOT / "grader" / "reports" / "markdown.py"),
        "cache": str(cache),
        "gradebook": str(out / "gradebook.csv"),
        "grade_json": str(out / "students" / "a_before" / "grade.json"),
        "autograde_json": str(out / "autograde.json"),
        "step_summary": more.get("step_summary", str(out / "step-summary.md")),
        "classmate": str(classmate),
        "grader_pid": grader_pid,
        "tcp_port": ports[0],
        "udp_port": ports[1],
        "outside_file": str(outside),
        "tmp": tempfile.gettempdir(),
    }


def write_attacker(folder: Path, aims: dict[str, object]) -> Path:
    notebook = nbformat.read(ASSIGNMENTS / NOTEBOOK, as_version=4)
    cell = new_code_cell(attack_source(aims))
    cell.id = "attack"
    notebook.cells.append(cell)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / NOTEBOOK
    nbformat.write(notebook, path)
    return path


@dataclass
class Listeners:
    """A TCP and a UDP socket on 127.0.0.1 that an attack tries to reach."""

    tcp: socket.socket
    udp: socket.socket
    received: list[bytes] = field(default_factory=list)

    @property
    def ports(self) -> tuple[int, int]:
        return self.tcp.getsockname()[1], self.udp.getsockname()[1]

    def anything_arrived(self) -> bool:
        for sock in (self.tcp, self.udp):
            sock.setblocking(False)
        try:
            self.tcp.accept()[0].close()
            return True
        except BlockingIOError:
            pass
        try:
            self.udp.recv(100)
            return True
        except BlockingIOError:
            return False


@contextmanager
def listeners():
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for sock in (tcp, udp):
        sock.bind(("127.0.0.1", 0))
    tcp.listen(8)
    try:
        yield Listeners(tcp, udp)
    finally:
        tcp.close()
        udp.close()
