"""Benchmark of the grading kit against its floor, nbconvert and nbgrader: `python -m bench.run`."""
