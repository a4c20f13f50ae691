"""The check daemon: `grader check` asks a process that stays up a few minutes after the last
check and has imported pytest, torch and the grader once, so that each check costs about what
the notebook's own code does. See service.py."""
