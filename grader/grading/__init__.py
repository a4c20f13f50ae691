"""What tests talk to: a student's executed notebook, and the reference solution's."""

from grader.grading.call import Call
from grader.grading.reference import Reference
from grader.grading.submission import Submission

__all__ = ["Call", "Reference", "Submission"]
