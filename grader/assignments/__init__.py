"""The course's graded tests: one module per notebook in assignments/ (and solutions/)."""
