"""A failure carries its cause in stable words (results.json: the test's extra_data.cause), so
that a class report groups a class's failures by mistake, not by message text."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from grader.errors import Cause
from tests.corpus.cases_02_idioms import CASES as IDIOMS
from tests.corpus.cases_02_training_loop import CASES
from tests.corpus.cases_framework_errors import CASES as FRAMEWORK_ERRORS
from tests.corpus.cases_notebook_size import CASES as NOTEBOOK_SIZE
from tests.corpus.cases_real_causes import CASES as REAL_CAUSES
from tests.corpus.harness import ASSIGNMENTS, SOLUTIONS, grade

NOTEBOOK = "02_training_loop.ipynb"


def _causes(folder: Path, cache: Path, notebook: str = NOTEBOOK) -> dict[str, str]:
    report = folder.parent / f"report-{folder.name}"
    grade(folder, cache, notebooks=(notebook,), report=report)
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


@pytest.mark.slow
def test_causes_are_those_the_evidence_names(tmp_path: Path, reference_cache: Path) -> None:
    """PyTorch's NotImplementedError is a cell's error, not a blank; a learning rate that a
    re-run confirms is the cause of the model's miss; a row count typed in is its own cause."""
    def causes_of(cases: list, name: str) -> dict[str, str]:
        case = next(c for c in cases if c.name == name)
        folder = case.build(SOLUTIONS, tmp_path / name).parent
        return _causes(folder, reference_cache, case.notebook)

    forward = causes_of(FRAMEWORK_ERRORS, "forward_misspelt_is_not_a_blank")
    assert set(forward.values()) == {Cause.CELL_ERROR.value}
    pasted = causes_of(REAL_CAUSES, "pasted_optimizer_line_and_an_extra_epoch")
    assert pasted == {
        "test_trained_model_gives_the_reference_probabilities_on_new_points":
            Cause.OTHER_LEARNING_RATE.value,
        "test_training_records_a_loss_per_epoch_that_ends_below_the_threshold":
            Cause.ONE_EPOCH_TOO_MANY.value,
        "test_trained_model_has_a_low_binary_cross_entropy": Cause.OTHER_LEARNING_RATE.value,
    }
    typed = causes_of(NOTEBOOK_SIZE, "loss_divided_by_the_row_count_typed_in")
    assert typed == {"test_train_step_is_one_step_of_gradient_descent":
                     Cause.ROWS_TYPED_IN.value}
