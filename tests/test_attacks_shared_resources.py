"""Attacks on what students share (tests/attacks/resources.py), in each mode where they apply:
a kernel (plain `pytest grader` runs notebooks this way), `grader grade` with honest
classmates graded before, beside and after the attackers, and `grader check`.

- The CPU: hundreds of busy processes, each in a session of its own, leave a classmate's
  kernel a fair share (a student's kernels share one cpu group), and honest classmates' cells,
  doing seconds of work under a tight time limit, still finish: same grades as without them.
- Memory held by one of a student's kernels is gone before their next kernel starts: a
  student's kernels never hold memory together (and share one cap, should they).
- Output over many cells: what a notebook leaves in the grader's memory is capped in total.
- The host's disk: nothing a kernel writes lands outside its capped scratch (its channel
  folder, on the host, takes sockets only, and only until the kernel's own are bound).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from grader.execution.result import CellStatus
from grader.execution.runner import run_notebook
from grader.execution.settings import ExecutionSettings
from grader.probing.probe import ProbeRequest, send
from grader.sandbox.environment import REFERENCE_ROLE
from tests.attacks.outside import grading_env
from tests.attacks.references import with_references_of
from tests.attacks.resources import (
    BEACON,
    ESCAPE,
    ESCAPE_MARK,
    EXHAUST,
    HOG,
    METER,
    SPINNERS,
    WORK,
    EscapeWatch,
    flood_cells,
    hold,
    solution,
    template,
    until_beacon_came_and_went,
    write,
)
from tests.helpers import write_notebook
from tests.test_attacks_in_kernel import require_every_layer

ONE, TWO = "01_tensors_and_loss.ipynb", "02_training_loop.ipynb"

HOG_PROCESS = """\
import sys
from pathlib import Path
from grader.execution.runner import run_notebook
from grader.execution.settings import ExecutionSettings
from grader.probing.probe import ProbeRequest, send
with run_notebook(Path(sys.argv[1]), ExecutionSettings(warm_kernels=False)) as live:
    reply, _ = send(live, ProbeRequest.value("spinners"), 240)
    print(reply.value if reply.status == "ok" else f"{reply.status}: {reply.note}", flush=True)
    sys.stdin.read()  # the spinners run until the test closes this
"""


@contextmanager
def hog_in_another_grading_process(folder: Path) -> Iterator[int]:
    """Another student's grading (another process: another student's groups) whose kernel
    keeps SPINNERS busy processes running; yields how many it started."""
    notebook = write_notebook(folder / "hog.ipynb", HOG)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    process = subprocess.Popen([sys.executable, "-c", HOG_PROCESS, str(notebook)], env=env,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        said = process.stdout.readline().strip()
        assert said.isdigit(), f"the hog's kernel did not say how many spinners run: {said!r}"
        yield int(said)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=120)


def _share(live: object, name: str) -> float:
    live.run_code(f"{name} = cpu_share()", timeout=60)  # type: ignore[attr-defined]
    reply, _ = send(live, ProbeRequest.value(name), 30)  # type: ignore[arg-type]
    assert reply.status == "ok", reply
    return float(reply.value)


@pytest.mark.slow
def test_hundreds_of_setsid_spinners_leave_a_classmates_kernel_a_fair_share_of_the_cpu(
        tmp_path: Path) -> None:
    """Attacked: the scheduler's autogroups, a full share per session: 200 spinners took
    200/201 of the CPU from a classmate. Must hold: the classmate's kernel keeps at least a
    quarter of the share it had just before (measured side by side, so that the machine's
    other load weighs on both); without the cpu-share layer it keeps about 1 %."""
    require_every_layer()
    honest = write_notebook(tmp_path / "honest.ipynb", METER)
    with run_notebook(honest, ExecutionSettings()) as live:
        before = _share(live, "before")
        with hog_in_another_grading_process(tmp_path) as spinners:
            during = _share(live, "during")
        after = _share(live, "after")
    assert spinners >= SPINNERS // 2, spinners
    assert during >= 0.25 * min(before, after), (before, during, after)


@pytest.mark.slow
def test_memory_held_by_one_kernel_counts_against_the_students_next_one_not_a_reference(
        tmp_path: Path) -> None:
    """Attacked: a cap per kernel while every kernel of a student stays alive (each of six
    kernels could hold the whole cap). Must hold: a student's kernels together get the cap
    once; a kernel that alone fits dies when the student's others hold the rest; a reference
    solution's kernel, run in the same grading process, is not the student's."""
    require_every_layer()
    settings = ExecutionSettings(memory_limit_mb=1500, address_space_cap=False,
                                 cell_timeout=60)
    holder = write_notebook(tmp_path / "holder.ipynb", hold(700), "ok = 1")
    grower = write_notebook(tmp_path / "grower.ipynb", hold(1000), "ok = 2")
    with run_notebook(grower, settings) as alone:
        grown_alone = [cell.status for cell in alone.result.cells]
    with run_notebook(holder, settings) as held:
        with run_notebook(grower, settings, role=REFERENCE_ROLE) as reference:
            as_reference = [cell.status for cell in reference.result.cells]
        with run_notebook(grower, settings) as student:
            together = [cell.status for cell in student.result.cells]
        holder_alive = send(held, ProbeRequest.value("ok"), 30)[0].status == "ok"
    assert grown_alone == [CellStatus.OK, CellStatus.OK]  # alone, it fits
    assert as_reference == [CellStatus.OK, CellStatus.OK]  # not the student's memory
    # Together they pass the student's cap: the out-of-memory killer takes the larger one.
    assert together == [CellStatus.KERNEL_DIED, CellStatus.NOT_RUN], together
    assert holder_alive


@pytest.mark.slow
def test_output_over_many_cells_is_capped_for_the_whole_notebook(tmp_path: Path) -> None:
    """Attacked: the grader's memory, through cells that each print just under the per-cell
    cap (nbclient keeps every cell's output). Must hold: what the grader keeps of a notebook
    stays under its total cap, every cell's error message too; the cells past it say their
    output was cut, and so does the notebook's result; the notebook's last cell still runs."""
    require_every_layer()
    settings = ExecutionSettings(notebook_output_limit_mb=4, cell_timeout=60)
    errors = ["raise ValueError('e' * 2**22)"] * 3  # kept per cell too: their messages
    path = write_notebook(tmp_path / "flood.ipynb", *flood_cells(12, 900), *errors, "last = 1")
    with run_notebook(path, settings) as live:
        cells = live.result.cells
        notes = live.result.notes
        kept = sum(len(json.dumps(output)) for cell in live._client.nb.cells  # type: ignore
                   for output in cell.get("outputs", []))
        reply, _ = send(live, ProbeRequest.value("last"), 30)
    assert kept <= 4 * 2**20 + 2**20, kept
    cut = [cell for cell in cells if "a whole notebook" in (cell.note or "")]
    assert 6 <= len(cut) <= 9, [cell.note for cell in cells]
    assert notes and "4 MB" in notes[0] and cut[0].label in notes[0], notes
    raised = [cell for cell in cells if cell.error_name == "ValueError"]
    assert len(raised) == 3 and all(len(c.error_message or "") < 17_000 for c in raised)
    assert reply.status == "ok" and reply.value == 1


@pytest.mark.slow
@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_nothing_a_kernel_writes_lands_outside_its_scratch(tmp_path: Path, warm: bool) -> None:
    """Attacked: the host's disk, through the kernel's channel folder (on the host's /tmp,
    where the grader reaches the kernel's sockets: it once took 256 MB files), /tmp, /dev/shm
    and the working directory. Must hold: the channel folder holds the kernel's own sockets
    and connection file only (no file, no extra socket), and nothing with the attack's mark
    appears on the host."""
    require_every_layer()
    path = write_notebook(tmp_path / "escape.ipynb", ESCAPE)
    with EscapeWatch() as watch, run_notebook(path, ExecutionSettings(warm_kernels=warm)) as live:
        reply, _ = send(live, ProbeRequest.value("escape_results"), 30)
        folders = live._folders
        assert folders is not None
        channels = sorted(os.listdir(folders.channels))
        start_log = os.path.getsize(folders.start_log)
    assert reply.status == "ok", reply
    assert start_log < 64 * 1024, start_log  # its stderr reaches no file once it started
    results: dict[str, str] = reply.value
    in_channels = {k: v for k, v in results.items() if "grader-channels" in k}
    assert in_channels and all(v.startswith("blocked") for v in in_channels.values()), results
    assert not [name for name in channels if ESCAPE_MARK in name], channels
    assert set(channels) <= {"connection.json", *(f"kernel-{n}" for n in range(1, 6))}, channels
    assert watch.found == set()


def _student(root: Path, name: str, notebooks: dict[str, object]) -> None:
    for filename, notebook in notebooks.items():
        write(root / name, filename, notebook)  # type: ignore[arg-type]


def _classmates(root: Path) -> None:
    """Honest students graded before, beside and after the attackers; each notebook also does
    seconds of CPU-bound work, under the run's tight time limit per cell. The one beside shows
    the hog when its kernels live (BEACON, before its work)."""
    _student(root, "a_before", {ONE: solution(ONE, WORK), TWO: solution(TWO, WORK)})
    _student(root, "c_beside", {ONE: template(ONE, BEACON, WORK),
                                TWO: solution(TWO, BEACON, WORK)})
    _student(root, "e_after", {ONE: solution(ONE, WORK), TWO: template(TWO, WORK)})


def _attackers(root: Path) -> None:
    # Spinners, then a wait: the hog is graded beside c_beside and the d_ students (-j 2, by
    # name), its spinners alive in each of its notebook's two kernels (visible tests, then
    # hidden ones) until a kernel of c_beside was graded beside them from start to end (its
    # CPU-bound work included), or 30 s (as long as the others took before).
    _student(root, "b_hog", {ONE: solution(ONE),
                             TWO: template(TWO, HOG, until_beacon_came_and_went(30))})
    # Holds 1.5 GB in one notebook, allocates 2 GB in the next: each fits the cap (3.5 GB),
    # together they do not.
    _student(root, "d_memory", {ONE: solution(ONE, hold(1500)), TWO: solution(TWO, hold(2000))})
    _student(root, "d_flood", {ONE: solution(ONE), TWO: solution(TWO, *flood_cells(48, 900))})
    _student(root, "d_escape", {ONE: solution(ONE), TWO: solution(TWO, ESCAPE)})


def _batch(submissions: Path, out: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(submissions), "--out", str(out),
         "-j", "2", "--budget", "400", "--timeout", "40", "--memory-limit", "3500",
         "--assignment", Path(ONE).stem, "--assignment", Path(TWO).stem],
        env=env, capture_output=True, text=True, timeout=1200)


@pytest.mark.slow
def test_a_batch_with_resource_attackers_gives_honest_classmates_their_own_grades(
        tmp_path: Path) -> None:
    """Attacked: what students of one batch share. Must hold: honest classmates graded before,
    beside and after the attackers get exactly the grades of a class without them (their
    CPU-bound cells finish within 40 s though 200 spinners run beside them), every attacker
    is graded (no error of the kit stops the class), the one holding memory in a first
    notebook loses nothing in the next, and nothing reaches the host's disk."""
    require_every_layer()
    env = grading_env(tmp_path / "step-summary.md")
    attacked = tmp_path / "attacked"
    _classmates(attacked)
    _attackers(attacked)
    control = tmp_path / "control"
    _classmates(control)
    honest = _batch(control, tmp_path / "control-out", env)  # first: its reference check is
    out = with_references_of(tmp_path / "control-out", tmp_path / "out")  # the attacked run's
    with EscapeWatch() as watch:
        done = _batch(attacked, out, env)

    assert done.returncode == 0 and honest.returncode == 0, done.stderr[-3000:]
    assert watch.found == set()
    book = pd.read_csv(tmp_path / "out" / "gradebook.csv").set_index("student")
    expected = pd.read_csv(tmp_path / "control-out" / "gradebook.csv").set_index("student")
    columns = [c for c in expected.columns if c != "seconds"]
    pd.testing.assert_frame_equal(book.loc[expected.index, columns], expected[columns])
    assert expected.loc["a_before", "total"] > 0 and book["reason"].isna().all(), book
    assert book["sandbox"].str.contains("cpu-share").all()
    memory = book.loc["d_memory"]
    # A student's kernels never hold memory together: each notebook's kernel, every process
    # of it, is gone before the next one starts (grader/grading/session.py).
    assert memory[Path(ONE).stem] == expected.loc["a_before", Path(ONE).stem]  # full marks
    assert memory[Path(TWO).stem] == expected.loc["a_before", Path(TWO).stem]


@pytest.mark.slow
def test_grader_check_of_a_flood_and_an_escape_is_graded_and_reaches_nothing(
        tmp_path: Path) -> None:
    """`grader check` through its daemon: a notebook that floods output over many cells and
    writes everywhere it can is graded (its own points) and leaves nothing on the host; the
    daemon then checks an honest notebook as before."""
    require_every_layer()
    env = grading_env(tmp_path / "step-summary.md")
    attacker = write(tmp_path / "attacker", TWO, solution(TWO, ESCAPE, *flood_cells(48, 900)))
    with EscapeWatch() as watch:
        checked = subprocess.run([sys.executable, "-m", "grader.cli", "check", str(attacker)],
                                 env=env, capture_output=True, text=True, timeout=600)
    honest = tmp_path / "honest"
    shutil.copytree(attacker.parent, honest)
    write(honest, TWO, solution(TWO))
    again = subprocess.run([sys.executable, "-m", "grader.cli", "check", str(honest / TWO)],
                           env=env, capture_output=True, text=True, timeout=600)
    assert "Score:" in checked.stdout, checked.stdout + checked.stderr
    assert watch.found == set()
    assert again.returncode == 0, again.stdout + again.stderr


@pytest.mark.slow
def test_a_notebook_that_holds_every_process_it_may_leaves_the_next_kernel_its_start(
        tmp_path: Path) -> None:
    """Attacked: the student's next kernel, through a first notebook that holds every process
    the student's sandbox allows (it was an error of the kit, which stopped the whole class).
    Must hold: that kernel, every process of it, is gone before the next notebook's starts, so
    the next notebook is graded as usual, and so is the class. (A kernel that cannot start
    for other reasons, load say, is tried again and its student recorded not graded:
    tests/unit/test_kernel_start.py.)"""
    require_every_layer()
    submissions = tmp_path / "submissions"
    _student(submissions, "a_honest", {ONE: solution(ONE), TWO: solution(TWO)})
    _student(submissions, "b_exhaust", {ONE: solution(ONE, EXHAUST), TWO: solution(TWO)})
    env = grading_env(tmp_path / "step-summary.md")
    first = _batch(submissions, tmp_path / "out", env)

    assert first.returncode == 0, first.stdout + first.stderr
    book = pd.read_csv(tmp_path / "out" / "gradebook.csv").set_index("student")
    assert book["reason"].isna().all(), book
    assert book.loc["b_exhaust", Path(TWO).stem] == book.loc["a_honest", Path(TWO).stem]
