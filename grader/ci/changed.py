"""What a pull request changes (`git diff base...head`) and which notebooks to grade."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader.ci.git import git
from grader.ci.trust import is_trusted
from grader.course.matching import match_notebooks


@dataclass(frozen=True)
class ChangedFile:
    path: str
    deleted: bool = False


@dataclass(frozen=True)
class NotebookToGrade:
    path: str        # where the pull request puts it
    assignment: str  # the file name it is graded as, e.g. 02_training_loop.ipynb


@dataclass(frozen=True)
class NotGraded:
    path: str
    reason: str


@dataclass(frozen=True)
class Selection:
    to_grade: list[NotebookToGrade]
    not_graded: list[NotGraded]


def changed_files(repo: Path, base: str, head: str) -> list[ChangedFile]:
    """Files changed on the pull request's side since it left the base (three-dot diff)."""
    out = git(repo, "diff", "--name-status", "--no-renames", "-z", f"{base}...{head}")
    fields = out.decode("utf-8", errors="surrogateescape").split("\0")
    return [ChangedFile(path, deleted=status.startswith("D"))
            for status, path in zip(fields[0:-1:2], fields[1::2], strict=False) if path]


def notebooks_to_grade(changes: Iterable[ChangedFile], assignments: list[str]) -> Selection:
    """The changed notebooks that are assignments, at most one per assignment, by the rule
    every command uses (grader/course/matching.py: the name, a copy's name such as
    `02_training_loop (1).ipynb`, or the number)."""
    not_graded: list[NotGraded] = []
    candidates: list[str] = []
    for change in changes:
        path = change.path
        if change.deleted or not path.endswith(".ipynb"):
            continue
        if ".ipynb_checkpoints" in PurePosixPath(path).parts:
            not_graded.append(NotGraded(path, "a Jupyter autosave copy"))
        elif is_trusted(path):
            not_graded.append(NotGraded(path, "part of the trusted grader, not a submission"))
        else:
            candidates.append(path)
    matching = match_notebooks(candidates, assignments)
    to_grade = [NotebookToGrade(path, assignment)
                for assignment, path in sorted(matching.chosen.items())]
    for assignment, others in matching.passed_over.items():
        not_graded += [NotGraded(path, f"{matching.chosen[assignment]} is already graded as "
                                       f"{assignment}") for path in others]
    not_graded += [NotGraded(path, f"not one of the graded assignments "
                                   f"({', '.join(assignments)})") for path in matching.unmatched]
    return Selection(to_grade, not_graded)
