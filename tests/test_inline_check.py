"""`grader.check()` in a notebook says when the live kernel's history differs from a fresh run."""

from grader.selfcheck.inline import live_kernel_differences

CELLS = ["import torch", "W = torch.zeros(1)", "for _ in range(3):\n    W += 1"]


def test_a_clean_top_to_bottom_history_gives_no_warning() -> None:
    assert live_kernel_differences(CELLS, CELLS) == []


def test_a_training_cell_run_twice_is_named() -> None:
    warnings = live_kernel_differences(CELLS, [*CELLS, CELLS[2]])
    assert warnings == [
        "code cell 3 ran 2 times in your kernel; the grader runs it once, so values it changes "
        "(a model trained twice, a list appended twice) differ."]


def test_out_of_order_and_unsaved_code_are_named() -> None:
    warnings = live_kernel_differences(CELLS, [CELLS[0], CELLS[2], CELLS[1], "W = 5"])
    assert "out of order" in warnings[0]
    assert "1 piece(s) of code that are not in the saved notebook" in warnings[1]


def test_grader_check_runs_from_a_cell_of_the_notebook_itself(tmp_path) -> None:
    import shutil

    from grader.execution.runner import run_notebook
    from grader.execution.settings import ExecutionSettings
    from tests.corpus.harness import SOLUTIONS

    notebook = tmp_path / "02_training_loop.ipynb"
    shutil.copy(SOLUTIONS / notebook.name, notebook)
    # A student's own Jupyter kernel: not one of the grader's (those are sandboxed).
    with run_notebook(notebook, ExecutionSettings(sandbox="off")) as live:
        training_cell = next(c.source for c in live.result.cells if "epochs = 1000" in c.source)
        live.run_code(training_cell, timeout=60, store_history=True)  # the cell run twice
        run = live.run_code(f"import grader\ngrader.check({str(notebook)!r})", timeout=300)
    printed = "".join(output.get("text", "") for output in run.outputs)
    assert "Score: 8 / 8" in printed
    assert "ran 2 times in your kernel" in printed
