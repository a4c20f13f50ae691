"""Grades out to a learning management system: the CSV files Canvas and Moodle import.

`grader export canvas OUT --roster ROSTER.csv` (or `moodle`) reads the records `grader grade`
left in OUT, matches each student's folder to a row of the course's roster (by id, login,
username or email) and writes the gradebook file that LMS imports; students that match no row,
or more than one, are listed instead of guessed.
"""

from grader.export.grades import ClassGrades, class_grades
from grader.export.layouts import LAYOUTS, Layout
from grader.export.roster import Matching, Roster, match_students, read_roster

__all__ = ["LAYOUTS", "ClassGrades", "Layout", "Matching", "Roster", "class_grades",
           "match_students", "read_roster"]
