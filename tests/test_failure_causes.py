"""A failure carries its cause in stable words (results.json: the test's extra_data.cause), so
that a class report groups a class's failures by mistake, not by message text."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.corpus.cases_02_idioms import CASES as IDIOMS
from tests.corpus.cases_02_training_loop import CASES
from tests.corpus.harness import ASSIGNMENTS, SOLUTIONS, grade

NOTEBOOK = "02_training_loop.ipynb"


def _causes(folder: Path, cache: Path) -> dict[str, str]:
    report = folder.parent / f"report-{folder.name}"
    grade(folder, cache, notebooks=(NOTEBOOK,), report=report)
    results = json.loads((report / "results.json").read_text())
    return {test["name"].partition(": ")[2]: (test.get("extra_data") or {}).get("cause")
            for test in results["tests"] if test["status"] != "passed"}


@pytest.mark.slow
def test_each_mistake_is_reported_with_its_cause(tmp_path: Path, reference_cache: Path) -> None:
    no_reset = next(c for c in CASES if c.name == "forgets_to_reset_gradients_in_train_step")
    extra_epoch = next(c for c in IDIOMS if c.name == "loop_runs_one_epoch_too_many")
    template = tmp_path / "template"
    template.mkdir()
    shutil.copy(ASSIGNMENTS / NOTEBOOK, template / NOTEBOOK)

    causes = _causes(no_reset.build(SOLUTIONS, tmp_path / "no-reset").parent, reference_cache)
    assert causes["test_train_step_resets_gradients_between_calls"] == "gradients accumulate"
    causes = _causes(extra_epoch.build(SOLUTIONS, tmp_path / "extra").parent, reference_cache)
    assert "one epoch too many" in causes.values()
    causes = _causes(template, reference_cache)
    assert set(causes.values()) == {"not implemented yet"}
