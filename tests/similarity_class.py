"""A class for the similarity report, built from tests/similarity_corpus/: honest solutions of
an assignment, each written in a style of its own (18 of 02_training_loop, 12 of
01_tensors_and_loss, 10 of 03_optimizer_and_seeds, which the lesson spells out nearly line by
line), and planted copies (identifiers renamed; statements reordered and prints added; the
reference solution under new names).

A corpus file is the student's work on the template, in sections:

    ## blank CELL_ID         the code that replaces the cell's first blank left (`# YOUR CODE
                             HERE` and the `raise NotImplementedError()` under it), indented
                             as it sits in the cell
    ## add after CELL_ID     a code cell of the student's own, inserted after that cell
"""

from __future__ import annotations

import copy
import functools
import json
import re
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell

from grader.course.template import release_notebook
from grader.release.reading import read_solution

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
CORPUS = Path(__file__).resolve().parent / "similarity_corpus"
ASSIGNMENT = "02_training_loop"
REFERENCE = "(reference solution)"
# Each planted copy and the student (or the reference) it copies, per assignment.
PLANTED_IN = {
    "02_training_loop": {
        "renamed_copy_of_06": "06_while_loop_and_method_chains",
        "reordered_copy_of_12_with_prints": "12_parameters_in_a_dict",
        "reference_with_new_names": REFERENCE,
    },
    "03_optimizer_and_seeds": {
        "renamed_copy_of_09": "09_grads_zeroed_by_hand",
        "reference_with_new_names": REFERENCE,
    },
}
PLANTED = PLANTED_IN[ASSIGNMENT]
_SECTION = re.compile(r"^## (blank|add after) (\S+)\s*$", re.MULTILINE)
_BLANK = re.compile(r"^([ \t]*)# YOUR CODE HERE\n[ \t]*raise NotImplementedError\(\)$",
                    re.MULTILINE)


def honest(assignment: str = ASSIGNMENT) -> dict[str, Path]:
    """Style name -> corpus file, for the honest solutions of `assignment`."""
    return {path.stem: path for path in sorted((CORPUS / assignment).glob("*.txt"))}


def planted(assignment: str = ASSIGNMENT) -> dict[str, Path]:
    return {path.stem: path for path in sorted((CORPUS / assignment / "planted").glob("*.txt"))}


def sections(corpus_file: Path) -> list[tuple[str, str, str]]:
    """(kind, cell id, code) of each section of a corpus file, in order."""
    text = corpus_file.read_text(encoding="utf-8")
    heads = list(_SECTION.finditer(text))
    return [(*head.groups(), text[head.end():heads[n + 1].start() if n + 1 < len(heads)
                                  else len(text)].strip("\n"))
            for n, head in enumerate(heads)]


def student_notebook(corpus_file: Path, assignment: str = ASSIGNMENT) -> NotebookNode:
    """The template of `assignment`, filled as the corpus file says."""
    return filled_template(sections(corpus_file), assignment, corpus_file.name)


def filled_template(parts: list[tuple[str, str, str]], assignment: str = ASSIGNMENT,
                    source: str = "") -> NotebookNode:
    notebook = copy.deepcopy(_template(assignment))
    for number, (kind, cell_id, code) in enumerate(parts):
        index = next(i for i, c in enumerate(notebook.cells) if c.get("id") == cell_id)
        if kind == "add after":
            cell = new_code_cell(code)
            cell.id = f"{cell_id}-own-{number}"
            notebook.cells.insert(index + 1, cell)
        else:
            cell = notebook.cells[index]
            blank = _BLANK.search(cell.source)
            assert blank, f"{source}: no blank left in {cell_id}"
            cell.source = cell.source[:blank.start()] + code + cell.source[blank.end():]
    return notebook


@functools.cache
def _template(assignment: str) -> NotebookNode:
    return release_notebook(read_solution(SOLUTIONS / f"{assignment}.ipynb"))


def make_similarity_class(root: Path, with_copies: bool = True,
                          assignment: str = ASSIGNMENT) -> Path:
    """One folder per student under root/submissions, each with its notebook of
    `assignment`; returns that folder."""
    submissions = root / "submissions"
    students = {**honest(assignment), **(planted(assignment) if with_copies else {})}
    for name, corpus_file in students.items():
        folder = submissions / name
        folder.mkdir(parents=True)
        nbformat.write(student_notebook(corpus_file, assignment),
                       folder / f"{assignment}.ipynb")
    return submissions


def planted_pairs(assignment: str = ASSIGNMENT) -> set[frozenset[str]]:
    return {frozenset((copy, original)) for copy, original in PLANTED_IN[assignment].items()}


def notebook_json(notebook: NotebookNode) -> dict[str, object]:
    return json.loads(nbformat.writes(notebook))
