"""A TA's journey, from the kit's wheel: make a course, check it, add an assignment, release it,
grade a class with the usual mess, regrade a late resubmission, report, export to Canvas; then
the course's Gradescope autograder, built and run as Gradescope runs it.

Each step asserts what the TA sees: the exit status, the words that tell what happened or what
to do, and never a traceback of the kit."""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from tests.journeys.machines import TRACEBACK, Machine, Seen, make_environment

pytestmark = pytest.mark.slow  # whole runs: ordered first (tests/conftest.py)

LINE = '''\
def line(x, w, b):
    """The line w * x + b, for a tensor x."""
    ### BEGIN SOLUTION
    return w * x + b
    ### END SOLUTION'''
LINE_TESTS = '''\
import pytest

from grader.checks import expect_close
from grader.grading.inputs import grader_tensor

pytestmark = pytest.mark.assignment("02_lines.ipynb")


@pytest.mark.points(3)
def test_line_on_the_graders_points(submission, reference):
    """line(x, w, b) is w * x + b"""
    x = grader_tensor(6, 1, seed=3)
    expect_close(submission.call("line", x, 2.0, -1.0).value,
                 reference.call("line", x, 2.0, -1.0).value, "line(x, 2, -1)")
'''
ROSTER = """\
Student,ID,SIS User ID,SIS Login ID,Section
"A, Alice",101,S1,alice,Mon
"B, Bob",102,S2,bob@uni.edu,Mon
"C, Carol",103,S3,carol,Tue
"D, Dave",104,S4,dave@uni.edu,Tue
"E, Erin",105,S5,ERIN,Tue
"F, Frank",106,S6,frank,Tue
"""


def clean(seen: Seen, code: int = 0) -> Seen:
    """The command ended with `code` and showed no traceback of the kit."""
    assert seen.code == code, repr(seen)
    assert TRACEBACK not in seen.text, repr(seen)
    return seen


def one_error(seen: Seen, command: str, *words: str) -> str:
    """Refused with one message (one `grader COMMAND: error:` line) that holds `words`."""
    clean(seen, 2)
    errors = [line for line in seen.err.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith(f"grader {command}: error: "), repr(seen)
    for word in words:
        assert word in errors[0], repr(seen)
    return errors[0]


def write_lines_assignment(course: Path) -> None:
    """What a TA does after `grader new 02_lines`: their own solution and test."""
    solution = course / "solutions" / "02_lines.ipynb"
    notebook = nbformat.read(solution, as_version=4)
    notebook.cells = [c for c in notebook.cells if c.id in ("intro", "imports")]
    notebook.cells.append(nbformat.v4.new_code_cell(LINE, id="line"))
    nbformat.write(notebook, solution)
    (course / "grader" / "test_02_lines.py").write_text(LINE_TESTS, encoding="utf-8")


def make_class(course: Path, machine: Machine) -> Path:
    """Five students, as a class really hands in: a browser's `(1)` copy and an autosave copy,
    an untouched template, a notebook that raises, an empty folder, a late resubmission."""
    solutions, templates = course / "solutions", course / "assignments"
    subs = course / "submissions"
    for student in ("alice", "bob", "carol", "dave", "erin"):
        (subs / student).mkdir(parents=True)
    shutil.copy(solutions / "01_example.ipynb", subs / "alice" / "01_example.ipynb")
    shutil.copy(solutions / "02_lines.ipynb", subs / "alice" / "02_lines (1).ipynb")
    (subs / "alice" / ".ipynb_checkpoints").mkdir()
    shutil.copy(templates / "02_lines.ipynb",
                subs / "alice" / ".ipynb_checkpoints" / "02_lines-checkpoint.ipynb")
    for name in ("01_example.ipynb", "02_lines.ipynb"):
        shutil.copy(templates / name, subs / "bob" / name)
    raising = nbformat.read(solutions / "01_example.ipynb", as_version=4)
    use = next(c for c in raising.cells if c.id == "use")
    use.source = 'raise RuntimeError("I gave up here")\n' + use.source
    nbformat.write(raising, subs / "carol" / "01_example.ipynb")
    shutil.copy(solutions / "02_lines.ipynb", subs / "carol" / "02_lines.ipynb")
    shutil.copy(solutions / "01_example.ipynb", subs / "erin" / "01_example.ipynb")
    shutil.copy(templates / "02_lines.ipynb", subs / "erin" / "02_lines.ipynb")
    machine.give(subs)
    return subs


@pytest.mark.parametrize("machine", ["user"], indirect=True)  # root: test_gradescope below
def test_a_ta_makes_a_course_grades_a_messy_class_and_exports_it(machine: Machine) -> None:
    version = clean(machine.run("grader --version"))
    assert version.out.startswith("torch-grader ") and "torch 2." in version.out

    made = clean(machine.run("grader init my-course"))
    assert "grader check solutions/01_example.ipynb" in made.out
    course = machine.home / "my-course"
    [wheel] = (course / "kit").iterdir()  # the kit, for the students: it is on no index
    assert wheel.name.startswith("torch_grader-") and wheel.suffix == ".whl"
    assert f"kit/{wheel.name}[notebook]" in (course / "README.md").read_text()

    full = clean(machine.run("grader check solutions/01_example.ipynb", cwd=course))
    assert "Score: 3 / 3" in full.out
    zero = clean(machine.run("grader check assignments/01_example.ipynb", cwd=course), 1)
    assert "not implemented yet" in zero.out and "Score: 0 / 3" in zero.out

    new = clean(machine.run("grader new 02_lines", cwd=course))
    assert "grader/test_02_lines.py" in new.out
    write_lines_assignment(course)
    machine.give(course)
    released = clean(machine.run("grader release", cwd=course))
    assert "wrote" in released.out and "02_lines.ipynb" in released.out

    subs = make_class(course, machine)
    graded = clean(machine.run("grader grade submissions --out grades -j 2", cwd=course))
    assert "graded 5 students;" in graded.out, repr(graded)
    book = pd.read_csv(course / "grades" / "gradebook.csv").set_index("student")
    assert book["total"].to_dict() == {"alice": 6, "bob": 0, "carol": 5, "dave": 0, "erin": 3}
    layers = book.loc["alice", "sandbox"].split()  # "auto: landlock namespaces ..."
    assert layers[0] == "auto:" and "own-uid" not in layers  # a user has no uid to give away
    carol = (course / "grades" / "students" / "carol" / "summary.md").read_text()
    assert "RuntimeError: I gave up here" in carol
    dave = (course / "grades" / "students" / "dave" / "summary.md").read_text()
    assert "was not found" in dave
    assert "the reference solutions pass their tests" in graded.err
    for student in ("alice", "bob"):  # the reference ran before them, not in their budgets
        record = json.loads((course / "grades" / "students" / student / "grade.json").read_text())
        assert record["results"]["extra_data"]["reference_runs"] == 0

    inside = machine.run("grader grade submissions --out submissions/grades", cwd=course)
    one_error(inside, "grade", "inside the submissions folder", "--out")
    assert not (subs / "grades").exists()
    machine.folder("my-course/nobody-yet")
    empty = machine.run("grader grade nobody-yet --out grades-2", cwd=course)
    one_error(empty, "grade", "holds no student folder", "Nobody was graded")

    shutil.copy(course / "solutions" / "02_lines.ipynb", subs / "erin" / "02_lines.ipynb")
    machine.give(subs)
    late = clean(machine.run("grader grade submissions --out grades -j 2", cwd=course))
    assert "a new notebook for 02_lines (1 student)" in late.err
    assert "graded 1 student, kept 4 graded before" in late.out
    book = pd.read_csv(course / "grades" / "gradebook.csv").set_index("student")
    assert book.loc["erin", "total"] == 6
    again = clean(machine.run("grader grade submissions --out grades", cwd=course))
    assert "graded 0 students: all 5 were graded before" in again.out

    clean(machine.run("grader report grades", cwd=course))
    assert (course / "grades" / "report.html").is_file()

    (course / "roster.csv").write_text(ROSTER, encoding="utf-8")
    machine.give(course / "roster.csv")
    exported = clean(machine.run("grader export canvas grades --roster roster.csv",
                                 cwd=course))
    rows = {row["SIS Login ID"]: row for row in
            csv.DictReader((course / "grades" / "canvas.csv").read_text().splitlines())}
    assert rows["dave@uni.edu"]["01_example"] == "0" and rows["bob@uni.edu"]["02_lines"] == "0"
    assert rows["alice"]["02_lines"] == "3" and rows["ERIN"]["02_lines"] == "3"
    problems = [line for line in exported.err.splitlines() if line.strip()]
    assert problems and all(line.startswith("grader export: ") for line in problems), repr(exported)
    assert "Frank" in exported.err


@pytest.mark.parametrize("machine", ["root"], indirect=True)  # as Gradescope runs it
def test_a_courses_gradescope_autograder_installs_the_kit_from_its_zip_and_grades(
        machine: Machine, outside_tmp: Path) -> None:
    """Built by the TA; run as Gradescope runs it (root, /autograder/source, submission and
    results under AUTOGRADER_ROOT), with an environment that has torch and the kit's
    dependencies but neither the kit nor pip: setup.sh gives it pip and installs the kit from
    the zip, with no package index for the kit."""
    clean(machine.run("grader init my-course"))
    course = machine.home / "my-course"
    built = clean(machine.run("grader release --gradescope autograder.zip", cwd=course))
    assert "wrote the Gradescope autograder" in built.out

    root = outside_tmp / "autograder"
    with zipfile.ZipFile(course / "autograder.zip") as archive:
        kit = [n for n in archive.namelist() if n.startswith("kit/")]
        assert len(kit) == 1 and kit[0].endswith("-py3-none-any.whl")
        for info in archive.infolist():  # as Gradescope does: into source/, with the modes
            path = Path(archive.extract(info, root / "source"))
            path.chmod((info.external_attr >> 16) & 0o777)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    venv = make_environment(outside_tmp / "opt-torch-grader", wheel=None)
    gradescope = Machine("gradescope", venv, outside_tmp)  # root, as Gradescope runs scripts
    env = gradescope.env(AUTOGRADER_ROOT=str(root), GRADER_VENV=str(venv),
                         PIP_NO_INDEX="1")  # the kit must come from the zip: no index at all
    setup = clean(gradescope.run(f"bash {root / 'source' / 'setup.sh'}", env=env))
    assert "the solutions pass all 2 tests (3 points)" in setup.out
    installed = clean(gradescope.run(f"{venv}/bin/python -m pip show -f torch-grader", env=env))
    assert f"Location: {venv}" in installed.out

    for name, source, score in (("01_example (1).ipynb", "solutions", 3),
                                ("work/lab.ipynb", "assignments", 0)):
        for folder in ("submission", "results"):
            shutil.rmtree(root / folder, ignore_errors=True)
            (root / folder).mkdir()
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(course / source / "01_example.ipynb", root / "submission" / name)
        clean(gradescope.run(str(root / "run_autograder"), env=env))
        results = json.loads((root / "results" / "results.json").read_text())
        assert results["score"] == score, results
        assert f"{name} graded as 01_example.ipynb" in results["output"]
