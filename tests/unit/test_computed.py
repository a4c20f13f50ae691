"""The grader's own computations are kept by the digest of their inputs: computed once across
students and processes, read back number for number, recomputed when the inputs or the file
change, and never written into a student kit's shipped answers."""

from __future__ import annotations

import json
from pathlib import Path

import torch

from grader.checks.gradient_descent import Descent, run_all
from grader.reference import computed


def _descent(lr: float = 0.1) -> Descent:
    generator = torch.Generator().manual_seed(3)
    X, y = torch.randn(8, 2, generator=generator), torch.randn(8, 1, generator=generator)
    return Descent(X, y, torch.zeros(2, 1), torch.zeros(1), lr, 50)


def test_a_training_is_computed_once_and_read_back_number_for_number(tmp_path: Path) -> None:
    computed.use_folder(tmp_path)
    computed._memo.clear()
    first = _descent().result
    files = list((tmp_path / computed.FOLDER).rglob(f"*{computed.SUFFIX}"))
    assert len(files) == 1
    computed._memo.clear()  # as another grading process would
    again = _descent().result
    assert torch.equal(again.parameters, first.parameters) and again.losses == first.losses
    assert again.parameters.dtype == torch.float64
    fresh = run_all([_descent()])[0]
    assert torch.equal(fresh.parameters, again.parameters) and fresh.losses == again.losses
    assert (fresh.firsts, fresh.counts) == (again.firsts, again.counts)
    other = _descent(lr=0.2).result  # other inputs, another result
    assert not torch.equal(other.parameters, first.parameters)
    assert len(list((tmp_path / computed.FOLDER).rglob(f"*{computed.SUFFIX}"))) == 2
    computed.use_folder(None)


def test_a_damaged_file_is_computed_again_and_no_folder_keeps_it_in_the_process(
        tmp_path: Path) -> None:
    computed.use_folder(tmp_path)
    computed._memo.clear()
    calls = []

    def compute() -> list[float]:
        calls.append(1)
        return [1.0, 2.0]

    assert computed.remembered("k", b"x", compute, list, list) == [1.0, 2.0]
    path = next((tmp_path / computed.FOLDER).rglob(f"*{computed.SUFFIX}"))
    path.write_text("{ damaged", encoding="utf-8")
    computed._memo.clear()
    assert computed.remembered("k", b"x", compute, list, list) == [1.0, 2.0]
    assert len(calls) == 2 and json.loads(path.read_text(encoding="utf-8")) == [1.0, 2.0]
    computed.use_folder(None)
    computed._memo.clear()
    assert computed.remembered("k", b"y", compute, list, list) == [1.0, 2.0]
    assert computed.remembered("k", b"y", compute, list, list) == [1.0, 2.0]
    assert len(calls) == 3
