"""The grading-protocol attacks of test_attacks_protocol.py where students hand in on a service:
Gradescope (the autograder zip run as Gradescope runs it) and a pull request (`grader
autograde-pr`, its notebook read from git as data). Links are never followed, replayed kit
answers earn nothing, a hidden test's scenario reaches no message (Gradescope publishes hidden
tests' messages; a pull request does not run them, and says so), mentions stay text, and an
honest submission graded before and after the attackers gets the same result."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from tests.attacks.kit_fixture import student_kit
from tests.attacks.outside import unsafe_text
from tests.attacks.replay import write_replayer
from tests.attacks.repository import course_repository
from tests.attacks.sibling import LEAKED, write_sibling_pair
from tests.corpus.harness import ASSIGNMENTS, SOLUTIONS
from tests.test_attacks_in_kernel import require_every_layer
from tests.test_attacks_protocol import SCENARIO_LINES
from tests.test_ci_workflow import autograde, commit_all, git, start_pull_request
from tests.test_gradescope import autograder, run_autograder  # noqa: F401 (a fixture)
from tests.unit.test_neutral_text import _live_markdown

NOTEBOOK = "02_training_loop.ipynb"


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return student_kit(tmp_path_factory)  # one build per process (tests/attacks/kit_fixture.py)


MENTIONS = """
def train_step(X, y, W, b, lr):
    raise RuntimeError("ping @octocat and @org/team, see #1 and GH-2 at https://evil.example")
"""


@pytest.mark.slow
def test_gradescope_follows_no_link_and_gives_replays_and_leaks_nothing(
        autograder: Path, kit: Path, tmp_path: Path) -> None:  # noqa: F811
    require_every_layer()
    honest = {NOTEBOOK: (SOLUTIONS / NOTEBOOK).read_bytes()}
    before = run_autograder(autograder, honest)
    solutions = autograder / "source" / "course" / "solutions"
    linked = run_autograder(autograder, {"work/answers": solutions,  # a linked folder
                                         "work/02_training_loop (1).ipynb": solutions / NOTEBOOK,
                                         NOTEBOOK: (ASSIGNMENTS / NOTEBOOK).read_bytes()})
    replayed = run_autograder(autograder, {NOTEBOOK: (write_replayer(
        kit, tmp_path / "replayer", [NOTEBOOK]) / NOTEBOOK).read_bytes()})
    leaked = run_autograder(autograder, {NOTEBOOK: (write_sibling_pair(
        tmp_path / "leaker", reader=None) / NOTEBOOK).read_bytes()})
    after = run_autograder(autograder, honest)

    assert linked["score"] == 0
    for link in ("work/answers", "work/02_training_loop (1).ipynb"):
        assert f"`{link}` is a link: not graded" in linked["output"]
    assert all("not implemented yet" in t["output"] for t in linked["tests"])  # the file's
    assert replayed["score"] == 0
    hidden = [t for t in leaked["tests"] if t["visibility"] == "after_published"]
    assert hidden and all(t["status"] == "failed" for t in hidden)
    published = json.dumps(leaked)
    assert not [line for line in SCENARIO_LINES if line in published]
    assert LEAKED[:30] not in published
    assert [(t["name"], t["score"], t["output"]) for t in after["tests"]] == \
        [(t["name"], t["score"], t["output"]) for t in before["tests"]]
    assert after["score"] == before["score"] > 0


def _graded(repo: Path, branch: str, out: Path, cache: Path) -> tuple[dict, str]:
    done = autograde(repo, branch, out, cache)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    results = json.loads((out / "report" / "results.json").read_text())
    return results, (out / "summary.md").read_text()


@pytest.mark.slow
def test_a_pull_request_follows_no_link_replays_nothing_and_mentions_nobody(
        tmp_path: Path, kit: Path, reference_cache: Path) -> None:
    require_every_layer()
    repo = course_repository(tmp_path / "course")
    branches = {
        "honest-before": lambda: shutil.copy(SOLUTIONS / NOTEBOOK, repo / "assignments"),
        "linked": lambda: ((repo / "assignments" / NOTEBOOK).unlink(),
                           (repo / "assignments" / NOTEBOOK).symlink_to(
                               Path("..") / "solutions" / NOTEBOOK)),
        "replayer": lambda: write_replayer(kit, repo / "assignments", [NOTEBOOK]),
        "leaker": lambda: write_sibling_pair(repo / "assignments", reader=None),
        "mentions": lambda: _with_cell(repo / "assignments" / NOTEBOOK, MENTIONS),
        "honest-after": lambda: shutil.copy(SOLUTIONS / NOTEBOOK, repo / "assignments"),
    }
    graded = {}
    for branch, change in branches.items():
        git(repo, "checkout", "-q", "main")
        start_pull_request(repo, branch)
        change()
        commit_all(repo, branch)
        graded[branch] = _graded(repo, branch, tmp_path / branch, reference_cache)
    git(repo, "checkout", "-q", "main")

    results, summary = graded["linked"]
    assert results["score"] == 0
    assert all(f"`{NOTEBOOK}` is a link: not graded" in t["output"] for t in results["tests"])
    assert graded["replayer"][0]["score"] == 0
    results, summary = graded["leaker"]
    assert "1 hidden test worth 2 points was not run here" in summary
    assert not [t for t in results["tests"] if t["visibility"] != "visible"]
    assert not [line for line in SCENARIO_LINES if line in summary + json.dumps(results)]
    results, summary = graded["mentions"]
    assert "octocat" in summary and _live_markdown(summary) == []
    assert unsafe_text(summary, markdown=True) == []
    before, after = graded["honest-before"][0], graded["honest-after"][0]
    assert [(t["name"], t["score"]) for t in after["tests"]] == \
        [(t["name"], t["score"]) for t in before["tests"]]
    assert before["score"] == sum(t["max_score"] for t in before["tests"])
    assert re.search(r"## Grade: (\d+) / \1\b", graded["honest-after"][1])


def _with_cell(path: Path, source: str) -> None:
    notebook = nbformat.read(ASSIGNMENTS / NOTEBOOK, as_version=4)
    notebook.cells.append(new_code_cell(source, id="attack"))
    nbformat.write(notebook, path)
