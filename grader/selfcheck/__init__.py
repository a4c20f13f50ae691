"""`grader check NOTEBOOK`: a student grades one notebook and reads every test's verdict."""
