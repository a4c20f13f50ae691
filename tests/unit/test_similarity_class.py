"""The similarity of a class built from the corpus (tests/similarity_corpus/): honest solutions,
each in a style of its own, and planted copies. Exactly the planted pairs are flagged, and they
rank first; a class without copies flags nothing. No kernel: the notebooks are built in memory
and their own code read as the batch reads it (the end-to-end test grades a class for real)."""

from __future__ import annotations

import json
from functools import cache

import pytest

from grader.similarity import REFERENCE, OwnCode, compare_class, shared_fragments
from grader.similarity.own_code import own_code, template_cells
from tests.similarity_class import (
    ASSIGNMENT,
    PLANTED,
    PLANTED_IN,
    SOLUTIONS,
    honest,
    notebook_json,
    planted,
    planted_pairs,
    student_notebook,
)


@cache
def class_code(assignment: str, copies: tuple[str, ...] = ()) -> dict[str, OwnCode]:
    solution = json.loads((SOLUTIONS / f"{assignment}.ipynb").read_text(encoding="utf-8"))
    template = template_cells(solution)
    files = {**honest(assignment), **{name: planted(assignment)[name] for name in copies}}
    codes = {name: own_code(notebook_json(student_notebook(path, assignment)), template)
             for name, path in files.items()}
    return {**codes, REFERENCE: own_code(solution, template)}


def test_the_corpus_has_fifteen_distinct_honest_solutions_at_least() -> None:
    codes = class_code(ASSIGNMENT)
    texts = {code.text for name, code in codes.items() if name != REFERENCE}
    assert len(texts) == len(honest()) >= 15


@pytest.mark.parametrize("assignment", sorted(PLANTED_IN))
def test_exactly_the_planted_copies_are_flagged_and_they_rank_first(assignment: str) -> None:
    copies = tuple(PLANTED_IN[assignment])
    similarity = compare_class(assignment, class_code(assignment, copies))

    flagged = {frozenset((p.a, p.b)) for p in similarity.flagged}
    assert flagged == planted_pairs(assignment)
    top = {frozenset((p.a, p.b)) for p in similarity.pairs[:len(copies)]}
    assert top == planted_pairs(assignment)
    assert similarity.threshold.value == similarity.threshold.floor  # they stand out too


@pytest.mark.parametrize("copy", sorted(PLANTED))
def test_each_planted_copy_is_flagged_alone(copy: str) -> None:
    similarity = compare_class(ASSIGNMENT, class_code(ASSIGNMENT, (copy,)))

    assert [frozenset((p.a, p.b)) for p in similarity.flagged] == [
        frozenset((copy, PLANTED[copy]))]


@pytest.mark.parametrize("assignment", ["01_tensors_and_loss", "02_training_loop",
                                        "03_optimizer_and_seeds"])
def test_a_class_without_copies_flags_no_pair(assignment: str) -> None:
    similarity = compare_class(assignment, class_code(assignment))

    assert similarity.flagged == [], similarity.pairs[:3]
    assert similarity.students == len(honest(assignment)) and similarity.has_reference


def test_a_flagged_pairs_shared_fragments_cover_the_copied_lines() -> None:
    similarity = compare_class(ASSIGNMENT, class_code(ASSIGNMENT, ("renamed_copy_of_06",)))
    pair = similarity.flagged[0]
    a, b = similarity.programs[pair.a], similarity.programs[pair.b]

    fragments = shared_fragments(a, b, similarity.weights)

    own_a = {(i, n) for i, cell in enumerate(a.code.cells) for n in cell.own_lines()}
    marked_a = set().union(*(f.lines_a for f in fragments))
    assert len(marked_a) >= 0.9 * len(own_a)  # a renamed copy: nearly every line matches
    assert all(f.lines_b for f in fragments)


def test_students_without_code_of_their_own_are_left_out_and_counted() -> None:
    codes = {**class_code(ASSIGNMENT), "blank_template": OwnCode(()),
             "no_notebook": OwnCode((), "no notebook 02_training_loop.ipynb")}

    similarity = compare_class(ASSIGNMENT, codes)

    assert similarity.without_code == {"blank_template": "wrote no code of their own in it",
                                       "no_notebook": "no notebook 02_training_loop.ipynb"}
    assert "blank_template" not in similarity.programs
