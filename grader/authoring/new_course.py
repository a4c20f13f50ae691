"""`grader init DIR`: a new course, laid out as the kit expects and ready to grade.

    DIR/pyproject.toml           [tool.grader]: where things are, and settings
    DIR/README.md                for students: how to fill, check and hand in a notebook
    DIR/solutions/01_example.ipynb   a first assignment (`grader new` adds more)
    DIR/assignments/01_example.ipynb its student template (`grader release` rewrites them)
    DIR/grader/conftest.py       the course's tests folder, with fixtures of its own
    DIR/grader/test_01_example.py
    DIR/kit/torch_grader-VERSION-py3-none-any.whl   the kit that made the course, which
                                 students install from here (it is not on a package index)
    DIR/.github/workflows/autograde.yml   pull-request autograding with the base's grader
    DIR/.gitignore
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from grader.authoring.new_assignment import new_assignment
from grader.course.config import read_course
from grader.errors import UserError
from grader.release.kit_wheel import build_kit_wheel, torch_version

FIRST = "01_example"
KIT = "kit"  # the folder of the kit's wheel, in the course


def new_course(folder: Path) -> Path:
    if folder.exists() and any(folder.iterdir()):
        raise UserError(f"{folder} is not empty: `grader init` makes a course in a new folder")
    templates = resources.files("grader.authoring") / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(
        (templates / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    wheel = build_kit_wheel(folder / KIT)
    title = folder.resolve().name.replace("-", " ").replace("_", " ").title()
    readme = (templates / "README.md").read_text(encoding="utf-8")
    for placeholder, value in (("{title}", title), ("{wheel}", wheel.name),
                               ("{torch}", torch_version()), ("{first}", FIRST)):
        readme = readme.replace(placeholder, value)
    (folder / "README.md").write_text(readme, encoding="utf-8")
    (folder / ".gitignore").write_text((templates / "gitignore").read_text(encoding="utf-8"),
                                       encoding="utf-8")
    (folder / "grader").mkdir()
    (folder / "grader" / "conftest.py").write_text(
        (templates / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8")
    workflow = folder / ".github" / "workflows" / "autograde.yml"
    workflow.parent.mkdir(parents=True)
    with resources.as_file(resources.files("grader.ci") / "templates" / "autograde.yml") as src:
        shutil.copy(src, workflow)
    new_assignment(read_course(folder.resolve()), FIRST)
    return folder
