"""Warm kernels (forked from a pre-imported fork server) grade exactly like cold ones, and each
notebook still gets a fresh kernel process of its own."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import json
import math
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy
import pandas
import pytest
import torch

from grader.execution.result import CellStatus
from grader.execution.runner import LiveNotebook, run_notebook
from grader.execution.settings import ExecutionSettings
from grader.execution.warm.server import ForkServerHandle, ForkUnavailable
from grader.probing import wire
from grader.probing.probe import ProbeRequest, send
from grader.sandbox.detect import available_layers
from grader.sandbox.policy import NAMESPACES
from tests.corpus.case import Case
from tests.corpus.harness import ROOT, SOLUTIONS, Graded, grade
from tests.helpers import parent_of, write_notebook

PROBE_TIMEOUT = 30
COLD = "--grader-cold-kernels"


def read(live: LiveNotebook, name: str) -> Any:
    reply, _ = send(live, ProbeRequest.value(name), PROBE_TIMEOUT)
    assert reply.status == "ok", f"probe of {name!r}: {reply.status} {reply.note}"
    return reply.value


# --- warm and cold give the same grades, and answers equal but for float rounding ----------

def _first_mistake_per_notebook() -> list[Case]:
    """One corpus case per assignment: the first one that must lose points."""
    cases: dict[str, Case] = {}
    for module in sorted((ROOT / "tests" / "corpus").glob("cases_*.py")):
        for case in importlib.import_module(f"tests.corpus.{module.stem}").CASES:
            if case.fails and case.notebook not in cases:
                cases[case.notebook] = case
    return list(cases.values())


def _grade_everything(mode: str, folders: dict[str, Path], cache: Path) -> dict[str, Graded]:
    extra = (COLD,) if mode == "cold" else ()
    return {name: grade(folder, cache, *extra) for name, folder in folders.items()}


ROUNDING = 1e-5  # float32 rounding carried through a short training


def _answers(folder: Path) -> dict[str, Any]:
    """Each cached reference answer, decoded (tensors as tensors)."""
    return {str(p.relative_to(folder)): wire.decode(json.loads(p.read_text(encoding="utf-8")))
            for p in folder.rglob("*.json")}


def _same_answer(warm: Any, cold: Any) -> bool:
    """Equal, but for the last bit of a floating-point result. Warm and cold kernels are
    different processes (forked from a server, or started afresh: another allocation history,
    so other alignments of the same data), and torch's vectorised and BLAS kernels may take
    another path for other alignments: float32 results then differ in the last place (seen
    once under load: -5.913599 and -5.913600), and a training carries such a difference on.
    Integers, shapes, dtypes, texts and every grade must still be equal exactly."""
    if isinstance(warm, torch.Tensor) and isinstance(cold, torch.Tensor):
        return (warm.dtype, warm.shape) == (cold.dtype, cold.shape) and (
            torch.equal(warm, cold) if not warm.is_floating_point() else
            torch.allclose(warm, cold, rtol=ROUNDING, atol=ROUNDING, equal_nan=True))
    if isinstance(warm, float) and isinstance(cold, float):
        return math.isclose(warm, cold, rel_tol=ROUNDING, abs_tol=ROUNDING) or warm == cold
    if isinstance(warm, dict) and isinstance(cold, dict):
        return warm.keys() == cold.keys() and all(_same_answer(warm[k], cold[k]) for k in warm)
    if isinstance(warm, list | tuple) and isinstance(cold, list | tuple):
        return len(warm) == len(cold) and all(map(_same_answer, warm, cold))
    if dataclasses.is_dataclass(warm) and type(warm) is type(cold):  # a module's snapshot
        return _same_answer(dataclasses.asdict(warm), dataclasses.asdict(cold))
    if isinstance(warm, numpy.ndarray | pandas.DataFrame | pandas.Series):
        return _same_answer(torch.as_tensor(numpy.asarray(warm, dtype=float)),
                            torch.as_tensor(numpy.asarray(cold, dtype=float)))
    return type(warm) is type(cold) and bool(warm == cold)


@pytest.mark.slow
def test_warm_and_cold_kernels_give_identical_grades_and_reference_answers(
        tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    for case in _first_mistake_per_notebook():
        case.build(SOLUTIONS, corpus)
    # Each corpus notebook fails the tests of its one mistake and passes the others, so the
    # verdicts of every test are compared. (The solutions' full marks and the templates'
    # zero are tested in test_course.py: here they would cost twelve more cold kernels.)
    folders = {"corpus": corpus}
    caches = {mode: tmp_path / f"cache-{mode}" for mode in ("warm", "cold")}

    # Side by side: each mode executes the reference solutions itself, into its own cache.
    with ThreadPoolExecutor(2) as pool:
        runs = {mode: pool.submit(_grade_everything, mode, folders, cache)
                for mode, cache in caches.items()}
        warm, cold = runs["warm"].result(), runs["cold"].result()

    for name in folders:
        assert warm[name].verdicts, f"{name}: nothing graded\n{warm[name].stdout}"
        assert warm[name].verdicts == cold[name].verdicts, name
    failed = warm["corpus"].failed  # the mistakes cost points, in both modes alike
    assert failed and len(failed) < len(warm["corpus"].verdicts)
    warm_answers, cold_answers = _answers(caches["warm"]), _answers(caches["cold"])
    assert warm_answers and warm_answers.keys() == cold_answers.keys()
    differ = [name for name in warm_answers
              if not _same_answer(warm_answers[name], cold_answers[name])]
    assert not differ, differ


# --- every notebook gets a fresh kernel process ---------------------------------------------

MESS = """\
import os, sys, builtins, torch
LEFT_BEHIND = 'a global of the first notebook'
builtins.left_behind = True
torch.allclose = lambda *args, **kwargs: True
torch.Tensor.sum = lambda self, *args, **kwargs: torch.tensor(42.0)
sys.modules['numpy'] = None
os.environ['LEFT_BEHIND'] = '1'
torch.manual_seed(12345)
torch.set_default_dtype(torch.float64)
"""

LOOK = """\
import os, sys, builtins, torch
pid, parent = os.getpid(), os.getppid()
dynamo_preloaded = 'torch._dynamo' in sys.modules
clean = {
    'global': 'LEFT_BEHIND' not in globals(),
    'builtins': not hasattr(builtins, 'left_behind'),
    'allclose': torch.allclose(torch.zeros(1), torch.ones(1)) is False,
    'sum': torch.ones(3).sum().item() == 3.0,
    'numpy': sys.modules.get('numpy') is not None,
    'environ': 'LEFT_BEHIND' not in os.environ,
    'dtype': torch.get_default_dtype() == torch.float32,
}
first_draw = torch.rand(1).item()
"""


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """A notebook that messes with its kernel, then two that look around, in one process."""
    folder = tmp_path_factory.mktemp("isolation")
    messy = write_notebook(folder / "messy.ipynb", LOOK, MESS)
    looking = write_notebook(folder / "looking.ipynb", LOOK)
    runs = []
    for path in (messy, looking, looking):
        with run_notebook(path, ExecutionSettings()) as live:
            assert all(c.status is CellStatus.OK for c in live.result.cells), live.result
            run = {name: read(live, name) for name in ("dynamo_preloaded", "clean", "first_draw")}
            run["pid"] = live.kernel_pid  # seen from the grader: in its sandbox a kernel is pid 1
            run["parent"] = parent_of(live.kernel_pid)
            runs.append(run)
    return runs




@pytest.mark.slow
def test_a_notebook_that_monkeypatches_torch_changes_nothing_for_the_next_one(
        three_runs: list[dict[str, Any]]) -> None:
    for run in three_runs[1:]:
        assert run["clean"] == dict.fromkeys(run["clean"], True)
        assert run["first_draw"] == three_runs[0]["first_draw"]  # same seeded start


@pytest.mark.slow
def test_each_notebook_gets_its_own_kernel_process_forked_from_one_warm_server(
        three_runs: list[dict[str, Any]]) -> None:
    assert len({run["pid"] for run in three_runs}) == 3
    assert len({run["parent"] for run in three_runs}) == 1  # the fork server
    assert three_runs[0]["parent"] != os.getpid()


@pytest.mark.slow
def test_cold_kernels_are_children_of_the_grader_and_import_for_themselves(
        tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "lab.ipynb", LOOK)
    with run_notebook(path, ExecutionSettings(warm_kernels=False)) as live:
        assert parent_of(live.kernel_pid) == os.getpid()
        assert read(live, "dynamo_preloaded") is False
        assert read(live, "clean") == dict.fromkeys(read(live, "clean"), True)


FACTS = """\
import os, sys, signal, resource, torch
facts = {
    'argv': [os.path.basename(sys.argv[0]), *sys.argv[1:2], *sys.argv[3:]],
    'path0_is_cwd': sys.path[0] == os.getcwd(),
    'env': sorted(set(os.environ) - {'TORCHINDUCTOR_CACHE_DIR'}),  # set by torch._dynamo
    'threads_env': [os.environ.get(v) for v in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS')],
    'torch_threads': torch.get_num_threads(),
    'parent_pid_env': os.environ['JPY_PARENT_PID'] == str(os.getppid()),
    'sigint': str(signal.getsignal(signal.SIGINT)),
    'memory_cap': resource.getrlimit(resource.RLIMIT_AS),
    'own_session': os.getsid(0) == os.getpid() == os.getpgid(0),
    'pid_one': os.getpid() == 1,
    'stdin': os.read(0, 10),
    'hash': hash('the same hash seed'),
    'flags': str(sys.flags),
}
"""


@pytest.mark.slow
@pytest.mark.parametrize("sandbox", ["auto", "off"])
def test_a_warm_kernel_starts_in_the_same_process_state_as_a_cold_one(
        tmp_path: Path, sandbox: str) -> None:
    path = write_notebook(tmp_path / "lab.ipynb", FACTS)
    facts = {}
    for warm in (True, False):
        settings = ExecutionSettings(warm_kernels=warm, memory_limit_mb=3000, sandbox=sandbox)
        with run_notebook(path, settings) as live:
            facts[warm] = read(live, "facts")
    assert facts[True] == facts[False]
    assert facts[True]["memory_cap"] == (3000 * 2**20, 3000 * 2**20)
    assert facts[True]["path0_is_cwd"]
    if sandbox == "off":
        assert facts[True]["own_session"]
    elif NAMESPACES in available_layers().available:  # the kernel leads a PID namespace
        assert facts[True]["pid_one"]


# --- the fork server's own safety ----------------------------------------------------------

@pytest.mark.slow
def test_the_fork_server_refuses_to_fork_once_a_thread_pool_exists(tmp_path: Path) -> None:
    # With two BLAS threads allowed, numpy's OpenBLAS starts a pool when the server imports it.
    env = {**os.environ, "OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2",
           "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    server = ForkServerHandle(env)
    try:
        with pytest.raises(ForkUnavailable, match="threads; forking it is unsafe"):
            asyncio.run(server.fork(str(tmp_path), env, ["-f", str(tmp_path / "kernel.json")]))
    finally:
        server.close()


GRADING_PROCESS = """\
import sys, time
from pathlib import Path
from grader.execution.runner import run_notebook
from grader.execution.settings import ExecutionSettings
from grader.probing import wire
from grader.probing.probe import ProbeRequest, send
live = run_notebook(Path(sys.argv[1]), ExecutionSettings())
from grader.execution.warm.server import _servers
server = next(iter(_servers.values()))
print([live.kernel_pid, server.process.pid], flush=True)
print(server.address, flush=True)
time.sleep(600)
"""


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"


@pytest.mark.slow
def test_a_grading_process_killed_outright_leaves_no_server_or_kernel_behind(
        tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "lab.ipynb", "import os")
    grading = subprocess.Popen([sys.executable, "-c", textwrap.dedent(GRADING_PROCESS),
                                str(path)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert grading.stdout is not None
        kernel, server = json.loads(grading.stdout.readline())
        address = grading.stdout.readline().strip()
        assert not _gone(kernel) and not _gone(server)
    finally:
        grading.send_signal(signal.SIGKILL)
        grading.wait()
    deadline = time.monotonic() + 30
    while not (_gone(kernel) and _gone(server)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _gone(server), "the fork server outlived its grading process"
    assert _gone(kernel), "a kernel outlived its grading process"
    assert not Path(address).parent.exists(), "the fork server left its socket behind"
