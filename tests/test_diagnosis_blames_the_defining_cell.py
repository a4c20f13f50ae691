"""A missing or broken name is traced to the cell that defines it, never to a cell that only uses
or updates it, and cells are named as Jupyter numbers them (code cells only). No kernels."""

from __future__ import annotations

from pathlib import Path

from grader.execution.result import CellResult, CellStatus, NotebookResult
from grader.probing.bindings import names_bound, names_defined
from grader.probing.diagnosis import Diagnosis


def _cell(number: int, source: str, error: tuple[str, str] | None = None) -> CellResult:
    if error is None:
        return CellResult(number, source, CellStatus.OK)
    return CellResult(number, source, CellStatus.ERROR, error_name=error[0],
                      error_message=error[1])


# A notebook with markdown between its code cells: positions 2, 4 and 6 among all cells.
TYPO = _cell(2, "torch.manual_seed(1)\nweight = torch.randn(3, 2, requires_grad=Ture)",
             ("NameError", "name 'Ture' is not defined"))
TRAINING = _cell(4, "fruit_losses = []\nfor epoch in range(5):\n    loss = (weight ** 2).sum()\n"
                    "    loss.backward()\n    with torch.no_grad():\n"
                    "        weight -= 0.1 * weight.grad\n    fruit_losses.append(loss.item())",
                 ("NameError", "name 'weight' is not defined"))
PREDICTIONS = _cell(6, "predictions = weight.sum()", ("NameError", "name 'weight' is not defined"))


def _diagnosis(*cells: CellResult) -> Diagnosis:
    return Diagnosis(NotebookResult(Path("nb.ipynb"), list(cells)), {})


def test_updating_a_name_is_not_defining_it() -> None:
    assert names_defined(TRAINING.source) == {"fruit_losses", "epoch", "loss"}
    assert "weight" in names_bound(TRAINING.source)  # it changes weight, all the same
    assert names_defined("W, b = init_params(0)\nW.grad = None") == {"W", "b"}


def test_a_missing_name_is_blamed_on_the_cell_that_defines_it_with_its_own_typo() -> None:
    message = _diagnosis(TYPO, TRAINING, PREDICTIONS).missing("weight").text
    assert message.startswith("code cell 1 (`torch.manual_seed(1)`), which defines `weight`")
    assert "name 'Ture' is not defined" in message and "typo" in message
    assert "code cell 2" not in message


def test_a_name_of_a_later_cell_is_followed_back_to_the_typo() -> None:
    diagnosed = _diagnosis(TYPO, TRAINING, PREDICTIONS).failed_definition("fruit_losses")
    assert diagnosed is not None
    message = diagnosed.text
    assert message.startswith("code cell 2 (`fruit_losses = []`) could not define")
    assert "code cell 1" in message and "'Ture'" in message


def test_a_training_cell_that_fails_is_named_as_changing_the_parameter() -> None:
    created = _cell(2, "weight = torch.randn(3, 2, requires_grad=True)")
    typo = _cell(4, TRAINING.source.replace("loss.backward()", "loss.backword()"),
                 ("AttributeError", "'Tensor' object has no attribute 'backword'"))
    diagnosed = _diagnosis(created, typo).failed_definition("weight")
    assert diagnosed is not None
    message = diagnosed.text
    assert message.startswith("code cell 2 (`fruit_losses = []`), which changes `weight`")


def test_an_error_after_an_earlier_failure_points_back_to_it() -> None:
    first = _cell(2, "X = torch.tensor([1, 2, 3]) @ W", ("RuntimeError", "mat1 and mat2"))
    later = _cell(4, "step = X.grad * 0.1", ("TypeError", "unsupported operand"))
    diagnosed = _diagnosis(first, later).failed_definition("step")
    assert diagnosed is not None and "Code cell 1 (`X = torch.tensor([1, 2, 3]) @ W`) failed "\
        "before it" in diagnosed.text


def test_a_blank_is_named_with_the_code_cell_number() -> None:
    blank = _cell(3, "def predict(X, W, b):\n    raise NotImplementedError()",
                  ("NotImplementedError", ""))
    using = _cell(5, "loss = predict(1, 2, 3)", ("NameError", "name 'predict' is not defined"))
    message = _diagnosis(_cell(1, "import torch"), blank, using).missing("loss").text
    assert message.startswith("not implemented yet: fill the blank in code cell 2 "
                              "(`def predict(X, W, b):`)")
