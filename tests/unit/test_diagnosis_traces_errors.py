"""A blank is the template's marker line raising, not any NotImplementedError; PyTorch's and
Python's own errors are quoted and traced to the cell that defines what they name; a name a
failed import left undefined is followed back to that import, in cells and in calls alike.
No kernels: cell records are written by hand."""

from __future__ import annotations

from pathlib import Path

from grader.errors import Cause
from grader.execution.result import CellResult, CellStatus, NotebookResult
from grader.probing.diagnosis import Diagnosis, error_hint

MISSING_FORWARD = 'Module [LogisticModel] is missing the required "forward" function'
MODEL_CELL = """torch.manual_seed(1)
class LogisticModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forwawrd(self, x):
        return torch.sigmoid(self.linear(x))

model = LogisticModel()"""
TRAINING_CELL = """lr = 1.0
losses = []
for epoch in range(10):
    loss = F.binary_cross_entropy(model(X_train), y_train)
    losses.append(loss.item())"""


def _cell(number: int, source: str, error: tuple[str, str] | None = None) -> CellResult:
    if error is None:
        return CellResult(number, source, CellStatus.OK)
    return CellResult(number, source, CellStatus.ERROR, error_name=error[0],
                      error_message=error[1])


def _diagnosis(*cells: CellResult) -> Diagnosis:
    return Diagnosis(NotebookResult(Path("nb.ipynb"), list(cells)), {})


def test_pytorchs_not_implemented_error_is_no_blank_and_names_the_misspelt_method() -> None:
    diagnosis = _diagnosis(_cell(1, "import torch"), _cell(2, MODEL_CELL),
                           _cell(3, TRAINING_CELL, ("NotImplementedError", MISSING_FORWARD)))
    found = diagnosis.missing("losses")
    assert found.cause is Cause.CELL_ERROR
    assert not found.text.startswith("not implemented yet")
    assert MISSING_FORWARD in found.text
    assert "class `LogisticModel` in code cell 2" in found.text
    assert "defines `forwawrd`, not `forward`" in found.text


def test_a_forward_outside_its_class_is_named_as_not_indented() -> None:
    source = MODEL_CELL.replace("    def forwawrd(self, x):\n        return",
                                "def forward(self, x):\n    return")
    diagnosis = _diagnosis(_cell(1, source, ("NotImplementedError", MISSING_FORWARD)))
    assert "not indented under class `LogisticModel`" in diagnosis.missing("model").text


def test_the_template_marker_raising_is_a_blank_in_its_own_cell() -> None:
    blank = _cell(2, "lr = 1.0\nlosses = []\n# YOUR CODE HERE\nraise NotImplementedError()",
                  ("NotImplementedError", ""))
    found = _diagnosis(_cell(1, "import torch"), blank).missing("losses")
    assert found.cause is Cause.NOT_IMPLEMENTED
    assert found.text.startswith("not implemented yet: fill the blank in code cell 2")


def test_a_blank_function_called_by_a_later_cell_is_blamed_on_its_own_cell() -> None:
    blank = _cell(1, "def predict(X, W, b):\n    # YOUR CODE HERE\n    raise NotImplementedError()")
    using = _cell(2, "y_hat = predict(X, W, b)", ("NotImplementedError", ""))
    found = _diagnosis(blank, using).missing("y_hat")
    assert found.cause is Cause.NOT_IMPLEMENTED
    assert found.text.startswith("not implemented yet: fill the blank in code cell 1")
    assert "code cell 2 (`y_hat = predict(X, W, b)`) uses it" in found.text


def test_a_students_own_not_implemented_error_is_quoted_not_called_a_blank() -> None:
    own = _cell(1, "def f():\n    raise NotImplementedError('later')\ny = f()",
                ("NotImplementedError", "later"))
    found = _diagnosis(own).missing("y")
    assert found.cause is Cause.CELL_ERROR and "stopped with NotImplementedError: later" in \
        found.text


def test_a_call_that_raises_pytorchs_error_is_traced_to_the_class_cell() -> None:
    diagnosis = _diagnosis(_cell(1, MODEL_CELL))
    error = {"name": "NotImplementedError", "message": MISSING_FORWARD,
             "line": "return model(X)", "function": "predict"}
    found = diagnosis.raised(error, "calling predict(...)", "predict")
    assert found.cause is Cause.CODE_RAISED
    assert "defines `forwawrd`, not `forward`" in found.text


def test_a_call_that_raises_at_the_marker_line_is_a_blank() -> None:
    diagnosis = _diagnosis(_cell(1, "def predict(X, W, b):\n    raise NotImplementedError()"))
    error = {"name": "NotImplementedError", "message": "",
             "line": "raise NotImplementedError()", "function": "predict"}
    found = diagnosis.raised(error, "calling predict(...)", "predict")
    assert found.cause is Cause.NOT_IMPLEMENTED
    assert found.text == ("not implemented yet: fill the blank in `predict` in code cell 1 "
                          "(`def predict(X, W, b):`).")


def test_a_name_error_inside_a_function_is_followed_to_the_failed_import() -> None:
    diagnosis = _diagnosis(
        _cell(1, "import troch", ("ModuleNotFoundError", "No module named 'troch'")),
        _cell(2, "def gd_step(W):\n    return W - torch.zeros(1)"))
    error = {"name": "NameError", "message": "name 'torch' is not defined",
             "line": "return W - torch.zeros(1)", "function": "gd_step"}
    found = diagnosis.raised(error, "calling gd_step(...)", "gd_step")
    assert found.cause is Cause.CELL_ERROR
    assert "name 'torch' is not defined" in found.text
    assert "code cell 1 (`import troch`)" in found.text.lower()
    assert "typo of `torch`" in found.text


def test_an_unknown_module_keeps_the_advice_to_remove_the_import() -> None:
    assert "remove other imports" in error_hint("ModuleNotFoundError",
                                                "No module named 'sklearn'")
    assert "typo of `numpy`" in error_hint("ModuleNotFoundError", "No module named 'nunpy'")


def test_a_graph_backpropagated_twice_points_at_the_prediction_made_before_the_loop() -> None:
    hint = error_hint("RuntimeError", "Trying to backward through the graph a second time (or "
                      "directly access saved tensors after they have already been freed).")
    assert "inside the loop" in hint and "before the" in hint


def test_an_attribute_error_names_the_cell_of_the_students_class() -> None:
    source = MODEL_CELL.replace("forwawrd", "forward")
    later = _cell(2, "out = model.layer(X)",
                  ("AttributeError", "'LogisticModel' object has no attribute 'layer'"))
    found = _diagnosis(_cell(1, source), later).missing("out")
    assert "`LogisticModel` is defined in code cell 1" in found.text
