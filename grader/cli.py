"""The `grader` command. Each subcommand registers its own parser and a `run(args) -> int`."""

from __future__ import annotations

import argparse
import sys

from grader.authoring import command as course_command
from grader.batch import command as grade_command
from grader.batch import gradebook_command
from grader.ci import command as autograde_pr_command
from grader.daemon import command as daemon_command
from grader.errors import GraderError
from grader.export import command as export_command
from grader.release import command as release_command
from grader.reports.class_report import command as report_command
from grader.selfcheck import command as check_command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grader",  # raw: --version stays on one line
                                     description="Grading kit for PyTorch course notebooks.",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=version())
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    course_command.register(commands)
    release_command.register(commands)
    check_command.register(commands)
    grade_command.register(commands)
    gradebook_command.register(commands)
    report_command.register(commands)
    export_command.register(commands)
    autograde_pr_command.register(commands)
    daemon_command.register(commands)
    return parser


def version() -> str:
    """The kit's version, and the torch and Python it runs with (torch is not imported)."""
    from importlib import metadata

    def installed(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    python = ".".join(map(str, sys.version_info[:3]))
    return (f"torch-grader {installed('torch-grader')} (torch {installed('torch')}, "
            f"Python {python} at {sys.executable})")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except GraderError as exc:
        print(f"grader {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
