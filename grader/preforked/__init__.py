"""Grading processes forked from one that imported pytest, torch and the grader once: the
batch forks one per student, the check daemon one per `grader check`."""
