"""`grader grade --scheduler tcp://HOST:PORT`: a class graded on a Dask cluster, one task per
student (client.py on the TA's side, worker.py on the workers')."""
