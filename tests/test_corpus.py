"""Every mistake loses exactly the points meant for it, with a message naming its cause;
every valid alternative keeps full marks. Each case is one pytest run through the check daemon
(forked from a process that imported everything once); test_warm_kernels grades cases with
fresh processes and cold kernels too, with the same verdicts."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from tests.corpus.case import Case
from tests.corpus.harness import SOLUTIONS, grade

CORPUS = Path(__file__).parent / "corpus"


def _cases() -> list[Case]:
    cases: list[Case] = []
    for module in sorted(CORPUS.glob("cases_*.py")):
        cases += importlib.import_module(f"tests.corpus.{module.stem}").CASES
    return cases


@pytest.mark.parametrize("case", _cases(), ids=lambda case: f"{case.notebook[:3]}{case.name}")
def test_corpus_case_loses_exactly_the_points_meant_for_it(case: Case, tmp_path: Path,
                                                           reference_cache: Path) -> None:
    folder = case.build(SOLUTIONS, tmp_path / "submission").parent
    graded = grade(folder, reference_cache, notebooks=(case.notebook,), via_daemon=True)
    assert graded.verdicts, f"no test ran:\n{graded.stdout}"
    assert graded.failed == set(case.fails), (
        f"{case.name} ({case.why}): expected to fail {sorted(case.fails)}, failed "
        f"{sorted(graded.failed)}:\n"
        + "\n".join(f"- {n}: {v.output}" for n, v in graded.verdicts.items() if v.output)
    )
    for test, phrase in case.fails.items():
        message = graded.verdicts[test].output
        assert phrase.lower() in message.lower(), f"{test}: {phrase!r} not in {message!r}"
    assert "Traceback" not in graded.stdout
