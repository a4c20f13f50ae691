"""One table of settings (grader/settings.py): every surface is made from it, and nothing that
acts as a setting exists outside it."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import pytest

from grader.cli import build_parser
from grader.course.config import FOLDERS, read_course
from grader.errors import UserError
from grader.execution.settings import ExecutionSettings
from grader.executors.inputs import grading_settings
from grader.plugin.options import add_options
from grader.settings import (
    BY_KEY,
    SETTINGS,
    digest_part,
    execution_settings,
    given_arguments,
    pytest_arguments,
    resolve,
)

# ExecutionSettings fields no user sets: limits of the kit itself (its digest covers them)
# and facts of one run. A new field must be added to the table or, knowingly, here.
INTERNAL_FIELDS = {"address_space_cap", "output_limit_kb", "threads", "warm_kernels",
                   "process_limit", "disk_limit_mb", "protected", "notebook_output_limit_mb",
                   "cpu_cores"}
# --grader-* options that say what a run grades and where results go: not settings.
RUN_OPTIONS = {"--grader-notebooks", "--grader-solutions", "--grader-cache-dir",
               "--grader-report", "--grader-student", "--grader-no-cache",
               "--grader-cold-kernels"}
# Arguments of the commands that are not settings: what to grade, where, how many at once.
COMMAND_ARGUMENTS = {
    "grade": {"submissions", "--out", "--jobs", "--force", "--solutions", "--assignment",
              "--cold", "--shard", "--scheduler"},
    "check": {"notebook", "--solutions", "--cold"},
    "autograde-pr": {"--base", "--head", "--out", "--repo", "--cache-dir"},
}


class _Group:
    """Collects pytest options as the plugin adds them."""

    def __init__(self) -> None:
        self.options: list[str] = []

    def addoption(self, name: str, **kwargs: object) -> None:
        self.options.append(name)


class _Parser:
    def __init__(self) -> None:
        self.group = _Group()

    def getgroup(self, *args: object) -> _Group:
        return self.group


def test_every_field_of_the_kernels_settings_is_in_the_table_or_known_to_be_internal() -> None:
    fields = {field.name for field in dataclasses.fields(ExecutionSettings)}
    from_table = {s.execution for s in SETTINGS if s.execution}
    assert fields - from_table == INTERNAL_FIELDS
    assert from_table <= fields


def test_every_grader_option_of_pytest_is_a_setting_of_the_table_or_a_run_option() -> None:
    parser = _Parser()
    add_options(parser)  # type: ignore[arg-type]
    options = set(parser.group.options)
    assert options - RUN_OPTIONS == {s.pytest_option for s in SETTINGS if s.pytest}


@pytest.mark.parametrize("command", sorted(COMMAND_ARGUMENTS))
def test_each_commands_options_are_its_arguments_and_the_settings_the_table_gives_it(
        command: str) -> None:
    subparsers = next(action for action in build_parser()._actions
                      if isinstance(action, argparse._SubParsersAction))
    parser = subparsers.choices[command]
    names = {action.option_strings[-1] if action.option_strings else action.dest
             for action in parser._actions if action.dest != "help"}
    settings = {s.command_option for s in SETTINGS if command in s.commands}
    assert names - COMMAND_ARGUMENTS[command] == settings


def test_a_courses_table_accepts_exactly_the_folders_and_the_settings(tmp_path: Path) -> None:
    keys = [*FOLDERS, *BY_KEY]
    values = {"seed": 7, "timeout": 30, "notebook_budget": 60.5, "probe_budget": 10,
              "memory_limit": 2048, "sandbox": "off", "budget": 100, "profile": True}
    assert set(values) == set(BY_KEY), "give the new setting a value in this test"
    lines = [f'{key} = "{key}"' for key in FOLDERS] + \
        [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    (tmp_path / "pyproject.toml").write_text("[tool.grader]\n" + "\n".join(lines) + "\n")
    course = read_course(tmp_path)
    assert course.settings == values and len(keys) == len(set(keys))
    (tmp_path / "pyproject.toml").write_text("[tool.grader]\nseeds = 1\n")
    with pytest.raises(UserError, match="no setting seeds"):
        read_course(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.grader]\nsandbox = "loose"\n')
    with pytest.raises(UserError, match="'auto' or 'strict' or 'off'"):
        read_course(tmp_path)


def test_a_value_comes_from_the_command_line_then_the_environment_then_the_course() -> None:
    course = {"seed": 7, "sandbox": "strict"}
    assert resolve({}, {}, {})["seed"] == BY_KEY["seed"].default
    assert resolve({}, course, {})["seed"] == 7
    assert resolve({"seed": 9}, course, {})["seed"] == 9
    assert resolve({}, course, {"GRADER_SANDBOX_MODE": "off"})["sandbox"] == "off"
    assert resolve({"sandbox": "auto"}, course, {"GRADER_SANDBOX_MODE": "off"})["sandbox"] \
        == "auto"


def test_the_regrade_digest_holds_exactly_the_settings_that_change_a_grade() -> None:
    values = resolve({}, {}, {})
    assert set(digest_part(values)) == {s.key for s in SETTINGS if s.digest}
    assert set(digest_part(values)) <= set(grading_settings(values))
    assert "budget" in digest_part(values) and "sandbox" in digest_part(values)


def test_settings_reach_a_grading_pytest_run_explicitly_and_its_kernels_unchanged() -> None:
    values = resolve({"seed": 11, "memory_limit": 0, "sandbox": "off"}, {}, {})
    arguments = pytest_arguments(values)
    assert "--grader-seed=11" in arguments and "--grader-sandbox=off" in arguments
    assert not any(a.startswith("--grader-budget") for a in arguments)  # the batch's own
    assert not any(a.startswith("--grader-profile") for a in arguments)  # a flag, off
    assert "--grader-profile" in pytest_arguments({**values, "profile": True})
    kernel = execution_settings(values, warm_kernels=False)
    assert (kernel.seed, kernel.memory_limit_mb, kernel.sandbox, kernel.warm_kernels) == \
        (11, None, "off", False)


def test_a_trusted_course_decides_the_settings_a_command_was_not_given(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRADER_SANDBOX_MODE", raising=False)
    assert given_arguments(argparse.Namespace(sandbox=None)) == []
    assert given_arguments(argparse.Namespace(sandbox="strict")) == ["--grader-sandbox=strict"]
    monkeypatch.setenv("GRADER_SANDBOX_MODE", "off")
    assert given_arguments(argparse.Namespace(sandbox=None)) == ["--grader-sandbox=off"]
