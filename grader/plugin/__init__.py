"""The pytest layer: options, fixtures, points and the score table. Registered as `grader`."""
