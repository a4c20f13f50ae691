"""With the kit installed, pytest in an unrelated project is plain pytest.

The same project is run twice in this environment: once as it is (the kit installed), once with
the kit made unimportable (`sys.modules["grader"] = None` before pytest starts: any plugin
entry point or hook of the kit would then fail loudly). Their outputs, durations aside, and
their exit statuses must be equal.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

UNRELATED_TESTS = '''
import pytest


def test_passes():
    assert 1 + 1 == 2


def test_fails():
    assert 1 == 2


def test_errors_in_a_fixture(missing_fixture):
    pass


def test_raises_an_exception():
    raise ValueError("from the project's own code")


@pytest.mark.skip(reason="not today")
def test_skipped():
    pass


@pytest.mark.xfail(reason="known bug")
def test_expected_to_fail():
    assert False
'''

WITHOUT_THE_KIT = ("import sys; sys.modules['grader'] = None; import pytest; "
                   "sys.exit(pytest.main(sys.argv[1:]))")
WITH_THE_KIT = "import sys, pytest; sys.exit(pytest.main(sys.argv[1:]))"


def _run(project: Path, launcher: str, *args: str) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-c", launcher, *args], cwd=project,
                          capture_output=True, text=True, timeout=120)
    return done.returncode, re.sub(r"in \d+\.\d+s", "in Ns", done.stdout + done.stderr)


@pytest.fixture(scope="module")
def unrelated_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("research-code")
    (project / "test_model.py").write_text(textwrap.dedent(UNRELATED_TESTS), encoding="utf-8")
    return project


@pytest.mark.parametrize("args", [(), ("-v",), ("-rA", "--tb=short"), ("-n", "2")],
                         ids=["plain", "verbose", "summary", "xdist"])
def test_pytest_in_an_unrelated_project_prints_exactly_what_it_prints_without_the_kit(
        unrelated_project: Path, args: tuple[str, ...]) -> None:
    with_kit = _run(unrelated_project, WITH_THE_KIT, "-p", "no:cacheprovider", *args)
    without = _run(unrelated_project, WITHOUT_THE_KIT, "-p", "no:cacheprovider", *args)
    if args == ("-n", "2"):  # xdist's workers start in any order: compare the summary line
        with_kit = (with_kit[0], with_kit[1].strip().splitlines()[-1])
        without = (without[0], without[1].strip().splitlines()[-1])
    assert with_kit == without
    assert with_kit[0] == pytest.ExitCode.TESTS_FAILED
    assert "assert 1 == 2" in _run(unrelated_project, WITH_THE_KIT, "-p", "no:cacheprovider")[1]
