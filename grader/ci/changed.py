"""What a pull request changes (`git diff base...head`) and which notebooks to grade."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from grader.ci.git import git
from grader.ci.trust import is_trusted

_NUMBER = re.compile(r"^(\d+)_")


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
    """The changed notebooks that are assignments (by name, or by number prefix:
    `02_training_loop (1).ipynb` is 02_training_loop.ipynb), at most one per assignment."""
    to_grade: dict[str, NotebookToGrade] = {}
    not_graded: list[NotGraded] = []
    notebooks = [c.path for c in changes if not c.deleted and c.path.endswith(".ipynb")]
    # Exact names first, so assignments/02_training_loop.ipynb wins over a copy.
    for path in sorted(notebooks, key=lambda p: (PurePosixPath(p).name not in assignments, p)):
        name = PurePosixPath(path).name
        if ".ipynb_checkpoints" in PurePosixPath(path).parts:
            not_graded.append(NotGraded(path, "a Jupyter autosave copy"))
        elif is_trusted(path):
            not_graded.append(NotGraded(path, "part of the trusted grader, not a submission"))
        elif (assignment := match_assignment(name, assignments)) is None:
            not_graded.append(NotGraded(
                path, f"not one of the graded assignments ({', '.join(assignments)})"))
        elif assignment in to_grade:
            not_graded.append(NotGraded(
                path, f"{to_grade[assignment].path} is already graded as {assignment}"))
        else:
            to_grade[assignment] = NotebookToGrade(path, assignment)
    return Selection(sorted(to_grade.values(), key=lambda n: n.assignment), not_graded)


def match_assignment(name: str, assignments: list[str]) -> str | None:
    if name in assignments:
        return name
    number = _NUMBER.match(name)
    matches = [a for a in assignments if number and a.startswith(number.group(0))]
    return matches[0] if len(matches) == 1 else None
