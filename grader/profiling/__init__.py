"""Where grading time goes: spans per notebook and phase (`grader grade --profile`)."""
