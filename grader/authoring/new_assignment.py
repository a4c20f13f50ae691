"""`grader new NN_name`: a new assignment in a course, ready to grade at once: a solution
notebook with answer markers and stable cell ids, its test module, and its student template.

The notebook and the tests are a small working example (a function students write, a value
their code computes); the author replaces them with the assignment's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grader.course.config import Course
from grader.errors import UserError

NAME = re.compile(r"^\d+_[a-z][a-z0-9_]*$")

SOLUTION_CELLS = (
    ("markdown", "intro", "# {title}\n\nFill the blanks marked `# YOUR CODE HERE`, then check "
                          "your notebook with `grader check`.\n\nWhat is graded: `scale(x, "
                          "factor)` on tensors the grader chooses, and `result`, the value "
                          "your last cell computes."),
    ("code", "imports", "import torch"),
    ("markdown", "task", "## Scale a tensor\n\n`scale(x, factor)` returns a tensor of the "
                         "shape of `x`, each element multiplied by `factor`."),
    ("code", "scale", "def scale(x, factor):\n    \"\"\"x, each element multiplied by factor."
                      "\"\"\"\n    ### BEGIN SOLUTION\n    return x * factor\n"
                      "    ### END SOLUTION"),
    ("code", "use", "result = scale(torch.arange(3.0), 2.0)\nresult"),
)

TESTS = '''\
"""{name}: the example `grader new` wrote. Replace it with the tests of your assignment."""

import pytest

from grader.checks import expect_close
from grader.grading.inputs import grader_tensor

pytestmark = pytest.mark.assignment("{name}.ipynb")


@pytest.mark.points(2)
def test_scale_multiplies_every_element_of_the_graders_tensor(submission, reference):
    """scale(x, factor) multiplies every element of x by factor"""
    x = grader_tensor(4, 3, seed=1)  # an input the notebook never saw
    expected = reference.call("scale", x, 2.5).value
    found = submission.call("scale", x, 2.5).value
    expect_close(found, expected, "scale(x, 2.5)", hint="Multiply x by factor.")


@pytest.mark.points(1)
def test_result_is_what_the_last_cell_computes(submission, reference):
    """result is scale(torch.arange(3.0), 2.0)"""
    expect_close(submission.value("result"), reference.value("result"), "result")
'''


@dataclass(frozen=True)
class NewAssignment:
    solution: Path
    tests: Path
    template: Path


def new_assignment(course: Course, name: str) -> NewAssignment:
    """Write the solution notebook, the test module and the template of assignment `name`."""
    from grader.release.writing import release

    name = name.removesuffix(".ipynb")
    if not NAME.match(name):
        raise UserError(f"{name!r} is not an assignment name: use a number, an underscore and "
                        "lower-case words, e.g. 03_gradient_descent")
    solution = course.solutions / f"{name}.ipynb"
    tests = course.tests / f"test_{name}.py"
    for path in (solution, tests):
        if path.exists():
            raise UserError(f"{path} already exists: choose a new name, or edit it")
    title = name.split("_", 1)[1].replace("_", " ").capitalize()
    notebook = new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                     "display_name": "Python 3"}})
    for kind, cell_id, source in SOLUTION_CELLS:
        make = new_code_cell if kind == "code" else new_markdown_cell
        notebook.cells.append(make(source.format(title=title), id=cell_id))
    solution.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, solution)
    tests.parent.mkdir(parents=True, exist_ok=True)
    tests.write_text(TESTS.format(name=name), encoding="utf-8")
    release(course.solutions, course.assignments)
    return NewAssignment(solution, tests, course.assignments / f"{name}.ipynb")
