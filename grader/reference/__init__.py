"""Reference solutions: executed and probed like a submission, their answers cached on disk."""
