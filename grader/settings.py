"""Every setting of a grading run, declared once.

From this table come all of its surfaces: the pytest options (`--grader-seed`), the options
of the kit's commands (`grader grade --seed`), the keys of a course's `[tool.grader]` table,
the environment variables, the `ExecutionSettings` of each kernel and the regrade digest of
`grader grade` (a setting that changes a grade is part of every student's inputs, so changing
it regrades them). tests/unit/test_settings.py fails when a setting exists outside the table.

A value is taken from, in order: the command line, its environment variable (where it has
one), the course's `[tool.grader]`, the default here.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from grader.execution.settings import DEFAULT_SEED, ExecutionSettings
from grader.sandbox.policy import AUTO, MODE_ENV, MODES

GRADE, CHECK, AUTOGRADE_PR = "grade", "check", "autograde-pr"  # commands taking --NAME


@dataclass(frozen=True)
class Setting:
    key: str  # the [tool.grader] key; --grader-KEY and --KEY with dashes
    kind: type  # int, float, str or bool (a flag): what a value from TOML, a flag or the
    # environment becomes
    default: Any
    help: str
    metavar: str | None = None
    choices: tuple[str, ...] | None = None
    env: str | None = None  # an environment variable that sets it
    digest: bool = True  # it changes a grade: part of the regrade digest
    pytest: bool = True  # a --grader-KEY option of a grading pytest run
    commands: tuple[str, ...] = ()  # the `grader` commands that take --KEY
    execution: str | None = None  # its field in ExecutionSettings, if a kernel needs it

    @property
    def pytest_option(self) -> str:
        return "--grader-" + self.key.replace("_", "-")

    @property
    def command_option(self) -> str:
        return "--" + self.key.replace("_", "-")

    def parse(self, value: Any) -> Any:
        """`value` as this setting's kind; ValueError or TypeError if it is not one."""
        if self.kind is bool:
            return _flag(value)
        if self.kind in (int, float) and isinstance(value, bool):
            raise TypeError(f"{value!r} is not a number")
        parsed = self.kind(value)
        if self.choices and parsed not in self.choices:
            raise ValueError(f"{value!r} is not one of {', '.join(self.choices)}")
        return parsed


_DEFAULTS = ExecutionSettings()
SETTINGS: tuple[Setting, ...] = (
    Setting("seed", int, DEFAULT_SEED, metavar="N", commands=(GRADE, CHECK),
            help="seed of torch, numpy and random, set before the first cell",
            execution="seed"),
    Setting("timeout", float, _DEFAULTS.cell_timeout, metavar="SECONDS",
            commands=(GRADE, CHECK), execution="cell_timeout",
            help="time limit of one cell, and of one call the grader makes into a notebook"),
    Setting("notebook_budget", float, _DEFAULTS.notebook_budget, metavar="SECONDS",
            commands=(GRADE,), execution="notebook_budget",
            help="time limit of a whole notebook; later cells are reported as not run"),
    Setting("probe_budget", float, _DEFAULTS.probe_budget, metavar="SECONDS",
            commands=(GRADE,), execution="probe_budget",
            help="time limit of all the grader's calls into one notebook together"),
    Setting("memory_limit", int, _DEFAULTS.memory_limit_mb, metavar="MB",
            commands=(GRADE,), execution="memory_limit_mb",
            help="memory cap of each kernel and, with the sandbox's cgroup, of its whole "
                 "process tree and of all of a student's kernels together (0: none)"),
    Setting("sandbox", str, AUTO, choices=MODES, env=MODE_ENV,
            commands=(GRADE, CHECK, AUTOGRADE_PR), execution="sandbox",
            help="the sandbox around every kernel: auto (every layer this machine allows, "
                 "recorded in each result), strict (refuse to grade unless every layer is "
                 "there), off (notebooks run with your rights: only for your own code)"),
    Setting("budget", float, 900.0, metavar="SECONDS", pytest=False, commands=(GRADE,),
            help="time limit of one student's grading, all notebooks together"),
    Setting("profile", bool, False, digest=False, commands=(GRADE,),
            help="write where the time went: each grading run's profile.json, and for a "
                 "class OUT/profile.md (per notebook: kernel start, cells, probes, pytest, "
                 "...; see the README's Speed)"),
)
BY_KEY = {setting.key: setting for setting in SETTINGS}


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _flag(value: Any) -> bool:
    """A flag's value: a TOML boolean, or the words an environment variable may hold."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise TypeError(f"{value!r} is not true or false")


def _option_kwargs(setting: Setting) -> dict[str, Any]:
    """How argparse (and pytest's parser) reads the setting: a flag takes no value."""
    if setting.kind is bool:
        return {"action": "store_const", "const": True, "default": None}
    return {"type": setting.kind, "default": None, "choices": setting.choices,
            "metavar": setting.metavar}


def _as_arguments(setting: Setting, value: Any) -> list[str]:
    """--grader-KEY=VALUE, or the bare flag when a flag is on (nothing when it is off)."""
    if setting.kind is bool:
        return [setting.pytest_option] if value else []
    return [f"{setting.pytest_option}={value}"]


def _described(setting: Setting) -> str:
    default = f"{setting.default:g}" if isinstance(setting.default, float) else \
        ("on" if setting.default else "off") if setting.kind is bool else setting.default
    where = f"${setting.env}, else " if setting.env else ""
    return f"{setting.help} (default: {where}the course's [tool.grader] {setting.key}, " \
           f"else {default})"


def add_pytest_options(group: Any) -> None:
    """Each setting's --grader-KEY, into pytest's option group (`parser.getgroup`)."""
    for setting in SETTINGS:
        if setting.pytest:
            group.addoption(setting.pytest_option, **_option_kwargs(setting),
                            help=_described(setting))


def add_command_options(parser: argparse.ArgumentParser, command: str) -> None:
    """The --KEY options of one `grader` command."""
    for setting in SETTINGS:
        if command in setting.commands:
            parser.add_argument(setting.command_option, **_option_kwargs(setting),
                                help=_described(setting))


def resolve(given: Mapping[str, Any], course_settings: Mapping[str, Any],
            environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting's value: `given` (the command line; None: not given), else its
    environment variable, else the course's, else the default."""
    environ = os.environ if environ is None else environ
    values = {}
    for setting in SETTINGS:
        value = _given(setting, given, environ)
        values[setting.key] = value if value is not None else \
            course_settings.get(setting.key, setting.default)
    return values


def _given(setting: Setting, given: Mapping[str, Any], environ: Mapping[str, str]) -> Any:
    """From the command line or the environment; None if neither sets it."""
    value = given.get(setting.key)
    if value is None and setting.env and environ.get(setting.env):
        value = setting.parse(environ[setting.env])
    return value


def from_command(args: argparse.Namespace, course_settings: Mapping[str, Any]
                 ) -> dict[str, Any]:
    """Resolve the settings of a `grader` command from its parsed arguments."""
    return resolve({s.key: getattr(args, s.key, None) for s in SETTINGS}, course_settings)


def execution_settings(values: Mapping[str, Any], **run: Any) -> ExecutionSettings:
    """What each kernel of a run is given; `run`: the other fields of ExecutionSettings,
    which no user sets (warm_kernels, protected)."""
    fields = {s.execution: values[s.key] for s in SETTINGS if s.execution}
    fields["memory_limit_mb"] = fields["memory_limit_mb"] or None  # 0: no cap
    return ExecutionSettings(**fields, **run)


def digest_part(values: Mapping[str, Any]) -> dict[str, Any]:
    """The settings that change a grade, as recorded in each student's inputs."""
    return {s.key: values[s.key] for s in SETTINGS if s.digest}


def given_arguments(args: argparse.Namespace) -> list[str]:
    """The --grader-KEY=VALUE arguments of the settings a command was given (its options,
    their environment variables), for a grading run whose course decides the rest (a pull
    request's trusted base)."""
    given = {s.key: getattr(args, s.key, None) for s in SETTINGS}
    return [argument for s in SETTINGS if s.pytest
            for value in [_given(s, given, os.environ)] if value is not None
            for argument in _as_arguments(s, value)]


def pytest_arguments(values: Mapping[str, Any]) -> list[str]:
    """The --grader-KEY=VALUE arguments that give a grading pytest run exactly `values`:
    a command hands its settings over explicitly, never through its environment."""
    return [argument for s in SETTINGS if s.pytest
            for argument in _as_arguments(s, values[s.key])]
