"""`grader grade`: a whole class, in parallel, resumable, into one gradebook."""
