"""Reports made from a finished run's results.json: a Markdown summary for people."""

from grader.reports.markdown import markdown_summary

__all__ = ["markdown_summary"]
