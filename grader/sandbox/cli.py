"""The `--sandbox` option of the kit's commands, the same everywhere."""

from __future__ import annotations

import argparse
import os

from grader.sandbox.policy import AUTO, MODE_ENV, MODES


def add_sandbox_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sandbox", choices=MODES, default=None,
        help="the sandbox around every kernel: auto (every layer this machine allows, "
             "recorded in each result), strict (refuse to grade unless every layer is "
             "there), off (notebooks run with your rights; only for your own code); "
             f"default: ${MODE_ENV}, else the course's [tool.grader] sandbox, else auto")


def use_sandbox_mode(args: argparse.Namespace, course_setting: str | None) -> None:
    """Settle the mode once (option, environment, course, auto): every grading process this
    command starts (batch, daemon, pytest) reads it from the environment."""
    os.environ[MODE_ENV] = args.sandbox or os.environ.get(MODE_ENV) or course_setting or AUTO
