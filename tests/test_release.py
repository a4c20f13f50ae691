"""Release: solution notebooks become student templates, the nbgrader way. No kernels."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from grader.cli import main
from grader.release import ReleaseError, release, release_notebook

FUNCTION_WITH_SOLUTION = """\
def relu(x):
    \"\"\"Zero out the negatives.\"\"\"
    ### BEGIN SOLUTION
    return x.clamp(min=0)
    ### END SOLUTION

print("defined")"""

FUNCTION_TEMPLATE = """\
def relu(x):
    \"\"\"Zero out the negatives.\"\"\"
    # YOUR CODE HERE
    raise NotImplementedError()

print("defined")"""


KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def write_solution(folder: Path, name: str, *cells: NotebookNode) -> Path:
    """Write a notebook of `cells` to folder/name, as an author would commit it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(new_notebook(cells=list(cells)), path)
    return path


def lab(tmp_path: Path) -> tuple[Path, Path]:
    """A project with one solution notebook; returns (solutions, assignments)."""
    solutions, assignments = tmp_path / "solutions", tmp_path / "assignments"
    write_solution(solutions, "lab1.ipynb", new_markdown_cell("# Lab 1"),
                   new_code_cell(FUNCTION_WITH_SOLUTION))
    return solutions, assignments


def template_of(*cells: NotebookNode) -> NotebookNode:
    return release_notebook(new_notebook(cells=list(cells)))


def test_a_solution_region_becomes_the_stub_at_the_begin_markers_indentation() -> None:
    template = template_of(new_code_cell(FUNCTION_WITH_SOLUTION))
    assert template.cells[0].source == FUNCTION_TEMPLATE


def test_every_region_of_a_cell_is_replaced_and_the_code_between_them_kept() -> None:
    source = ("### BEGIN SOLUTION\na = 1\n### END SOLUTION\nb = 2\n"
              "  ### BEGIN SOLUTION\nc = 3\n  ### END SOLUTION")
    template = template_of(new_code_cell(source))
    assert template.cells[0].source == (
        "# YOUR CODE HERE\nraise NotImplementedError()\nb = 2\n"
        "  # YOUR CODE HERE\n  raise NotImplementedError()"
    )


def test_a_markdown_region_becomes_your_answer_here() -> None:
    source = ("Why does the loss go up?\n\n"
              "### BEGIN SOLUTION\nThe learning rate is too big.\n### END SOLUTION")
    template = template_of(new_markdown_cell(source))
    assert template.cells[0].source == "Why does the loss go up?\n\nYOUR ANSWER HERE"


def test_markers_in_another_case_are_left_alone_like_nbgrader_does() -> None:
    source = "### begin solution\nx = 1\n### end solution"
    assert template_of(new_code_cell(source)).cells[0].source == source


@pytest.mark.parametrize("metadata", [
    {"tags": ["solution"]},
    {"nbgrader": {"solution": True, "grade": False, "grade_id": "relu", "locked": False}},
])
def test_a_solution_cell_without_markers_is_blanked_whole(metadata: dict) -> None:
    template = template_of(new_code_cell("x = 1", metadata=metadata),
                           new_markdown_cell("Because.", metadata=metadata))
    assert template.cells[0].source == "# YOUR CODE HERE\nraise NotImplementedError()"
    assert template.cells[1].source == "YOUR ANSWER HERE"


def test_a_solution_cell_with_markers_keeps_the_code_around_its_regions() -> None:
    cell = new_code_cell(FUNCTION_WITH_SOLUTION, metadata={"tags": ["solution"]})
    assert template_of(cell).cells[0].source == FUNCTION_TEMPLATE


def test_cells_without_markers_or_solution_tags_are_kept_as_they_are() -> None:
    setup = new_code_cell("import torch", metadata={"tags": ["setup"]})
    template = template_of(new_markdown_cell("# Lab"), setup)
    assert [c.source for c in template.cells] == ["# Lab", "import torch"]


def test_outputs_and_execution_counts_are_cleared_but_ids_and_metadata_kept() -> None:
    cell = new_code_cell(FUNCTION_WITH_SOLUTION, execution_count=3,
                         outputs=[new_output("stream", name="stdout", text="defined\n")],
                         metadata={"tags": ["relu"], "nbgrader": {"solution": True}})
    solution = new_notebook(cells=[cell], metadata={"kernelspec": KERNELSPEC})
    template = release_notebook(solution)
    assert template.cells[0].outputs == []
    assert template.cells[0].execution_count is None
    assert template.cells[0].id == cell.id
    assert template.cells[0].metadata == cell.metadata
    assert template.metadata == solution.metadata


def test_release_notebook_leaves_the_solution_untouched() -> None:
    solution = new_notebook(cells=[new_code_cell(FUNCTION_WITH_SOLUTION, execution_count=1)])
    release_notebook(solution)
    assert solution.cells[0].source == FUNCTION_WITH_SOLUTION
    assert solution.cells[0].execution_count == 1


def test_releasing_twice_gives_byte_identical_templates(tmp_path: Path) -> None:
    solutions, assignments = lab(tmp_path)
    release(solutions, assignments)
    first = (assignments / "lab1.ipynb").read_bytes()
    (assignments / "lab1.ipynb").unlink()
    release(solutions, assignments)
    assert (assignments / "lab1.ipynb").read_bytes() == first


def test_the_written_template_is_a_valid_notebook_with_the_stub(tmp_path: Path) -> None:
    solutions, assignments = lab(tmp_path)
    release(solutions, assignments)
    template = nbformat.read(assignments / "lab1.ipynb", as_version=4)
    nbformat.validate(template)
    assert template.cells[1].source == FUNCTION_TEMPLATE


def test_cli_release_writes_each_notebook_and_prints_one_line_per_notebook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    solutions, assignments = lab(tmp_path)
    write_solution(solutions, "lab2.ipynb", new_code_cell("x = 1", metadata={"tags": ["solution"]}))
    monkeypatch.chdir(tmp_path)
    assert main(["release"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert "lab1.ipynb" in lines[0] and "lab2.ipynb" in lines[1]
    assert sorted(p.name for p in assignments.iterdir()) == ["lab1.ipynb", "lab2.ipynb"]


def test_cli_release_takes_other_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_solution(tmp_path / "src", "lab1.ipynb", new_code_cell(FUNCTION_WITH_SOLUTION))
    monkeypatch.chdir(tmp_path)
    assert main(["release", "--solutions", "src", "--assignments", "out"]) == 0
    assert (tmp_path / "out" / "lab1.ipynb").is_file()


def test_check_passes_on_freshly_released_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["release"]) == 0
    assert main(["release", "--check"]) == 0


def test_check_fails_and_names_the_notebook_after_a_hand_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, assignments = lab(tmp_path)
    monkeypatch.chdir(tmp_path)
    main(["release"])
    edited = assignments / "lab1.ipynb"
    edited.write_text(edited.read_text().replace("YOUR CODE HERE", "your code here"))
    before = edited.read_bytes()
    capsys.readouterr()
    assert main(["release", "--check"]) == 1
    out = capsys.readouterr().out
    assert "out of date" in out and "lab1.ipynb" in out
    assert edited.read_bytes() == before


def test_check_fails_and_writes_nothing_when_a_template_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, assignments = lab(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["release", "--check"]) == 1
    assert "missing" in capsys.readouterr().out
    assert not assignments.exists()


BAD_MARKERS = [
    pytest.param("x = 1\n### BEGIN SOLUTION\ny = 2", 2, "never closed", id="begin-without-end"),
    pytest.param("x = 1\ny = 2\n    ### END SOLUTION", 3, "without a", id="end-without-begin"),
    pytest.param("### BEGIN SOLUTION\nx = 1\n  ### BEGIN SOLUTION\n### END SOLUTION", 3,
                 "cannot nest", id="nested-begin"),
]


@pytest.mark.parametrize(("source", "line", "problem"), BAD_MARKERS)
def test_bad_markers_name_the_notebook_cell_and_line(source: str, line: int, problem: str) -> None:
    solution = new_notebook(cells=[new_markdown_cell("# Lab"), new_code_cell(source)])
    with pytest.raises(ReleaseError, match=problem) as caught:
        release_notebook(solution, name="lab1.ipynb")
    assert (caught.value.notebook, caught.value.cell, caught.value.line) == ("lab1.ipynb", 2, line)
    assert f"lab1.ipynb, cell 2, line {line}" in str(caught.value)


@pytest.mark.parametrize(("source", "line", "problem"), BAD_MARKERS)
def test_bad_markers_in_one_notebook_stop_the_release_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    source: str, line: int, problem: str,
) -> None:
    solutions, assignments = lab(tmp_path)  # lab1 is fine and comes first
    write_solution(solutions, "lab2.ipynb", new_markdown_cell("# Lab 2"), new_code_cell(source))
    monkeypatch.chdir(tmp_path)
    assert main(["release"]) == 2
    err = capsys.readouterr().err
    assert f"lab2.ipynb, cell 2, line {line}" in err and problem in err
    assert not assignments.exists()


def test_invalid_json_names_the_notebook_and_line_and_writes_nothing(tmp_path: Path) -> None:
    solutions, assignments = lab(tmp_path)
    (solutions / "lab0.ipynb").write_text('{\n "cells": [\n  oops\n ]\n}\n')
    with pytest.raises(ReleaseError, match="not valid JSON") as caught:
        release(solutions, assignments)
    assert caught.value.notebook == str(solutions / "lab0.ipynb")
    assert caught.value.line == 3
    assert not assignments.exists()


def test_a_notebook_whose_cells_lack_ids_is_refused_rather_than_given_random_ones(
    tmp_path: Path,
) -> None:
    solutions, assignments = lab(tmp_path)
    path = solutions / "lab1.ipynb"
    path.write_text(path.read_text().replace('"id":', '"not_id":', 1))
    with pytest.raises(ReleaseError, match="no cell id") as caught:
        release(solutions, assignments)
    assert caught.value.cell == 1


def test_release_refuses_to_write_templates_over_the_solutions(tmp_path: Path) -> None:
    solutions, _ = lab(tmp_path)
    with pytest.raises(ReleaseError, match="overwrite the solutions"):
        release(solutions, solutions)
