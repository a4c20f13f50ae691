"""A course's layout and settings, from the `[tool.grader]` table of its pyproject.toml.

    [tool.grader]
    assignments = "assignments"      # the templates students fill (default)
    solutions = "solutions"          # the reference solutions (default)
    tests = "grader"                 # the graded test modules (default: grader/, or
                                     #   grader/assignments/ where that folder exists)
    seed = 4242                      # and every other setting of grader/settings.py:
    memory_limit = 6144              #   timeout, notebook_budget, probe_budget, sandbox, budget

Every key is optional; the command line (`--grader-seed`, `grader grade --seed`, ...)
overrides any of them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.errors import UserError
from grader.settings import BY_KEY as SETTINGS
from grader.settings import Setting

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover (Python 3.10)
    import tomli as tomllib

FOLDERS = ("assignments", "solutions", "tests")
HIDDEN_SUFFIX = "_hidden"  # test_NN_name_hidden.py: hidden tests, left out of student kits


class CourseNotFound(UserError):
    """No course folder where the kit was run."""


@dataclass(frozen=True)
class Course:
    root: Path
    assignments: Path
    solutions: Path
    tests: Path
    settings: dict[str, Any] = field(default_factory=dict)  # [tool.grader] values given

    def setting(self, name: str, default: Any) -> Any:
        return self.settings.get(name, default)

    def test_modules(self, hidden: bool = True) -> list[Path]:
        return sorted(p for p in self.tests.glob("test_*.py")
                      if hidden or not p.stem.endswith(HIDDEN_SUFFIX))

    def graded_notebooks(self) -> list[str]:
        """The notebook names that have a test module: test_02_x.py -> 02_x.ipynb."""
        return sorted({notebook_of(p) for p in self.test_modules()})

    def tests_for(self, notebook: str) -> list[Path]:
        """The notebook's test module, and its hidden tests' module if there is one."""
        stem = Path(notebook).stem
        return [p for p in (self.tests / f"test_{stem}.py",
                            self.tests / f"test_{stem}{HIDDEN_SUFFIX}.py") if p.exists()]


def notebook_of(test_module: Path) -> str:
    """The notebook a test module of a course grades: test_02_x(_hidden).py -> 02_x.ipynb."""
    return test_module.stem.removeprefix("test_").removesuffix(HIDDEN_SUFFIX) + ".ipynb"


def read_course(root: Path) -> Course:
    """The course in `root`, from its pyproject.toml's [tool.grader] (all keys optional)."""
    table = read_table(root / "pyproject.toml") or {}
    unknown = sorted(set(table) - set(SETTINGS) - set(FOLDERS))
    if unknown:
        raise UserError(f"{root / 'pyproject.toml'}: [tool.grader] has no setting "
                        f"{', '.join(unknown)} (known: {', '.join((*FOLDERS, *SETTINGS))})")
    settings = {}
    for name, setting in SETTINGS.items():
        if name in table:
            try:
                settings[name] = setting.parse(table[name])
            except (TypeError, ValueError):
                raise UserError(f"{root / 'pyproject.toml'}: [tool.grader] {name} should be "
                                f"a {_kind_in_words(setting)}, not {table[name]!r}") from None
    default_tests = "grader/assignments" if (root / "grader" / "assignments").is_dir() \
        else "grader"
    return Course(root=root,
                  assignments=root / table.get("assignments", "assignments"),
                  solutions=root / table.get("solutions", "solutions"),
                  tests=root / table.get("tests", default_tests),
                  settings=settings)


def _kind_in_words(setting: Setting) -> str:
    if setting.choices:
        return " or ".join(repr(choice) for choice in setting.choices)
    return {int: "whole number", float: "number"}.get(setting.kind, setting.kind.__name__)


def read_table(pyproject: Path) -> dict[str, Any] | None:
    """The [tool.grader] table of a pyproject.toml; None if the file or the table is absent."""
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"{pyproject} could not be read: {exc}") from None
    table = data.get("tool", {}).get("grader")
    return table if isinstance(table, dict) else None
