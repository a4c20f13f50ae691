"""A student's journey: the course they get (`grader release --student-kit` of a course made
with `grader init`), set up as its README says, then checked from a terminal and from a notebook
kernel, with the usual slips: a misspelt name, a notebook never saved (an empty file), a copy,
a notebook kept outside the course; then `grader daemon stop`.

Each step asserts what the student sees: one message that says what to do, in the course's own
names, and never a traceback."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest

from tests.journeys.machines import TRACEBACK, Machine, Seen, make_environment

pytestmark = pytest.mark.slow  # whole runs: ordered first (tests/conftest.py)

# A notebook's kernel, started as Jupyter starts it (jupyter_client, the notebook's folder as
# its working directory, JPY_SESSION_NAME naming the notebook), running one cell per argument.
KERNEL = '''\
import json, os, sys
from jupyter_client.manager import start_new_kernel

folder, session, cells = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
manager, client = start_new_kernel(kernel_name="python3", cwd=folder,
                                   env=dict(os.environ, JPY_SESSION_NAME=session))
shown = []
try:
    for code in cells:
        asked = client.execute(code)
        text = []
        while True:
            message = client.get_iopub_msg(timeout=600)
            if message["parent_header"].get("msg_id") != asked:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                text.append(content["text"])
            elif kind == "error":
                text.append("Traceback (most recent call last) " + content["ename"] + ": "
                            + content["evalue"])
            elif kind == "status" and content["execution_state"] == "idle":
                break
        shown.append("".join(text))
finally:
    client.stop_channels()
    manager.shutdown_kernel(now=True)
print(json.dumps(shown))
'''
SETUP_LINES = re.compile(r"^    ((?:python3 -m venv|\. \.venv|pip install).*)$", re.MULTILINE)


def clean(seen: Seen, code: int) -> Seen:
    assert seen.code == code, repr(seen)
    assert TRACEBACK not in seen.text, repr(seen)
    assert "02_training_loop" not in seen.text, repr(seen)  # the reference course's name: not here
    return seen


def one_message(seen: Seen, *words: str) -> str:
    """Stopped with one message (`grader check: error: ...`), holding `words`."""
    clean(seen, 2)
    lines = [line for line in seen.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("grader check: error: "), repr(seen)
    for word in words:
        assert word in lines[0], repr(seen)
    return lines[0]


def student_kit(machine: Machine) -> Path:
    """The course as students get it: `grader init`, then `grader release --student-kit`."""
    clean(machine.run("grader init course"), 0)
    made = clean(machine.run("grader release --student-kit ../student", cwd=machine.home /
                             "course"), 0)
    assert "wrote the student kit" in made.out
    return machine.home / "student"


def set_up_as_the_readme_says(machine: Machine, folder: Path) -> Machine:
    """The README's setup lines, run literally in the student's folder, by a person whose PATH
    has no environment yet. The venv they make is there already with torch and Jupyter (so
    that nothing is downloaded): `python3 -m venv` then gives it pip, and the kit comes from the
    course's kit/ folder, with no package index."""
    readme = (folder / "README.md").read_text(encoding="utf-8")
    lines = SETUP_LINES.findall(readme)
    assert [line.split()[0] for line in lines] == ["python3", ".", "pip", "pip"], readme
    assert re.search(r'^pip install "kit/torch_grader-[^"]+\.whl\[notebook\]"$', lines[-1],
                     re.MULTILINE), lines
    make_environment(folder / ".venv", wheel=None)
    machine.give(folder / ".venv")
    fresh = {**machine.env(), "PATH": "/usr/local/bin:/usr/bin:/bin", "PIP_NO_INDEX": "1"}
    fresh.pop("VIRTUAL_ENV")
    done = machine.run(" && ".join(["set -e", *lines, "grader --version"]), cwd=folder,
                       env=fresh)
    assert done.code == 0 and f"{folder}/.venv/bin/python" in done.out, repr(done)
    return Machine(machine.name, folder / ".venv", machine.home, machine.account)


@pytest.mark.parametrize("machine", ["user"], indirect=True)  # students: users, not root
def test_a_student_sets_up_as_the_readme_says_and_checks_from_a_terminal_and_a_notebook(
        machine: Machine) -> None:
    folder = student_kit(machine)
    student = set_up_as_the_readme_says(machine, folder)
    assignments = folder / "assignments"
    work = assignments / "01_example.ipynb"

    zero = clean(student.run("grader check assignments/01_example.ipynb", cwd=folder), 1)
    assert "not implemented yet" in zero.out and "Score: 0 / 3" in zero.out

    one_message(student.run("grader check assignments/01_exmaple.ipynb", cwd=folder),
                "Did you mean `grader check assignments/01_example.ipynb`?", "save")
    one_message(student.run("grader check assignments", cwd=folder),
                "is a folder", "`grader check assignments/01_example.ipynb`")
    student.run('touch "assignments/01_example (1).ipynb"', cwd=folder)  # never saved
    one_message(student.run('grader check "assignments/01_example (1).ipynb"', cwd=folder),
                "empty file", "save it")

    shutil.copy(machine.home / "course" / "solutions" / "01_example.ipynb", work)
    machine.give(work)
    inside = clean(student.run("cd assignments && grader check 01_example.ipynb", cwd=folder),
                   0)
    assert "Score: 3 / 3" in inside.out

    elsewhere = student.folder("elsewhere")
    student.run(f"cp {work} {elsewhere}/01_example.ipynb")
    outside = clean(student.run(f"grader check {elsewhere}/01_example.ipynb", cwd=folder), 0)
    assert "Score: 3 / 3" in outside.out  # the course is where the student runs it from
    lost = student.run("grader check elsewhere/01_example.ipynb", cwd=machine.home)
    one_message(lost, "neither", "nor", "Run `grader check` from the course's folder")

    daemons = machine.home / ".run" / f"grader-{machine.uid}"
    from_terminal = set(daemons.glob("check-*.sock"))
    (folder / "kernel.py").write_text(KERNEL, encoding="utf-8")
    machine.give(folder / "kernel.py")
    cells = ['import grader; grader.check("01_exmaple.ipynb")',
             'grader.check("01_example (1).ipynb")',
             "grader.check()",
             "grader.check('notes.txt')"]
    ran = student.run(shlex.join(["python", "kernel.py", str(assignments), str(work),
                                  json.dumps(cells)]), cwd=folder)
    assert ran.code == 0, repr(ran)
    misspelt, empty, this, wrong = json.loads(ran.out)
    for shown in (misspelt, empty, this, wrong):
        assert TRACEBACK not in shown and "02_training_loop" not in shown, shown
    assert "Did you mean `grader check 01_example.ipynb`?" in misspelt and "save" in misspelt
    assert "empty file" in empty and "save it" in empty
    assert "Score: 3 / 3" in this
    assert "grader.check('01_example.ipynb')" in wrong  # the course's own name in the hint

    from_kernel = set(daemons.glob("check-*.sock")) - from_terminal
    assert from_terminal and from_kernel, "a kernel sees Jupyter's environment: its own daemon"
    stopped = clean(student.run("grader daemon stop"), 0)
    assert f"stopped {len(from_terminal | from_kernel)} check daemons" in stopped.out
    assert machine.wait_until(lambda: not list(daemons.glob("check-*.sock")))
