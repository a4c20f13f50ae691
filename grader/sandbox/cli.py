"""The `--sandbox` option of the kit's commands, the same everywhere."""

from __future__ import annotations

import argparse
import os

from grader.sandbox.policy import AUTO, MODE_ENV, MODES


def add_sandbox_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sandbox", choices=MODES, default=os.environ.get(MODE_ENV) or AUTO,
        help="the sandbox around every kernel: auto (every layer this machine allows, "
             "recorded in each result), strict (refuse to grade unless every layer is "
             "there), off (notebooks run with your rights; only for your own code)")


def use_sandbox_mode(args: argparse.Namespace) -> None:
    """Every grading process this command starts (batch, daemon, pytest) reads it."""
    os.environ[MODE_ENV] = args.sandbox
