"""Every mistake loses exactly the points meant for it, with a message naming its cause;
every valid alternative keeps full marks. Each case is one pytest run through the check daemon
(forked from a process that imported everything once); test_warm_kernels grades cases with
fresh processes and cold kernels too, with the same verdicts."""

from __future__ import annotations

import importlib
import re
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
        earned = graded.verdicts[test].score
        assert earned == pytest.approx(case.scores.get(test, 0.0), abs=0.02), (
            f"{test} earned {earned}: {message}")
    if case.scores:  # partial credit: the score table shows the same fractional total
        earned, possible = graded.score
        total = rf"^total\s+{re.escape(f'{round(earned, 2):g}')} / {possible:g}\s*$"
        assert re.search(total, graded.stdout, re.MULTILINE), graded.stdout[-2000:]
    for phrase in case.never_said:
        for test, verdict in graded.verdicts.items():
            assert phrase.lower() not in verdict.output.lower(), (
                f"{test} names a cause that is not there ({phrase!r}): {verdict.output}")
    assert "Traceback" not in graded.stdout
