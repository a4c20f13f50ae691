"""Autograding of pull requests in CI: grade the notebooks a pull request changes with the
grader, tests and solutions of the trusted base branch (`grader autograde-pr`)."""

from grader.ci.autograde import AutogradeOutcome, autograde_pr

__all__ = ["AutogradeOutcome", "autograde_pr"]
