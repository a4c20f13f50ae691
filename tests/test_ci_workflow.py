"""CI autograding of pull requests, run locally on a real git repository: a course repository
made from the kit, and pull requests against it. The trusted-grader rule is the point: the
grader, tests and solutions come from the base branch, never from the pull request."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell

from grader.ci.changed import ChangedFile, changed_files, notebooks_to_grade
from grader.ci.trust import known_assignments, trusted_changes
from grader.cli import main
from grader.reports.markdown import markdown_summary

KIT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "02_training_loop.ipynb"
TEST_MODULE = f"test_{Path(ASSIGNMENT).stem}.py"
# Added to the base branch's copy of the tests: its name in the results shows that the base's
# grader ran (not the installed kit's, nor the pull request's). Worth nothing.
BASE_MARKER = '''

@pytest.mark.points(0)
def test_graded_by_the_base_branch():
    pass
'''


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Course", "-c", "user.email=course@example.org",
         "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        capture_output=True, text=True, check=True)
    return done.stdout


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def start_pull_request(repo: Path, branch: str) -> None:
    git(repo, "checkout", "-q", "-B", branch, "main")


def edited_template() -> str:
    """The untouched template with one markdown cell added: changed, and still all blanks."""
    notebook = nbformat.read(KIT / "assignments" / ASSIGNMENT, as_version=4)
    notebook.cells.append(new_markdown_cell("I will do this later.", id="student-note"))
    return nbformat.writes(notebook)


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course repository made from the kit, on branch main: the grader (tests of one
    assignment only), its solution, pyproject.toml, the student template, a README."""
    repo = tmp_path_factory.mktemp("course")
    shutil.copytree(KIT / "grader", repo / "grader",
                    ignore=shutil.ignore_patterns("__pycache__", "test_*.py"))
    tests = repo / "grader" / "assignments" / TEST_MODULE
    tests.write_text((KIT / "grader" / "assignments" / TEST_MODULE).read_text() + BASE_MARKER)
    for folder in ("solutions", "assignments"):
        (repo / folder).mkdir()
        shutil.copy(KIT / folder / ASSIGNMENT, repo / folder / ASSIGNMENT)
    shutil.copy(KIT / "pyproject.toml", repo / "pyproject.toml")
    (repo / "README.md").write_text("# A course\n")
    git(repo, "init", "-q")
    commit_all(repo, "the course, from the kit")
    return repo


def autograde(repo: Path, head: str, out: Path, cache: Path) -> subprocess.CompletedProcess:
    """`grader autograde-pr` as the workflow runs it, from the base checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["GITHUB_STEP_SUMMARY"] = str(out.parent / "step-summary.md")
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", "autograde-pr", "--base", "main", "--head", head,
         "--out", str(out), "--cache-dir", str(cache)],
        cwd=repo, env=env, capture_output=True, text=True, timeout=300)


def graded_names(out: Path) -> set[str]:
    results = json.loads((out / "report" / "results.json").read_text())
    return {test["name"].partition(": ")[2] for test in results["tests"]}


def test_a_pull_request_changing_a_notebook_is_graded_with_the_bases_grader(
        course: Path, tmp_path: Path, reference_cache: Path) -> None:
    start_pull_request(course, "alice-solves-02")
    shutil.copy(KIT / "solutions" / ASSIGNMENT, course / "assignments" / ASSIGNMENT)
    commit_all(course, "my training loop")

    done = autograde(course, "alice-solves-02", tmp_path / "out", reference_cache)

    assert done.returncode == 0, done.stdout + done.stderr
    facts = json.loads((tmp_path / "out" / "autograde.json").read_text())
    assert facts["graded"] == [{"path": f"assignments/{ASSIGNMENT}", "assignment": ASSIGNMENT}]
    assert facts["flagged"] == []
    assert facts["max_score"] > 0 and facts["score"] == facts["max_score"]
    assert facts["check"] == {"conclusion": "success",
                              "title": f"Score {facts['score']:g} / {facts['max_score']:g}"}
    assert f"Score {facts['score']:g} / {facts['max_score']:g}" in done.stdout
    assert "test_graded_by_the_base_branch" in graded_names(tmp_path / "out")
    assert (tmp_path / "out" / "report" / "summary.md").read_text().startswith("## Grade: ")
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert summary.startswith("## Grade: ") and "Flagged" not in summary
    assert (tmp_path / "step-summary.md").read_text() == summary + "\n"


def test_a_pull_request_that_also_edits_the_grader_gets_the_honest_score_and_is_flagged(
        course: Path, tmp_path: Path, reference_cache: Path) -> None:
    start_pull_request(course, "mallory-edits-the-grader")
    (course / "assignments" / ASSIGNMENT).write_text(edited_template())
    sentinel = tmp_path / "the pull request's code ran"
    # Every check replaced by `pass`, worth 100 points; a conftest that would leave a trace.
    (course / "grader" / "assignments" / TEST_MODULE).write_text(
        "import pytest\n\npytestmark = pytest.mark.assignment('02_training_loop.ipynb')\n\n\n"
        "@pytest.mark.points(100)\ndef test_everything():\n    pass\n")
    (course / "grader" / "conftest.py").write_text(
        f"from pathlib import Path\nPath({str(sentinel)!r}).write_text('ran')\n")
    (course / "tests").mkdir()
    (course / "tests" / "conftest.py").write_text((course / "grader" / "conftest.py").read_text())
    (course / "pyproject.toml").write_text((course / "pyproject.toml").read_text() + "\n# mine\n")
    (course / ".github" / "workflows").mkdir(parents=True)
    (course / ".github" / "workflows" / "autograde.yml").write_text("on: pull_request\n")
    commit_all(course, "my attempt, and a better grader")

    done = autograde(course, "mallory-edits-the-grader", tmp_path / "out", reference_cache)

    assert done.returncode == 0, done.stdout + done.stderr
    facts = json.loads((tmp_path / "out" / "autograde.json").read_text())
    assert facts["flagged"] == [".github/workflows/autograde.yml",
                                "grader/assignments/" + TEST_MODULE, "grader/conftest.py",
                                "pyproject.toml", "tests/conftest.py"]
    assert facts["score"] == 0 and facts["max_score"] > 0  # the blanks are still blanks
    assert facts["check"]["conclusion"] == "neutral"
    assert facts["check"]["title"].endswith("flagged: changes the trusted grader")
    names = graded_names(tmp_path / "out")
    assert "test_graded_by_the_base_branch" in names and "test_everything" not in names
    assert not sentinel.exists()
    assert "FLAGGED" in done.stdout
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert summary.startswith("> ⚠️ **Flagged for review.**")
    assert "`grader/conftest.py`" in summary and "not implemented yet" in summary


def test_changed_notebooks_are_found_with_a_three_dot_diff_and_matched_to_assignments(
        course: Path) -> None:
    start_pull_request(course, "bob-works-in-his-folder")
    for path in ("assignments/" + ASSIGNMENT, "students/bob/02_training_loop (1).ipynb",
                 "students/bob/01_tensors_and_loss.ipynb", "notes/scratch.ipynb",
                 "assignments/.ipynb_checkpoints/02_training_loop-checkpoint.ipynb",
                 "solutions/" + ASSIGNMENT):
        (course / path).parent.mkdir(parents=True, exist_ok=True)
        (course / path).write_text(edited_template())
    (course / "README.md").unlink()
    commit_all(course, "bob's work")
    git(course, "checkout", "-q", "main")  # the base moves on after the branch point
    (course / "notes").mkdir()
    (course / "notes" / "lecture.ipynb").write_text(edited_template())
    commit_all(course, "lecture notes")

    changes = changed_files(course, "main", "bob-works-in-his-folder")
    selection = notebooks_to_grade(changes, known_assignments(course))

    assert ChangedFile("README.md", deleted=True) in changes
    assert "notes/lecture.ipynb" not in {c.path for c in changes}  # only the PR's side
    assert trusted_changes(c.path for c in changes) == ["solutions/" + ASSIGNMENT]
    assert [(n.path, n.assignment) for n in selection.to_grade] == [
        ("assignments/" + ASSIGNMENT, ASSIGNMENT)]
    reasons = {n.path: n.reason for n in selection.not_graded}
    assert reasons == {
        "students/bob/02_training_loop (1).ipynb":
            f"assignments/{ASSIGNMENT} is already graded as {ASSIGNMENT}",
        "students/bob/01_tensors_and_loss.ipynb": f"not one of the graded assignments "
                                                  f"({ASSIGNMENT})",
        "notes/scratch.ipynb": f"not one of the graded assignments ({ASSIGNMENT})",
        "assignments/.ipynb_checkpoints/02_training_loop-checkpoint.ipynb":
            "a Jupyter autosave copy",
        "solutions/" + ASSIGNMENT: "part of the trusted grader, not a submission",
    }


def test_a_student_folder_notebook_is_graded_by_its_number(course: Path) -> None:
    changes = [ChangedFile("students/carol/02_training_loop (1).ipynb")]
    selection = notebooks_to_grade(changes, [ASSIGNMENT, "03_other.ipynb"])
    assert [n.assignment for n in selection.to_grade] == [ASSIGNMENT]


def test_a_pull_request_without_notebooks_has_nothing_to_grade_and_exits_0(
        course: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    start_pull_request(course, "dan-fixes-a-typo")
    (course / "README.md").write_text("# A course, typo fixed\n")
    commit_all(course, "typo")

    code = main(["autograde-pr", "--repo", str(course), "--base", "main",
                 "--head", "dan-fixes-a-typo", "--out", str(tmp_path / "out")])

    assert code == 0
    assert "Nothing to grade" in capsys.readouterr().out
    facts = json.loads((tmp_path / "out" / "autograde.json").read_text())
    assert facts["score"] is None and facts["check"]["conclusion"] == "neutral"


def test_an_unknown_ref_is_a_failure_of_grading_not_a_score(
        course: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["autograde-pr", "--repo", str(course), "--base", "main",
                 "--head", "no-such-branch", "--out", str(tmp_path / "out")])
    assert code == 2
    assert "'no-such-branch' is not a commit" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# The Markdown summary (--grader-report DIR writes it as DIR/summary.md).

def results_with(*tests: dict) -> dict:
    return {"score": sum(t["score"] for t in tests), "execution_time": 3.2, "tests": list(tests)}


def a_test(name: str, score: float, max_score: float, output: str = "",
           visibility: str = "visible") -> dict:
    return {"name": f"02_training_loop: {name}", "score": score, "max_score": max_score,
            "status": "passed" if score == max_score else "failed", "output": output,
            "visibility": visibility}


def test_the_summary_has_the_total_a_table_per_assignment_and_the_messages() -> None:
    summary = markdown_summary(results_with(
        a_test("test_loss_is_computed", 2, 2),
        a_test("test_train_step_resets_gradients", 0, 2,
               "weight.grad doubled: did you call `optimizer.zero_grad()`?\nsecond line"),
        {**a_test("test_predict", 1, 1), "name": "01_tensors_and_loss: test_predict"},
    ))
    assert summary.startswith("## Grade: 3 / 5\n")
    assert "### 01\\_tensors\\_and\\_loss: 1 / 1" in summary
    assert "| loss is computed | 2 / 2 | ✅ |" in summary
    assert "| train step resets gradients | 0 / 2 | ❌ |" in summary
    assert ("- **train step resets gradients** (0 / 2): weight.grad doubled: did you call "
            "`optimizer.zero_grad()`? \\\n  second line") in summary


def test_hidden_tests_show_only_that_they_exist_and_their_points() -> None:
    summary = markdown_summary(results_with(
        a_test("test_visible", 1, 2, "a visible message"),
        a_test("test_secret_edge_case", 0, 3, "the secret input", visibility="hidden"),
        a_test("test_later", 4, 4, "", visibility="after_published"),
    ))
    assert "secret" not in summary and "later" not in summary
    assert summary.startswith("## Grade: 1 / 2 on the visible tests\n")
    assert "2 hidden tests (7 points) also count" in summary
    assert summary.count("| *hidden test* |") == 2 and "| *hidden test* | 3 | 🔒 |" in summary


def test_tracebacks_are_cut_to_the_error_and_markdown_in_messages_is_escaped() -> None:
    traceback = ("def test_x(submission):\n>       assert 1 == 2\nE       assert 1 == 2\n\n"
                 "grader/assignments/test_x.py:3: AssertionError")
    summary = markdown_summary(results_with(
        a_test("test_x", 0, 1, traceback),
        a_test("test_y", 0, 1, "found <img src=x> *and* [a](link) | `a|b`"),
    ))
    assert "- **x** (0 / 1): assert 1 == 2\n" in summary and "test_x.py:3" not in summary
    assert "found \\<img src=x\\> \\*and\\* \\[a\\](link) \\| `a|b`" in summary


# The workflow itself: parsed, and the rule that nothing of the pull request is checked out.

WORKFLOWS = [KIT / ".github" / "workflows" / "autograde.yml",
             KIT / "grader" / "ci" / "templates" / "autograde.yml"]


def test_the_kit_ships_the_same_workflow_it_uses() -> None:
    assert WORKFLOWS[0].read_text() == WORKFLOWS[1].read_text()


def test_the_workflow_grades_from_the_base_branch_with_minimal_permissions() -> None:
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load(WORKFLOWS[0].read_text())
    assert list(workflow[True]) == ["pull_request_target"]  # YAML 1.1 reads `on` as True
    assert workflow["permissions"] == {}
    grade, publish = workflow["jobs"]["grade"], workflow["jobs"]["publish"]
    assert grade["permissions"] == {"contents": "read"}
    assert publish["permissions"] == {"checks": "write", "pull-requests": "write"}
    checkouts = [s for s in grade["steps"] if str(s.get("uses", "")).startswith("actions/checkout")]
    assert [s["with"]["ref"] for s in checkouts] == ["${{ github.event.pull_request.base.sha }}"]
    assert not any("checkout" in str(s.get("uses", "")) for s in publish["steps"])
    run = "\n".join(s.get("run", "") for s in grade["steps"])
    assert 'grader autograde-pr --base "$BASE_SHA" --head "$HEAD_SHA"' in run
