"""Reference answers are cached on disk: a second session answers without running the solution,
and a changed solution (or seed) is executed again."""

from __future__ import annotations

import shutil
from pathlib import Path

import torch

from grader.execution.settings import ExecutionSettings
from grader.grading.session import GradingSession, SessionConfig
from grader.reference.cache import ReferenceCache
from tests.corpus.harness import SOLUTIONS

NOTEBOOK = "01_tensors_and_loss.ipynb"


def _session(solutions: Path, cache: Path, seed: int = 4242) -> GradingSession:
    return GradingSession(SessionConfig(
        submissions=solutions, solutions=solutions, settings=ExecutionSettings(seed=seed),
        cache=ReferenceCache(cache)))


def test_a_second_session_answers_from_the_cache_without_executing(tmp_path: Path) -> None:
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    shutil.copy(SOLUTIONS / NOTEBOOK, solutions / NOTEBOOK)
    cache = tmp_path / "cache"

    first = _session(solutions, cache)
    weight, bias = first.reference(NOTEBOOK).call("init_params", 0).value
    assert first.reference(NOTEBOOK).executed
    first.close()

    second = _session(solutions, cache)
    again = second.reference(NOTEBOOK).call("init_params", 0).value
    assert not second.reference(NOTEBOOK).executed
    assert torch.equal(again[0], weight) and torch.equal(again[1], bias)
    assert again[0].requires_grad
    second.close()

    other_seed = _session(solutions, cache, seed=1)
    other_seed.reference(NOTEBOOK).call("init_params", 0)
    assert other_seed.reference(NOTEBOOK).executed
    other_seed.close()

    (solutions / NOTEBOOK).write_text(
        (solutions / NOTEBOOK).read_text(encoding="utf-8").replace("lr=0.001", "lr=0.002"),
        encoding="utf-8")
    edited = _session(solutions, cache)
    edited.reference(NOTEBOOK).value("loss_after_step")
    assert edited.reference(NOTEBOOK).executed
    edited.close()
