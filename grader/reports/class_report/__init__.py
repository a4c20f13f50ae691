"""The class report: how a class did, which tests most students failed and why.

`write_class_report(OUT)` reads the records `grader grade` left in OUT and writes
OUT/report.html (self-contained), OUT/report.md (for a CI job summary), the figures as PNG
files in OUT/report/, OUT/similarity.csv (pairs of students whose code is alike) and each
student's feedback as a page, OUT/students/NAME/feedback.html. `grader report OUT` runs it
again, grading nobody.
"""

from grader.reports.class_report.write import WrittenReport, write_class_report

__all__ = ["WrittenReport", "write_class_report"]
