"""The execution engine records every bad input and every misbehaving cell; it never raises.

Notebooks are built in code (tests/helpers.py) and run in real kernels that nbclient starts.
Kernel starts are the slow part, so independent checks share one notebook, run once per
module by a fixture; the fixture's tests share an xdist group so they stay on one worker.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from grader.execution.result import CellStatus
from grader.execution.runner import LiveNotebook, run_notebook
from grader.execution.settings import ExecutionSettings
from grader.probing.probe import ProbeRequest, send
from tests.helpers import write_notebook

# Short, to keep the suite fast, yet long enough for the grader's setup cell, which imports
# torch (about 2 s on a busy 2-core machine) under the same per-cell limit.
CELL_TIMEOUT = 5
PROBE_TIMEOUT = 30
INFINITE_LOOP = "import time\nwhile True:\n    time.sleep(0.01)"
STUBBORN_LOOP = (
    "import time\n"
    "while True:\n"
    "    try:\n"
    "        time.sleep(0.01)\n"
    "    except KeyboardInterrupt:\n"
    "        pass  # a student's loop that refuses to be interrupted"
)


def read(live: LiveNotebook, name: str) -> Any:
    """The value of `name` in the kernel, read through a real probe."""
    reply, _ = send(live, ProbeRequest.value(name), PROBE_TIMEOUT)
    assert reply.status == "ok", f"probe of {name!r}: {reply.status} {reply.note}"
    return reply.value


def statuses(live: LiveNotebook) -> list[CellStatus]:
    return [cell.status for cell in live.result.cells]


# --- files that cannot be run at all: recorded as the notebook's problem, no kernel --------

def _missing(path: Path) -> None:
    pass


def _not_json(path: Path) -> None:
    path.write_text('{"cells": [ this was cut off half-way', encoding="utf-8")


def _not_a_notebook(path: Path) -> None:
    # JSON, but its one code cell lacks the keys every notebook cell has.
    body = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": "code", "source": "x = 1"}]}
    path.write_text(json.dumps(body), encoding="utf-8")


def _empty(path: Path) -> None:
    path.write_text("", encoding="utf-8")


def _only_markdown(path: Path) -> None:
    write_notebook(path, markdown_first="# Lab 1\nAll prose, no code yet.")


def _not_text(path: Path) -> None:
    path.write_bytes(b"\xff\xfe\x00\x81 not utf-8")


def _a_folder(path: Path) -> None:
    path.mkdir()


def _too_large(path: Path) -> None:
    with open(path, "wb") as handle:  # sparse: 60 MB on paper, nothing on disk
        handle.truncate(60 * 2**20)


def _a_link_out(path: Path) -> None:
    target = path.parent.parent / "solution.ipynb"
    write_notebook(target, "x = 1")
    path.parent.mkdir(exist_ok=True)
    path.symlink_to(target)


@pytest.mark.parametrize(("make", "sentence"), [
    (_missing, "lab.ipynb was not found in"),
    (_not_json, "lab.ipynb is not valid JSON (line 1, column"),
    (_not_a_notebook, "lab.ipynb is JSON but not a valid Jupyter notebook"),
    (_empty, "lab.ipynb is an empty file, not a notebook"),
    (_only_markdown, "lab.ipynb has no code cells: there is nothing to run"),
    (_not_text, "lab.ipynb could not be read as text"),
    (_a_folder, "lab.ipynb is a folder, not a notebook file"),
    (_too_large, "lab.ipynb is 60 MB, more than the grader reads (50 MB): clear its outputs"),
    (_a_link_out, "lab.ipynb is a link to a file outside your submission"),
], ids=["missing", "not-json", "not-a-notebook", "empty", "no-code-cells", "not-text",
        "folder", "too-large", "link-out"])
def test_a_file_that_cannot_be_run_is_recorded_as_the_notebooks_problem_not_raised(
        tmp_path: Path, make: Any, sentence: str) -> None:
    path = tmp_path / "student" / "lab.ipynb"
    path.parent.mkdir()
    make(path)

    with run_notebook(path, ExecutionSettings(), within=path.parent) as live:
        assert live.result.problem is not None
        assert sentence in live.result.problem
        assert live.result.cells == []
        assert not live.alive  # no kernel was started for it
        assert not live.result.ran_cleanly
        reply, _ = send(live, ProbeRequest.value("x"), PROBE_TIMEOUT)
        assert reply.status == "not_run"
        assert reply.note == live.result.problem


# --- one notebook, many independent misbehaviours ------------------------------------------

OUTPUT_LIMIT_KB = 64
PRINT_LOOP = "for i in range(50_000):\n    print('spam, spam, spam and eggs', i)"  # ~1.5 MB


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveNotebook]:
    path = write_notebook(
        tmp_path_factory.mktemp("shared") / "lab.ipynb",
        "1 / 0",
        "import sys\nsys.exit()",
        "after_errors = 'still running'",
        INFINITE_LOOP,
        "after_loop = 42",
        PRINT_LOOP,
        "after_print = 'done'",
        markdown_first="# Part 1: warming up",
    )
    settings = ExecutionSettings(cell_timeout=CELL_TIMEOUT, output_limit_kb=OUTPUT_LIMIT_KB)
    with run_notebook(path, settings) as live:
        yield live


@pytest.mark.slow
def test_a_broken_cell_is_recorded_and_later_cells_still_run(shared: LiveNotebook) -> None:
    first = shared.result.cells[0]

    assert first.status is CellStatus.ERROR
    assert first.error_name == "ZeroDivisionError"
    assert first.error_message == "division by zero"
    assert "stopped with ZeroDivisionError: division by zero" in first.describe_failure()
    assert shared.result.cells[2].status is CellStatus.OK
    assert read(shared, "after_errors") == "still running"


@pytest.mark.slow
def test_sys_exit_is_an_error_of_its_cell_and_the_kernel_carries_on(
        shared: LiveNotebook) -> None:
    exiting = shared.result.cells[1]

    assert exiting.status is CellStatus.ERROR
    assert exiting.error_name == "SystemExit"
    assert shared.alive
    assert shared.result.problem is None


@pytest.mark.slow
def test_an_interruptible_endless_loop_times_out_and_later_cells_still_run(
        shared: LiveNotebook) -> None:
    loop = shared.result.cells[3]

    assert loop.status is CellStatus.TIMEOUT
    assert loop.note == f"it was still running after {CELL_TIMEOUT} s and was interrupted"
    assert CELL_TIMEOUT - 0.5 <= loop.seconds < CELL_TIMEOUT + 10
    assert shared.result.cells[4].status is CellStatus.OK
    assert read(shared, "after_loop") == 42


@pytest.mark.slow
def test_a_huge_print_loop_finishes_with_its_output_cut_and_a_note(
        shared: LiveNotebook) -> None:
    printing = shared.result.cells[5]

    assert printing.status is CellStatus.OK
    assert printing.note == "output was cut: it printed more than the grader keeps"
    assert shared.result.cells[6].status is CellStatus.OK
    assert read(shared, "after_print") == "done"


@pytest.mark.slow
def test_the_output_kept_from_a_huge_print_loop_stays_under_the_limit(
        shared: LiveNotebook) -> None:
    run = shared.run_code(PRINT_LOOP, timeout=PROBE_TIMEOUT)

    kept = sum(len(output.get("text", "")) for output in run.outputs)
    assert run.status is CellStatus.OK
    assert run.note == "output was cut: it printed more than the grader keeps"
    assert kept <= OUTPUT_LIMIT_KB * 1024  # of ~1.5 MB printed


@pytest.mark.slow
def test_cells_are_numbered_as_students_count_them_and_know_their_section(
        shared: LiveNotebook) -> None:
    cells = shared.result.cells

    assert [cell.number for cell in cells] == [2, 3, 4, 5, 6, 7, 8]  # cell 1 is markdown
    assert {cell.section for cell in cells} == {"Part 1: warming up"}
    assert statuses(shared) == [CellStatus.ERROR, CellStatus.ERROR, CellStatus.OK,
                                CellStatus.TIMEOUT, CellStatus.OK, CellStatus.OK, CellStatus.OK]


# --- a loop that swallows KeyboardInterrupt: the kernel must be stopped --------------------

def _process_is_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"  # zombie


@pytest.mark.slow
def test_a_loop_that_swallows_keyboard_interrupt_gets_its_kernel_stopped_and_later_cells_not_run(
        tmp_path: Path) -> None:
    # One test, not a shared fixture: this notebook costs ~25 s (time-out, interrupt grace,
    # nbclient's waits for output), too much to risk running it on two workers.
    path = write_notebook(tmp_path / "lab.ipynb", "import os", STUBBORN_LOOP, "after = 2",
                          "after_too = 3")

    with run_notebook(path, ExecutionSettings(cell_timeout=CELL_TIMEOUT)) as live:
        problem = "an earlier cell timed out and the kernel did not stop when interrupted"
        assert statuses(live) == [CellStatus.OK, CellStatus.TIMEOUT,
                                  CellStatus.NOT_RUN, CellStatus.NOT_RUN]
        assert live.result.problem == problem
        assert not live.alive
        assert live.kernel_pid is not None and _process_is_gone(live.kernel_pid)
        for cell in live.result.cells[2:]:
            assert cell.note == problem
            assert "did not stop when interrupted" in cell.describe_failure()
        reply, payload = send(live, ProbeRequest.value("after"), PROBE_TIMEOUT)
        assert (reply.status, reply.note, payload) == ("not_run", problem, "")


# --- cells that kill or starve the kernel ---------------------------------------------------

@pytest.mark.slow
def test_os_exit_kills_the_kernel_and_later_cells_are_not_run(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "lab.ipynb", "before = 1", "import os\nos._exit(1)",
                          "after = 2", "after_too = 3")

    with run_notebook(path, ExecutionSettings(cell_timeout=CELL_TIMEOUT)) as live:
        died = live.result.cells[1]
        assert statuses(live) == [CellStatus.OK, CellStatus.KERNEL_DIED,
                                  CellStatus.NOT_RUN, CellStatus.NOT_RUN]
        assert died.note is not None
        assert "kernel process died" in died.note
        assert all(cell.note == died.note for cell in live.result.cells[2:])
        assert live.result.problem == died.note
        assert send(live, ProbeRequest.value("before"), PROBE_TIMEOUT)[0].status == "not_run"


@pytest.mark.slow
def test_allocating_more_memory_than_allowed_is_an_error_of_that_cell_only(
        tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "lab.ipynb",
        "b = [bytearray(10**8) for _ in range(100)]",  # 10 GB in 100 MB pieces
        "import torch\nt = torch.ones(10**11)",  # 400 GB at once
        "survivor = 3",
    )

    with run_notebook(path, ExecutionSettings(memory_limit_mb=1500)) as live:
        python_alloc, torch_alloc, _ = live.result.cells
        assert python_alloc.status is CellStatus.ERROR
        assert python_alloc.error_name == "MemoryError"
        assert python_alloc.seconds < 10  # refused at the cap, not after swapping
        assert torch_alloc.status is CellStatus.ERROR
        assert torch_alloc.error_name == "RuntimeError"
        assert "can't allocate memory" in (torch_alloc.error_message or "")
        assert live.result.cells[2].status is CellStatus.OK
        assert read(live, "survivor") == 3
        assert live.result.problem is None


@pytest.mark.slow
def test_the_notebook_budget_cuts_the_running_cell_and_marks_later_cells_not_run(
        tmp_path: Path) -> None:
    budget = 8  # seconds, setup cell included
    path = write_notebook(tmp_path / "lab.ipynb", "before = 1",
                          "import time\ntime.sleep(60)", "after = 2", "after_too = 3")
    settings = ExecutionSettings(cell_timeout=60, notebook_budget=budget)

    started = time.monotonic()
    with run_notebook(path, settings) as live:
        elapsed = time.monotonic() - started
        assert statuses(live) == [CellStatus.OK, CellStatus.TIMEOUT,
                                  CellStatus.NOT_RUN, CellStatus.NOT_RUN]
        assert live.result.cells[1].seconds < budget  # not the 60 s per-cell limit
        for cell in live.result.cells[2:]:
            assert cell.note == f"the notebook used up its time budget of {budget} s"
        assert elapsed < budget + 10
        assert read(live, "before") == 1  # the kernel itself is fine: probes still work


# --- what every kernel starts with: a seed and a scratch directory -------------------------

SEED_CELL = """\
import os
import random
import numpy as np
import torch
x = torch.rand(3)
r = random.random()
n = float(np.random.rand())
here = os.getcwd()
files_here = sorted(os.listdir())
"""


@dataclass(frozen=True)
class SeededRun:
    notebook: Path
    x: torch.Tensor
    r: float
    n: float
    here: str
    files_here: list[str]
    here_exists_after_close: bool


def _run_seeded(folder: Path, seed: int) -> SeededRun:
    path = write_notebook(folder / "lab.ipynb", SEED_CELL)
    with run_notebook(path, ExecutionSettings(seed=seed)) as live:
        assert statuses(live) == [CellStatus.OK]
        values = {name: read(live, name) for name in ("x", "r", "n", "here", "files_here")}
    return SeededRun(notebook=path, **values,
                     here_exists_after_close=Path(values["here"]).exists())


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SeededRun]:
    runs = {"seven": 7, "seven again": 7, "eight": 8}
    return {name: _run_seeded(tmp_path_factory.mktemp("seeded"), seed)
            for name, seed in runs.items()}


@pytest.mark.slow
def test_two_runs_with_the_same_seed_draw_the_same_random_numbers(
        seeded: dict[str, SeededRun]) -> None:
    first, second = seeded["seven"], seeded["seven again"]

    assert torch.equal(first.x, second.x)
    assert (first.r, first.n) == (second.r, second.n)


@pytest.mark.slow
def test_a_different_seed_draws_different_random_numbers(
        seeded: dict[str, SeededRun]) -> None:
    seven, eight = seeded["seven"], seeded["eight"]

    assert not torch.equal(seven.x, eight.x)
    assert seven.r != eight.r
    assert seven.n != eight.n


@pytest.mark.slow
def test_the_setup_cell_seeds_torch_numpy_and_random_with_the_settings_seed(
        seeded: dict[str, SeededRun]) -> None:
    run = seeded["seven"]

    assert torch.equal(run.x, torch.rand(3, generator=torch.Generator().manual_seed(7)))
    assert run.r == random.Random(7).random()
    assert run.n == np.random.RandomState(7).rand()


@pytest.mark.slow
def test_each_kernel_works_in_its_own_empty_scratch_directory_removed_afterwards(
        seeded: dict[str, SeededRun]) -> None:
    runs = list(seeded.values())

    for run in runs:
        assert Path(run.here) != Path.cwd()
        assert Path(run.here) != run.notebook.parent
        assert run.files_here == []
        assert not run.here_exists_after_close
    assert len({run.here for run in runs}) == len(runs)


@pytest.mark.slow
def test_exit_is_an_error_of_its_cell_and_later_cells_are_not_run(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "exit.ipynb", "x = 1", "exit()", "v = 1")
    with run_notebook(path, ExecutionSettings(cell_timeout=CELL_TIMEOUT)) as live:
        assert statuses(live) == [CellStatus.OK, CellStatus.ERROR, CellStatus.NOT_RUN]
        assert "exit()" in (live.result.cells[1].error_message or "")
        assert "exit()" in (live.result.problem or "")
