"""A broken, slow, crashing or malicious notebook is graded with a message saying what
happened; the session finishes and the other notebooks are graded as usual."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_notebook

from tests.corpus.case import Case, Edit
from tests.corpus.harness import COURSE, SOLUTIONS, Graded, grade

BAD = "01_tensors_and_loss.ipynb"
GOOD = "02_training_loop.ipynb"
DATA_TEST = "test_training_data_are_float32_columns_in_the_given_order"
LIMITS = ("--grader-timeout=5", "--grader-memory-limit=2000")


def _prepend_to_data_cell(code: str) -> Case:
    return Case("bad", BAD, (Edit("training-data", "### BEGIN SOLUTION\n",
                                  f"{code}\n### BEGIN SOLUTION\n"),))


# name -> (how to write the bad notebook, tests that must fail (None: all), phrase)
BROKEN_FILES = {
    "missing": (None, "was not found"),
    "not_json": ('{"cells": [ this is not json', "is not valid JSON"),
    "not_a_notebook": ('{"cells": 3, "metadata": {}}', "not a valid Jupyter notebook"),
    "empty_file": ("", "empty file"),
    "no_code_cells": (nbformat.writes(new_notebook()), "no code cells"),
}

MISBEHAVING_CELLS = {
    "endless_loop": ("while True:\n    pass", {DATA_TEST}, "still running after 5 s"),
    "loop_that_ignores_interrupts": (
        "import time\nwhile True:\n    try:\n        time.sleep(1)\n"
        "    except KeyboardInterrupt:\n        pass",
        None, "did not stop when interrupted"),
    "sys_exit": ("import sys\nsys.exit()", {DATA_TEST}, "sys.exit()"),
    "os_exit": ("import os\nos._exit(1)", None, "kernel process died"),
    "print_flood": ("for i in range(10**9):\n    print(i)", {DATA_TEST}, "still running"),
    # One allocation far beyond the cap fails at once: a loop of smaller ones reaches the cap
    # in 1.6 to 3 s on a loaded machine, too close to the 5 s cell limit to be deterministic.
    "memory_hog": ("hog = bytearray(10**12)", {DATA_TEST}, "MemoryError"),
}


def _folder_with_good_second_notebook(tmp_path: Path) -> Path:
    folder = tmp_path / "submission"
    folder.mkdir()
    shutil.copy(SOLUTIONS / GOOD, folder / GOOD)
    return folder


def _assert_graded(graded: Graded, must_fail: set[str] | None, phrase: str) -> None:
    """`must_fail` (all of the bad notebook's tests if None) failed, naming the cause; the good
    notebook's tests all passed; the run ended as a normal run with failures."""
    bad_tests = _tests_of(BAD, graded)
    expected = bad_tests if must_fail is None else must_fail
    for name in expected:
        verdict = graded.verdicts[name]
        assert verdict.status == "failed" and phrase in verdict.output, (name, verdict.output)
    others = {n: v for n, v in graded.verdicts.items() if n not in bad_tests}
    assert others and all(v.status == "passed" for v in others.values()), others
    assert graded.exit_code == 1
    assert "Traceback" not in graded.stdout and "INTERNALERROR" not in graded.stdout


def _tests_of(notebook: str, graded: Graded) -> set[str]:
    module = "".join(p.read_text(encoding="utf-8") for p in COURSE.tests_for(notebook))
    return {name for name in graded.verdicts if f"def {name}(" in module}


@pytest.mark.parametrize("kind", sorted(BROKEN_FILES))
def test_a_broken_notebook_file_fails_its_tests_with_the_reason(
        kind: str, tmp_path: Path, reference_cache: Path) -> None:
    text, phrase = BROKEN_FILES[kind]
    folder = _folder_with_good_second_notebook(tmp_path)
    if text is not None:
        (folder / BAD).write_text(text, encoding="utf-8")
    graded = grade(folder, reference_cache, *LIMITS, notebooks=(BAD, GOOD), via_daemon=True)
    _assert_graded(graded, None, phrase)


@pytest.mark.parametrize("kind", sorted(MISBEHAVING_CELLS))
def test_a_misbehaving_cell_costs_only_the_tests_that_need_it(
        kind: str, tmp_path: Path, reference_cache: Path) -> None:
    code, must_fail, phrase = MISBEHAVING_CELLS[kind]
    folder = _folder_with_good_second_notebook(tmp_path)
    _prepend_to_data_cell(code).build(SOLUTIONS, folder)
    graded = grade(folder, reference_cache, *LIMITS, notebooks=(BAD, GOOD), via_daemon=True)
    _assert_graded(graded, must_fail, phrase)
