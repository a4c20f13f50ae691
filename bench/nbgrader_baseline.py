"""Part 3: `nbgrader autograde` of the same class, as TAs know it.

A minimal course directory in a temp folder (nbgrader_config.py, source/, release/, submitted/,
autograded/, gradebook.db). The kit's solutions become one nbgrader source assignment: each cell
with `### BEGIN SOLUTION` is marked as a solution cell, and autograded test cells with a few
asserts are appended, so that autograde has something to run. `nbgrader generate_assignment`
writes the release; each student's submission is that release with the student's cells put in
(their inserted cells too). Then `nbgrader autograde` runs on the first student, and on the
whole class (`--force`): the slope between the two is the marginal cost of a student.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell

from bench.baseline_env import BaselineEnv
from bench.class_builder import SMALL, Student
from bench.single_notebook import SOLUTIONS
from bench.timing import Run, run_timed

ASSIGNMENT = "week1"
COURSE = "bench"

# Autograded test cells per notebook: (grade_id, points, source). Plain asserts, as in nbgrader.
TEST_CELLS: dict[str, list[tuple[str, int, str]]] = {
    "01_tensors_and_loss.ipynb": [
        ("test-data", 1, "assert X_train.shape == (3, 1) and y_train.shape == (3, 1)\n"
                         "assert X_train.dtype == torch.float32\n"
                         "assert as_column([4, 5, 6]).shape == (3, 1)\n"),
        ("test-params", 1, "W0, b0 = init_params(0)\n"
                           "assert W0.shape == (1, 1) and b0.shape == (1,)\n"
                           "assert abs(W0.item() - 1.5410) < 1e-3\n"
                           "assert abs(b0.item() + 0.2934) < 1e-3\n"),
        ("test-loss", 2, "ones = torch.ones(2, 1)\n"
                         "assert torch.allclose(predict(ones, torch.full((1, 1), 2.0), "
                         "torch.ones(1)), torch.full((2, 1), 3.0))\n"
                         "assert abs(mse(torch.zeros(2, 1), ones).item() - 1.0) < 1e-6\n"
                         "assert abs(initial_loss - 1611.85) < 0.05\n"
                         "assert abs(loss_after_step - 1576.42) < 0.05\n"),
    ],
    "02_training_loop.ipynb": [
        ("test-loop", 2, "assert len(losses) == epochs and losses[-1] < 0.1\n"
                         "assert abs(W.item() - 19.74) < 0.01 and abs(b.item() - 0.59) < 0.01\n"),
        ("test-accumulated", 1, "assert accumulated_grad(5) == 10.0\n"),
        ("test-train-step", 2, "W2 = torch.zeros(1, 1, requires_grad=True)\n"
                               "b2 = torch.zeros(1, requires_grad=True)\n"
                               "train_step(X_train, y_train, W2, b2, 0.01)\n"
                               "Wc = W2.detach().clone().requires_grad_()\n"
                               "bc = b2.detach().clone().requires_grad_()\n"
                               "mse(predict(X_train, Wc, bc), y_train).backward()\n"
                               "train_step(X_train, y_train, W2, b2, 0.01)\n"
                               "assert torch.allclose(W2.grad, Wc.grad)\n"),
    ],
}

_SCORES = """\
import json, sys
from nbgrader.api import Gradebook
with Gradebook(sys.argv[1], course_id=sys.argv[2]) as gb:
    print(json.dumps({s.student.id: [s.score, s.max_score]
                      for s in gb.assignment_submissions(sys.argv[3])}))
"""


@dataclass
class NbgraderResult:
    nbgrader_version: str
    students: int
    notebooks_per_student: int
    setup_seconds: float  # course directory, student import, generate_assignment
    small_seconds: float  # autograde of SMALL students
    full_seconds: float  # autograde of the whole class
    scores: dict[str, list[float]] = field(default_factory=dict)  # student -> [score, max]

    @property
    def per_student(self) -> float:
        return (self.full_seconds - self.small_seconds) / (self.students - SMALL)

    @property
    def per_notebook(self) -> float:
        return self.per_student / self.notebooks_per_student


class NbgraderFailed(Exception):
    """An nbgrader step failed; the message has its output."""


def source_notebook(solution: Path) -> NotebookNode:
    """The solution as an nbgrader source notebook: solution cells marked, test cells appended."""
    notebook = nbformat.read(solution, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and "### BEGIN SOLUTION" in cell.source:
            cell.metadata["nbgrader"] = _metadata(cell.id, solution=True)
    for grade_id, points, source in TEST_CELLS.get(solution.name, []):
        cell = new_code_cell(source)
        cell.id = grade_id
        cell.metadata["nbgrader"] = _metadata(grade_id, grade=True, locked=True, points=points)
        notebook.cells.append(cell)
    return notebook


def submission(release: NotebookNode, student: NotebookNode) -> NotebookNode:
    """What the student would hand in had they filled nbgrader's release: their cells, carrying
    the release's nbgrader metadata where the cell ids match, then the release's test cells."""
    released = {cell.get("id"): cell for cell in release.cells}
    by_grade_id = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell
                   for cell in release.cells}
    handed_in = copy.deepcopy(release)
    handed_in.cells = []
    for cell in student.cells:
        mine = copy.deepcopy(cell)
        twin = released.get(cell.get("id")) or by_grade_id.get(cell.get("id"))
        if twin is not None and "nbgrader" in twin.metadata:
            mine.metadata["nbgrader"] = copy.deepcopy(twin.metadata["nbgrader"])
        handed_in.cells.append(mine)
    student_ids = {cell.get("id") for cell in student.cells}
    handed_in.cells += [copy.deepcopy(cell) for cell in release.cells
                        if cell.metadata.get("nbgrader", {}).get("grade")
                        and cell.get("id") not in student_ids]
    return handed_in


def measure(students: Sequence[Student], work: Path, env: BaselineEnv,
            log: Callable[[str], None]) -> NbgraderResult:
    notebooks = list(students[0].handed_in)
    root = work / "course"
    course = _Course(root, env)
    log("  nbgrader: course directory, student import, generate_assignment")
    setup = course.set_up(notebooks, students)
    log(f"  nbgrader autograde: the first {SMALL} student(s)")
    small = course.run("autograde", ASSIGNMENT, f"--student={_glob(students[:SMALL])}")
    log(f"  nbgrader autograde: {len(students)} students (--force)")
    full = course.run("autograde", ASSIGNMENT, "--force")
    return NbgraderResult(env.nbgrader_version, len(students), len(notebooks), setup,
                          small.seconds, full.seconds, course.scores())


class _Course:
    def __init__(self, root: Path, env: BaselineEnv) -> None:
        self.root = root
        self.env = env
        # Keep a user's own ~/.jupyter/nbgrader_config.py out of the benchmark.
        self.environ = env.environ({"JUPYTER_CONFIG_DIR": str(root / ".jupyter")})

    def set_up(self, notebooks: Sequence[str], students: Sequence[Student]) -> float:
        source = self.root / "source" / ASSIGNMENT
        source.mkdir(parents=True)
        (self.root / "nbgrader_config.py").write_text(
            "c = get_config()\n"
            f"c.CourseDirectory.root = {str(self.root)!r}\n"
            f"c.CourseDirectory.course_id = {COURSE!r}\n"
            "c.Execute.timeout = 120  # seconds per cell, as the kit's --grader-timeout\n",
            encoding="utf-8")
        for name in notebooks:
            nbformat.write(source_notebook(SOLUTIONS / name), source / name)
        roster = self.root / "students.csv"
        roster.write_text("id,first_name,last_name\n" + "".join(
            f"{s.id},Student,{s.id.upper()}\n" for s in students), encoding="utf-8")
        seconds = self.run("db", "student", "import", roster).seconds
        seconds += self.run("generate_assignment", ASSIGNMENT, "--force").seconds
        for student in students:
            folder = self.root / "submitted" / student.id / ASSIGNMENT
            folder.mkdir(parents=True)
            for name in notebooks:
                release = nbformat.read(self.root / "release" / ASSIGNMENT / name, as_version=4)
                theirs = nbformat.read(student.folder / name, as_version=4)
                nbformat.write(submission(release, theirs), folder / name)
        return seconds

    def run(self, *args: str | Path) -> Run:
        run = run_timed([self.env.nbgrader, *args], cwd=self.root, env=self.environ)
        if not run.ok:
            raise NbgraderFailed(f"nbgrader {' '.join(map(str, args))} exited "
                                 f"{run.returncode}: {run.tail[-1200:]}")
        return run

    def scores(self) -> dict[str, list[float]]:
        db = f"sqlite:///{self.root / 'gradebook.db'}"
        run = run_timed([self.env.python, "-c", _SCORES, db, COURSE, ASSIGNMENT], cwd=self.root,
                        env=self.environ)
        if not run.ok:
            return {}
        return dict(json.loads(run.tail.splitlines()[-1]))


def _metadata(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
              points: int | None = None) -> dict[str, object]:
    meta: dict[str, object] = {"schema_version": 3, "grade": grade, "locked": locked,
                               "solution": solution, "task": False, "grade_id": grade_id}
    if points is not None:
        meta["points"] = points
    return meta


def _glob(students: Sequence[Student]) -> str:
    """A file glob for nbgrader's --student that matches exactly these ids ("s0[01]")."""
    ids = [s.id for s in students]
    prefix = ids[0][:-1]
    if any(i[:-1] != prefix for i in ids):
        raise ValueError(f"no simple glob for the students {ids}")
    return prefix + "[" + "".join(i[-1] for i in ids) + "]"
