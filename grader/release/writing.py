"""Release a folder of solutions as templates, or check the templates already there.

Every solution is read and templated before anything is written: one bad notebook and no
file changes. Templates are written by `nbformat.write` (version 4), so releasing twice
gives byte-identical files and `check` can compare text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from grader.course.template import release_notebook
from grader.course.template_error import ReleaseError
from grader.release.reading import read_solution


class TemplateStatus(str, Enum):
    WRITTEN = "written"
    UNCHANGED = "unchanged"  # already what release would write; left untouched
    MISSING = "missing"  # check only
    DIFFERS = "differs"  # check only


@dataclass(frozen=True)
class Template:
    solution: Path
    target: Path
    notebook: NotebookNode
    text: str  # exactly what nbformat.write puts in the file
    answer_cells: int  # cells whose text the release changed


@dataclass(frozen=True)
class ReleaseOutcome:
    template: Template
    status: TemplateStatus

    @property
    def up_to_date(self) -> bool:
        return self.status in (TemplateStatus.WRITTEN, TemplateStatus.UNCHANGED)


def render(notebook: NotebookNode) -> str:
    buffer = io.StringIO()
    nbformat.write(notebook, buffer, version=4)
    return buffer.getvalue()


def plan_templates(solutions: Path, assignments: Path) -> list[Template]:
    """Read and template every `*.ipynb` of `solutions`; write nothing."""
    if not solutions.is_dir():
        raise ReleaseError(f"the solutions folder {solutions} does not exist")
    if assignments.resolve() == solutions.resolve():
        raise ReleaseError(f"templates would overwrite the solutions in {solutions}: "
                           "give a different --assignments folder")
    paths = sorted(solutions.glob("*.ipynb"))
    if not paths:
        raise ReleaseError(f"no notebooks (*.ipynb) in {solutions}")
    return [_plan_one(path, assignments / path.name) for path in paths]


def _plan_one(solution: Path, target: Path) -> Template:
    original = read_solution(solution)
    notebook = release_notebook(original, name=str(solution))
    changed = sum(a.source != b.source for a, b in zip(original.cells, notebook.cells, strict=True))
    return Template(solution, target, notebook, render(notebook), changed)


def _current_text(path: Path) -> str | None:
    """The template on disk, None if there is none ("" if it is not even text)."""
    if not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ""


def release(solutions: Path, assignments: Path, check: bool = False) -> list[ReleaseOutcome]:
    """Write the templates of `solutions` into `assignments`, or with `check` only compare."""
    templates = plan_templates(solutions, assignments)
    outcomes = []
    for template in templates:
        current = _current_text(template.target)
        if current == template.text:
            status = TemplateStatus.UNCHANGED
        elif check:
            status = TemplateStatus.MISSING if current is None else TemplateStatus.DIFFERS
        else:
            template.target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(template.notebook, template.target, version=4)
            status = TemplateStatus.WRITTEN
        outcomes.append(ReleaseOutcome(template, status))
    return outcomes
