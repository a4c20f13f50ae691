"""The sandbox's caps hold for the whole process tree of a kernel, not one process: memory
(three children that each fit the per-process cap but not together), processes (a fork bomb),
disk (the scratch folder); and everything the notebook started is gone when it ends. The
grader's own time for probes is capped per notebook."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from grader.execution.runner import run_notebook
from grader.execution.settings import ExecutionSettings
from grader.probing.probe import ProbeRequest, send
from tests.attacks.processes import wait_until_gone
from tests.corpus.harness import ASSIGNMENTS, grade
from tests.helpers import write_notebook
from tests.test_attacks_in_kernel import require_every_layer

CHILDREN = """\
import os, time
def children(count, megabytes):
    pids = []
    for _ in range(count):
        pid = os.fork()
        if pid == 0:
            try:
                block = bytearray(megabytes * 2**20)
                for i in range(0, len(block), 4096):  # touch every page: resident memory
                    block[i] = 1
                time.sleep(2)
                os._exit(0)
            except MemoryError:
                os._exit(3)
        pids.append(pid)
    return sorted(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids)
"""
# Per process (RLIMIT_AS: torch alone takes 1.3 GB of address space, so a child has room for
# about 1 GB more) and for the tree (the cgroup: what its processes allocate).
MEMORY_MB = 2400
CHILD_MB = 850  # two fit the tree's cap together, three do not


def _value(path: Path, settings: ExecutionSettings, name: str, code: str = "") -> object:
    with run_notebook(path, settings) as live:
        if code:
            live.run_code(code, timeout=120)
        reply, _ = send(live, ProbeRequest.value(name), 60)
    assert reply.status == "ok", reply
    return reply.value


@pytest.mark.slow
def test_children_that_each_fit_the_memory_cap_are_killed_when_together_they_do_not(
        tmp_path: Path) -> None:
    require_every_layer()
    path = write_notebook(tmp_path / "lab.ipynb", CHILDREN)
    settings = ExecutionSettings(memory_limit_mb=MEMORY_MB)
    two = _value(path, settings, "two", f"two = children(2, {CHILD_MB})")
    three = _value(path, settings, "three", f"three = children(3, {CHILD_MB})")
    assert two == [0, 0]  # each child alone fits: the cap is not per process
    assert -9 in three, three  # together they pass it: the tree's cap (cgroup) kills one


@pytest.mark.slow
def test_a_fork_bomb_is_capped_and_its_processes_die_with_the_notebook(tmp_path: Path) -> None:
    require_every_layer()
    bomb = (
        "import os\n"
        "forked = 0\n"
        "for _ in range(5000):\n"
        "    try:\n"
        "        if os.fork() == 0:\n"
        "            os.setsid()\n"
        "            os.execv('/bin/sleep', ['sleep', '31.4159'])\n"
        "        forked += 1\n"
        "    except OSError:\n"
        "        break\n")
    path = write_notebook(tmp_path / "bomb.ipynb", bomb)
    settings = ExecutionSettings(process_limit=128)
    forked = _value(path, settings, "forked")
    assert 0 < forked < 128  # type: ignore[operator]
    assert wait_until_gone("31.4159") == []


@pytest.mark.slow
def test_the_scratch_folder_and_tmp_share_the_disk_cap(tmp_path: Path) -> None:
    require_every_layer()
    fill = (  # 2 GB in files of 8 MB, each below the cap on one file's size
        "import os\n"
        "def fill(folder):\n"
        "    written = 0\n"
        "    try:\n"
        "        for n in range(256):\n"
        "            with open(os.path.join(folder, f'part{n}.bin'), 'wb') as handle:\n"
        "                handle.write(b'x' * 8 * 2**20)\n"
        "            written += 8\n"
        "    except OSError as exc:\n"
        "        return written, exc.strerror\n"
        "    return written, None\n"
        "here = fill('.')\n"
        "tmp = fill('/tmp')\n")
    path = write_notebook(tmp_path / "fill.ipynb", fill)
    settings = ExecutionSettings(disk_limit_mb=64)
    here, tmp = (_value(path, settings, name) for name in ("here", "tmp"))
    assert here[0] <= 64 and "space" in here[1].lower()  # type: ignore[index]
    assert tmp[0] == 0 and "space" in tmp[1].lower()  # type: ignore[index]  # one cap for both


SLEEPY = """\
import time
def train_step(X, y, W, b, lr):
    time.sleep(1000)
def accumulated_grad(calls):
    time.sleep(1000)
"""


@pytest.mark.slow
def test_functions_that_never_return_cost_at_most_the_probe_budget_in_plain_pytest(
        tmp_path: Path, reference_cache: Path) -> None:
    notebook = "02_training_loop.ipynb"
    sleepy = nbformat.read(ASSIGNMENTS / notebook, as_version=4)
    sleepy.cells.append(new_code_cell(SLEEPY))  # after the blanks: these are the functions
    folder = tmp_path / "sleepy"
    folder.mkdir()
    nbformat.write(sleepy, folder / notebook)
    graded = grade(folder, reference_cache, "--grader-timeout=3", "--grader-probe-budget=7",
                   notebooks=(notebook,))
    messages = [v.output for v in graded.verdicts.values()]
    ran_out = [m for m in messages if "did not finish within 3 s" in m]
    refused = [m for m in messages if "used up their time budget of 7 s" in m]
    assert 1 <= len(ran_out) <= 3, messages  # 7 s of budget: at most three 3 s waits
    assert refused, messages
