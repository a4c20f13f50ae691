"""A student's own code: what they wrote in the template's blanks and in cells they added, found
by cell id (never by position), the template's given code left out; saved beside the record
and read back."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.similarity.own_code import own_code, template_cells
from grader.similarity.saved import OWN_CODE, read_own_code, save_own_code

GIVEN = "import torch\nX = torch.ones(3, 1)\n"
SOLVED = ("def predict(X, W, b):\n    \"\"\"One prediction per row.\"\"\"\n"
          "    ### BEGIN SOLUTION\n    return X @ W + b\n    ### END SOLUTION\n\n\n"
          "print(predict(X, 1, 0))")
STUB = ("def predict(X, W, b):\n    \"\"\"One prediction per row.\"\"\"\n"
        "    # YOUR CODE HERE\n    raise NotImplementedError()\n\n\nprint(predict(X, 1, 0))")


def _notebook(*cells: tuple[str, str]) -> dict[str, object]:
    notebook = new_notebook(cells=[new_markdown_cell("# Title", id="intro")])
    notebook.cells += [new_code_cell(source, id=cell_id) for cell_id, source in cells]
    return json.loads(nbformat.writes(notebook))


SOLUTION = _notebook(("given", GIVEN), ("predict", SOLVED))


def test_the_template_is_made_from_the_solution_markers() -> None:
    assert template_cells(SOLUTION) == {"given": GIVEN, "predict": STUB}


def test_own_code_is_the_filled_blank_and_not_the_given_lines() -> None:
    filled = STUB.replace("    # YOUR CODE HERE\n    raise NotImplementedError()",
                          "    y = X @ W\n    return y + b")
    student = _notebook(("given", GIVEN), ("predict", filled))

    code = own_code(student, template_cells(SOLUTION))

    assert [(c.number, c.own, c.added) for c in code.cells] == [(2, ((3, 4),), False)]
    assert code.text == "    y = X @ W\n    return y + b"


def test_cells_are_matched_by_id_when_students_insert_and_move_cells() -> None:
    filled = STUB.replace("    # YOUR CODE HERE\n    raise NotImplementedError()",
                          "    return torch.addmm(b, X, W)")
    student = _notebook(("mine", "def helper(a):\n    return a * 2"), ("predict", filled),
                        ("given", GIVEN), ("scratch", "print(X.shape)"))

    code = own_code(student, template_cells(SOLUTION))

    assert [(c.number, c.own, c.added) for c in code.cells] == [
        (1, ((1, 2),), True), (2, ((3, 3),), False), (4, ((1, 1),), True)]


def test_a_cell_with_an_unknown_id_is_matched_by_the_template_code_it_holds() -> None:
    """A notebook pasted into a new file has new cell ids: its given code stays given."""
    filled = STUB.replace("    # YOUR CODE HERE\n    raise NotImplementedError()",
                          "    return X.mm(W) + b")
    student = _notebook(("new-1", GIVEN), ("new-2", filled))

    code = own_code(student, template_cells(SOLUTION))

    assert [(c.number, c.own, c.added) for c in code.cells] == [(2, ((3, 3),), False)]


def test_the_reference_solutions_own_code_is_the_text_inside_its_markers() -> None:
    code = own_code(SOLUTION, template_cells(SOLUTION))

    assert code.text == "    ### BEGIN SOLUTION\n    return X @ W + b\n    ### END SOLUTION"


def test_a_template_handed_in_as_is_has_no_own_code() -> None:
    student = _notebook(("given", GIVEN), ("predict", STUB))

    assert own_code(student, template_cells(SOLUTION)).cells == ()


def test_own_code_is_saved_beside_the_record_and_read_back(tmp_path: Path) -> None:
    solutions, student, record = tmp_path / "solutions", tmp_path / "ada", tmp_path / "out"
    for folder in (solutions, student, record):
        folder.mkdir()
    (solutions / "01_x.ipynb").write_text(json.dumps(SOLUTION), encoding="utf-8")
    (solutions / "02_y.ipynb").write_text(json.dumps(SOLUTION), encoding="utf-8")
    (student / "01_x.ipynb").write_text(json.dumps(_notebook(
        ("given", GIVEN), ("predict", STUB), ("own", "W = torch.zeros(1, 1)"))),
        encoding="utf-8")
    (student / "02_y.ipynb").write_text("{ not json", encoding="utf-8")

    save_own_code(record, student, solutions, ["01_x.ipynb", "02_y.ipynb", "03_z.ipynb"])

    saved = read_own_code(record)
    assert saved is not None and set(saved) == {"01_x", "02_y", "03_z"}
    assert saved["01_x"].text == "W = torch.zeros(1, 1)" and saved["01_x"].problem is None
    assert "not JSON" in str(saved["02_y"].problem) and saved["02_y"].cells == ()
    assert "could not be read" in str(saved["03_z"].problem)  # no reference for it
    assert not list(record.glob(".*.tmp"))  # written atomically


def test_a_missing_or_foreign_saved_file_reads_as_none(tmp_path: Path) -> None:
    assert read_own_code(tmp_path) is None
    (tmp_path / OWN_CODE).write_text('{"format": 99, "assignments": {}}', encoding="utf-8")
    assert read_own_code(tmp_path) is None
    (tmp_path / OWN_CODE).write_text("[" * 100_000, encoding="utf-8")
    assert read_own_code(tmp_path) is None


def test_a_malformed_or_hostile_notebook_gives_no_code_and_no_crash(tmp_path: Path) -> None:
    solutions, student = tmp_path / "solutions", tmp_path / "eve"
    solutions.mkdir()
    student.mkdir()
    (solutions / "01_x.ipynb").write_text(json.dumps(SOLUTION), encoding="utf-8")
    weird = {"cells": [{"cell_type": "code", "id": {"not": "a string"}, "source": 42},
                       {"cell_type": "code", "id": "predict", "source": ["x = 1\n", 7]},
                       "not a cell", {"cell_type": "code"}]}
    for content in (json.dumps(weird), json.dumps({"cells": "none"}), "[1, 2]", "\xff\xfe",
                    json.dumps({"cells": [{"cell_type": "code", "id": "own",
                                           "source": "x = 1\n" * 100_000}]})):
        (student / "01_x.ipynb").write_bytes(content.encode("utf-8", "surrogateescape"))
        save_own_code(student, student, solutions, ["01_x.ipynb"])
        saved = read_own_code(student)
        assert saved is not None and "01_x" in saved
        assert len(saved["01_x"].text) <= 200_000
    (student / "01_x.ipynb").unlink()
    (student / "01_x.ipynb").symlink_to(solutions / "01_x.ipynb")  # a link out of the folder
    save_own_code(student, student, solutions, ["01_x.ipynb"])
    assert (read_own_code(student) or {})["01_x"].problem == "no notebook 01_x.ipynb"
