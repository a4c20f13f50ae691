"""Where a class's students are graded: this machine's processes (local.py) or a Dask cluster
(grader/cluster/), behind one protocol (protocol.py), below the class run (grader/batch/run.py)
that plans, checks the reference, and writes every record, the gradebook and the report.

What both executors share: one student's grading process (one_student.py), where it comes from
(starter.py: forked by the batch or by the machine's daemon), and what a grade is computed from
(inputs.py: a cluster worker checks its own course against the client's with it)."""
