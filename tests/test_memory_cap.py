"""The memory limit with a GPU build of torch: a CUDA build reserves ~18 GB of address space
when it initialises (0.8 GB of it resident), which no address-space cap (RLIMIT_AS) can hold.
With such a build the cap is on resident memory only: the cgroup's, or where there is none, the
supervisor's watchdog. Reproduced here with the same reservation on a CPU build."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.execution import kernel_spec
from grader.execution.result import CellResult, CellStatus
from grader.execution.runner import run_notebook
from grader.execution.settings import ExecutionSettings
from grader.sandbox import detect
from tests.helpers import write_notebook
from tests.test_attacks_in_kernel import require_every_layer

RESERVE = ("import mmap\n"  # what CUDA's initialisation does to a process's address space
           "NORESERVE = getattr(mmap, 'MAP_NORESERVE', 0x4000)  # Python 3.12 has the name\n"
           "reserved = mmap.mmap(-1, 18 * 2**30, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS"
           " | NORESERVE, prot=0)")  # prot=0: PROT_NONE
HOG = "block = bytearray(3 * 2**30)"  # 3 GB, every page written
LIMIT_MB = 2000


def _cells(tmp_path: Path, settings: ExecutionSettings) -> list[CellResult]:
    path = write_notebook(tmp_path / "gpu.ipynb", RESERVE, "after = 1", HOG, "last = 2")
    with run_notebook(path, settings) as live:
        return live.result.cells


def _statuses(tmp_path: Path, settings: ExecutionSettings) -> list[CellStatus]:
    return [cell.status for cell in _cells(tmp_path, settings)]


@pytest.mark.slow
def test_an_address_space_cap_cannot_hold_a_cuda_sized_reservation(tmp_path: Path) -> None:
    cells = _cells(tmp_path, ExecutionSettings(memory_limit_mb=LIMIT_MB, address_space_cap=True))
    assert cells[0].status is CellStatus.ERROR  # what a CPU build's cap would do to the GPU
    assert "Cannot allocate memory" in (cells[0].error_message or ""), cells[0]


@pytest.mark.slow
def test_with_a_gpu_build_the_cgroup_caps_resident_memory_not_address_space(
        tmp_path: Path) -> None:
    require_every_layer()
    settings = ExecutionSettings(memory_limit_mb=LIMIT_MB, address_space_cap=False)
    assert "cgroup" in kernel_spec.sandbox_policy(settings).layers
    statuses = _statuses(tmp_path, settings)
    assert statuses == [CellStatus.OK, CellStatus.OK, CellStatus.KERNEL_DIED, CellStatus.NOT_RUN]


@pytest.mark.slow
def test_without_a_cgroup_the_supervisor_caps_the_trees_resident_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_every_layer()
    monkeypatch.setenv(detect.ONLY_ENV, "landlock,namespaces,own-uid")
    monkeypatch.setattr(detect, "_cache", None)
    kernel_spec.sandbox_policy.cache_clear()
    settings = ExecutionSettings(memory_limit_mb=LIMIT_MB, address_space_cap=False)
    try:
        policy = kernel_spec.sandbox_policy(settings)
        assert "cgroup" not in policy.layers and "namespaces" in policy.layers
        statuses = _statuses(tmp_path, settings)
    finally:
        kernel_spec.sandbox_policy.cache_clear()
    assert statuses == [CellStatus.OK, CellStatus.OK, CellStatus.KERNEL_DIED, CellStatus.NOT_RUN]
