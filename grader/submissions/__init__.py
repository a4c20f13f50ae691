"""What students handed in, read as data: who they are, which file is which assignment's
notebook, and its bytes, never through a link. Below every command that grades submissions
(the batch, a cluster task, a grading session, Gradescope, pull requests)."""
