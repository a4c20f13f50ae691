"""Grade what a pull request changes, with the trusted grader of its base branch.

1. resolve the base and head commits; list the files the pull request changes;
2. unpack the base commit into a scratch folder: its grader/, solutions/ and pyproject.toml are
   the trusted grader (the pull request is never checked out, its code never imported);
3. copy the changed assignment notebooks, read from the head commit as blobs, into a
   submissions folder, named as the assignments they are;
4. run `python -m pytest` on those assignments' tests in the trusted folder, with the trusted
   folder first on PYTHONPATH, writing results.json;
5. write OUT/summary.md (flag, grade, what was and was not graded) and OUT/autograde.json
   (score and check result, for the workflow's publishing job).

Grading that happened is a success, whatever the score; only a failure of the grading itself
(bad refs, no kit in the base, pytest did not report) raises GraderError.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from grader.ci.changed import NotebookToGrade, NotGraded, changed_files, notebooks_to_grade
from grader.ci.git import FILE_MODES, LINK_MODE, commit_of, file_at, mode_at
from grader.ci.summary import check_result, pr_summary
from grader.ci.trust import graded_tests, known_assignments, trusted_changes, trusted_checkout
from grader.errors import GraderError
from grader.execution.loading import NOTEBOOK_LIMIT
from grader.plugin.own_process import PLUGIN_ARGS
from grader.reports.grade import read_grade
from grader.submissions.submitted import FILE, FOLDER, LINK, SubmittedNotebook, lay_out

OUTPUT_TAIL = 3000  # characters of pytest's output quoted when grading itself fails


@dataclass(frozen=True)
class AutogradeOutcome:
    base: str                            # commit ids
    head: str
    graded: list[NotebookToGrade]
    not_graded: list[NotGraded]
    flagged: list[str]                   # trusted paths the pull request changes (not used)
    results: dict[str, Any] | None       # results.json of the run; None if nothing was graded

    @property
    def score(self) -> tuple[float, float] | None:
        """(earned, possible) on the tests students may see; None if nothing was graded."""
        if self.results is None:
            return None
        grade = read_grade(self.results)
        return grade.earned, grade.possible

    @property
    def summary(self) -> str:
        """Markdown for the job summary and the pull request (also OUT/summary.md)."""
        return pr_summary(self)


def autograde_pr(repo: Path, base: str, head: str, out: Path,
                 cache_dir: Path | None = None, settings: Sequence[str] = ()
                 ) -> AutogradeOutcome:
    """`settings`: --grader-KEY=VALUE arguments given on the command line; the trusted
    course's [tool.grader] decides the rest."""
    repo = repo.resolve()
    base_commit, head_commit = commit_of(repo, base), commit_of(repo, head)
    changes = changed_files(repo, base_commit, head_commit)
    flagged = trusted_changes(change.path for change in changes)
    with tempfile.TemporaryDirectory(prefix="grader-autograde-") as scratch:
        trusted = trusted_checkout(repo, base_commit, Path(scratch) / "trusted")
        selection = notebooks_to_grade(changes, known_assignments(trusted))
        results = None
        if selection.to_grade:
            submissions = Path(scratch) / "submissions"
            submissions.mkdir()
            for notebook in selection.to_grade:
                lay_out(committed_notebook(repo, head_commit, notebook), submissions)
            results = run_trusted_grader(trusted, submissions, selection.to_grade,
                                         out.resolve() / "report", cache_dir, settings)
    outcome = AutogradeOutcome(base_commit, head_commit, selection.to_grade,
                               selection.not_graded, flagged, results)
    _write_outputs(outcome, out)
    return outcome


def committed_notebook(repo: Path, commit: str, notebook: NotebookToGrade
                       ) -> SubmittedNotebook:
    """A changed notebook as data, by its git mode: a file's bytes; a symbolic link is a
    link (its target never looked up, not even in the commit); a submodule, a folder."""
    mode = mode_at(repo, commit, notebook.path)
    if mode in FILE_MODES:
        return SubmittedNotebook(notebook.assignment, FILE,
                                 file_at(repo, commit, notebook.path)[:NOTEBOOK_LIMIT + 1])
    if mode == LINK_MODE:
        return SubmittedNotebook(notebook.assignment, LINK, link=notebook.path)
    return SubmittedNotebook(notebook.assignment, FOLDER)  # a submodule: nothing of it read


def run_trusted_grader(trusted: Path, submissions: Path, notebooks: list[NotebookToGrade],
                       report: Path, cache_dir: Path | None, settings: Sequence[str] = ()
                       ) -> dict[str, Any]:
    """pytest on the trusted tests of these notebooks; returns the results.json it writes."""
    command = [
        sys.executable, "-m", "pytest",
        *(str(path) for n in notebooks for path in graded_tests(trusted, n.assignment)),
        "-q", "--no-header", *PLUGIN_ARGS, "-p", "no:randomly", f"--rootdir={trusted}",
        "--grader-student",  # hidden tests counted, never run here (trust.graded_tests)
        f"--grader-notebooks={submissions}", f"--grader-solutions={trusted / 'solutions'}",
        f"--grader-report={report}",
        *([f"--grader-cache-dir={cache_dir.resolve()}"] if cache_dir else []), *settings,
    ]
    # The trusted folder first on the path: `import grader` is the base's, whatever is installed.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(trusted), env.get("PYTHONPATH")]))
    results_file = report / "results.json"
    results_file.unlink(missing_ok=True)  # never read a previous run's
    done = subprocess.run(command, cwd=trusted, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1) or not results_file.exists():
        output = (done.stdout + done.stderr)[-OUTPUT_TAIL:]
        raise GraderError(f"the grader did not finish (pytest exit code {done.returncode}):\n"
                          f"{output}")
    return json.loads(results_file.read_text(encoding="utf-8"))


def _write_outputs(outcome: AutogradeOutcome, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.md").write_text(outcome.summary, encoding="utf-8")
    score = outcome.score
    facts = {
        "base": outcome.base,
        "head": outcome.head,
        "score": score[0] if score else None,
        "max_score": score[1] if score else None,
        "graded": [asdict(n) for n in outcome.graded],
        "not_graded": [asdict(n) for n in outcome.not_graded],
        "flagged": outcome.flagged,
        "check": asdict(check_result(outcome)),
    }
    (out / "autograde.json").write_text(json.dumps(facts, indent=2), encoding="utf-8")


def append_to_step_summary(summary: str) -> Path | None:
    """Append to GitHub's job summary when running in GitHub Actions."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(summary + "\n")
    return Path(target)
