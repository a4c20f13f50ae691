"""Making a course: `grader init` (a new course) and `grader new` (a new assignment: its
solution, tests and template). Above both the course's layout (grader/course/) and the release
of templates (grader/release/), which it uses."""
