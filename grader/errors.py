"""The two kinds of failure: the student's (Feedback) and the kit's own (GraderError)."""


class Feedback(AssertionError):
    """A test failed because of the submission; the message is meant for the student.

    It subclasses AssertionError so pytest counts it as a failed test, and the plugin
    prints only the message, never the kit's traceback. `cause`, when a check knows it, names
    the mistake in a few stable words ("gradients accumulate", "(N,) against (N, 1)"): reports
    group a class's failures by it (results.json: the test's extra_data.cause).
    """

    def __init__(self, message: str, cause: str | None = None) -> None:
        super().__init__(message)
        self.cause = cause


class GraderError(Exception):
    """Something is wrong with the grading kit or its setup, not with the submission."""

    def __str__(self) -> str:
        return f"grader error (the grading kit or its setup, not the notebook): {self.args[0]}"


class ReferenceSolutionError(GraderError):
    """The reference solution itself failed: the assignment's author must fix it."""


class UserError(GraderError):
    """The user asked for something that cannot be done (a missing file, a wrong name, no
    course here): not a fault of the kit. The message says what to do."""

    def __str__(self) -> str:
        return str(self.args[0])
