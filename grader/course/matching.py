"""Which submitted file is which assignment: the one rule every command uses (`grader check`,
`grader grade` and its shards and cluster, the Gradescope autograder, pull-request CI, and
`pytest --grader-notebooks DIR`).

A pure function of names: given the notebooks' paths (relative, POSIX) and the course's
assignments (`02_training_loop.ipynb`, ...), it says which path each assignment is graded
from. It reads no file and follows no link: whoever lists the files decides what may be read.

A notebook is an assignment when, best first:

1. its name is the assignment's (`02_training_loop.ipynb`);
2. its name is the assignment's but for case and the marks a copy gets: a browser's second
   download `02_training_loop (1).ipynb`, Jupyter's `02_training_loop-Copy1.ipynb`, macOS's
   `02_training_loop copy.ipynb`, Windows's `02_training_loop - Copy.ipynb`;
3. its number is the assignment's and no other assignment's (`2_loop.ipynb`, `02-draft.ipynb`).

Each assignment takes its best notebook (the first path in order among equals); the other
candidates are listed, not graded. Where the course has one assignment and a submission holds
one notebook that matches nothing, that notebook is it, whatever its name. Jupyter's autosave
copies (`.ipynb_checkpoints/`) are never submissions.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

SUFFIX = ".ipynb"
CHECKPOINTS = ".ipynb_checkpoints"
EXACT, COPY, NUMBER, SOLE = 0, 1, 2, 3  # how a path matched, best first
_COPY_MARK = re.compile(r"(\s*\(\d+\)|-copy\d*|\s+-\s+copy(\s*\(\d+\))?|[\s_]copy(\s*\d+)?)$")
_NUMBER = re.compile(r"^(\d+)(?=[_\-\s.])")


@dataclass(frozen=True)
class Matching:
    chosen: dict[str, str] = field(default_factory=dict)  # assignment -> the path graded as it
    how: dict[str, int] = field(default_factory=dict)  # assignment -> EXACT, COPY, ...
    passed_over: dict[str, list[str]] = field(default_factory=dict)  # assignment -> others
    unmatched: list[str] = field(default_factory=list)  # notebooks that are no assignment

    def notes(self) -> list[str]:
        """What a person should know about how the files were read, one sentence each."""
        notes = []
        for assignment, path in sorted(self.chosen.items()):
            others = self.passed_over.get(assignment, [])
            if others:
                notes.append(f"{len(others) + 1} notebooks could be {assignment}: graded "
                             f"{path}, not {', '.join(others)}.")
            elif self.how[assignment] != EXACT:
                notes.append(f"{path} graded as {assignment}.")
        return notes


def is_notebook(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and parts[-1].lower().endswith(SUFFIX) and CHECKPOINTS not in parts


def how_it_matches(name: str, assignment: str) -> int | None:
    """EXACT, COPY or NUMBER when the file name `name` can be `assignment`, else None (the
    number rule alone does not say whether another assignment has the same number)."""
    if name == assignment:
        return EXACT
    stem, wanted = _stem(name), _stem(assignment)
    if wanted.casefold() in _copy_stems(stem.casefold()):
        return COPY
    number, theirs = _NUMBER.match(stem), _NUMBER.match(wanted)
    if number and theirs and int(number.group(1)) == int(theirs.group(1)):
        return NUMBER
    return None


def match_notebooks(paths: Iterable[str], assignments: Sequence[str]) -> Matching:
    """Which of `paths` (relative POSIX paths, any depth) is each of `assignments`."""
    notebooks = sorted(p for p in set(paths) if is_notebook(p))
    candidates: dict[str, list[tuple[int, str]]] = {}
    unmatched = []
    for path in notebooks:
        assignment, how = _best_assignment(PurePosixPath(path).name, assignments)
        if assignment is None:
            unmatched.append(path)
        else:
            candidates.setdefault(assignment, []).append((how, path))
    if len(assignments) == 1 and not candidates and len(unmatched) == 1:
        candidates[assignments[0]] = [(SOLE, unmatched.pop())]
    matching = Matching(unmatched=unmatched)
    for assignment, found in sorted(candidates.items()):
        found.sort()
        matching.chosen[assignment] = found[0][1]
        matching.how[assignment] = found[0][0]
        if len(found) > 1:
            matching.passed_over[assignment] = [path for _, path in found[1:]]
    return matching


def assignment_of(name: str, assignments: Sequence[str]) -> str | None:
    """The assignment one notebook, given alone, is graded as (None: it is none of them)."""
    chosen = match_notebooks([name], assignments).chosen
    return next(iter(chosen), None)


def notebooks_in(folder: Path) -> list[str]:
    """The names of the notebooks directly in `folder` (links included: a name is only a
    name here; whoever reads the file refuses a link). Nothing when it is not a folder."""
    try:
        with os.scandir(folder) as entries:
            return sorted(entry.name for entry in entries if is_notebook(entry.name))
    except OSError:
        return []


def files_in(folder: Path, assignments: Sequence[str]) -> dict[str, str]:
    """Assignment -> the name of the notebook in `folder` graded as it."""
    return match_notebooks(notebooks_in(folder), assignments).chosen


def _best_assignment(name: str, assignments: Sequence[str]) -> tuple[str | None, int]:
    ranked: dict[int, list[str]] = {}
    for assignment in assignments:
        how = how_it_matches(name, assignment)
        if how is not None:
            ranked.setdefault(how, []).append(assignment)
    for how in (EXACT, COPY, NUMBER):
        if len(ranked.get(how, [])) == 1:
            return ranked[how][0], how
        if ranked.get(how):  # two assignments fit as well: guess neither
            return None, how
    return None, NUMBER


def _stem(name: str) -> str:
    return name[:-len(SUFFIX)] if name.lower().endswith(SUFFIX) else name


def _copy_stems(stem: str) -> list[str]:
    """The stem, then without its last copy mark, and so on: `lab copy (2)`, `lab copy`,
    `lab` (an assignment may itself end in a word such as `copy`)."""
    stems = [stem]
    while (shorter := _COPY_MARK.sub("", stems[-1], count=1)) != stems[-1]:
        stems.append(shorter)
    return stems
