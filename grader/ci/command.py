"""`grader autograde-pr`: the command-line face of pull-request autograding (run by CI)."""

from __future__ import annotations

import argparse
from pathlib import Path

from grader.ci.autograde import AutogradeOutcome, append_to_step_summary, autograde_pr
from grader.ci.summary import check_result
from grader.reports.sanitize import clean_name
from grader.settings import AUTOGRADE_PR, add_command_options, given_arguments


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "autograde-pr",
        help="grade the notebooks a pull request changes, with the base branch's grader",
        description="Grade the assignment notebooks changed between BASE and HEAD "
                    "(git diff BASE...HEAD) with the grader, tests and solutions of BASE, "
                    "never those of the pull request; a pull request that changes them is "
                    "flagged. Writes OUT/summary.md and OUT/autograde.json, and appends the "
                    "summary to $GITHUB_STEP_SUMMARY when it is set. Exits 0 whenever grading "
                    "happened, whatever the score.")
    parser.add_argument("--base", required=True, metavar="REF",
                        help="the pull request's base commit (trusted)")
    parser.add_argument("--head", required=True, metavar="REF",
                        help="the pull request's head commit (only its notebooks are read)")
    parser.add_argument("--out", type=Path, default=Path("autograde-report"), metavar="DIR",
                        help="where to write summary.md and autograde.json "
                             "(default: ./autograde-report)")
    parser.add_argument("--repo", type=Path, default=Path("."), metavar="DIR",
                        help="the git repository holding both commits (default: .)")
    parser.add_argument("--cache-dir", type=Path, default=None, metavar="DIR",
                        help="reuse reference answers cached in DIR (default: none kept)")
    add_command_options(parser, AUTOGRADE_PR)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    outcome = autograde_pr(args.repo, args.base, args.head, args.out, cache_dir=args.cache_dir,
                           settings=given_arguments(args))
    print(describe(outcome))
    print(f"Summary: {args.out / 'summary.md'}")
    if append_to_step_summary(outcome.summary):
        print("Appended to the job summary ($GITHUB_STEP_SUMMARY).")
    return 0


def describe(outcome: AutogradeOutcome) -> str:
    lines = [f"Graded {clean_name(n.path)} as {n.assignment}" for n in outcome.graded]
    lines += [f"Not graded: {clean_name(n.path)} ({clean_name(n.reason)})"
              for n in outcome.not_graded]
    if outcome.flagged:
        lines.append(f"FLAGGED: the pull request changes {len(outcome.flagged)} file(s) of the "
                     f"trusted grader ({', '.join(map(clean_name, outcome.flagged[:5]))}"
                     f"{', ...' if len(outcome.flagged) > 5 else ''}); graded with the base's.")
    lines.append(check_result(outcome).title)
    return "\n".join(lines)
