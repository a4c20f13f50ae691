"""The kinds of failure: the student's (Feedback, with its cause as data, and PartialCredit)
and the kit's own (GraderError)."""

from __future__ import annotations

from enum import Enum


class Cause(str, Enum):
    """A mistake a check names, in a few stable words: reports group a class's failures by it
    (results.json: the test's extra_data.cause). A check sets it where it knows the mistake;
    nothing ever recovers it from a message's text."""

    def __str__(self) -> str:
        return self.value

    # The notebook and its cells
    NOT_IMPLEMENTED = "not implemented yet"
    CELL_ERROR = "a cell stopped with an error"
    CELL_TIMEOUT = "a cell ran out of time"
    KERNEL_DIED = "the kernel died"
    MISSING_NAME = "a name the grader reads is missing"
    NOTEBOOK_NOT_RUN = "the notebook could not be run"
    STOPPED_BEFORE = "the notebook stopped before this check"
    # Calls of the student's functions
    NOT_A_FUNCTION = "not a function"
    CODE_RAISED = "your code raised an error"
    CALL_TIMEOUT = "a call did not finish in time"
    UNREADABLE_VALUE = "an unreadable value"
    NO_USABLE_ANSWER = "no usable answer"
    ROWS_TYPED_IN = "works only for the notebook's number of rows"
    NOTEBOOKS_OWN_DATA = "uses the notebook's data, not its arguments"
    # Values
    NOT_A_TENSOR = "not a tensor"
    NOT_A_NUMBER = "not a number"
    WRONG_SHAPE = "wrong shape"
    FLAT_FOR_COLUMN = "(N,) where (N, 1) is needed"
    WRONG_DTYPE = "wrong dtype"
    NO_GRADIENT_TRACKING = "does not track gradients"
    NOT_FINITE = "NaN or infinite values"
    DIFFERS_FROM_REFERENCE = "differs from the reference"
    DIFFERS_FROM_OWN = "differs from what your own code gives"
    # Losses, written or recorded
    HALF_MSE = "half the mean squared error"
    SUMMED_LOSS = "the sum instead of the mean"
    ROOT_MSE = "the root of the mean squared error"
    ABSOLUTE_ERRORS = "absolute errors, not squared"
    ERRORS_NOT_SQUARED = "errors not squared"
    BROADCAST = "(N, 1) against (N,) broadcasts"
    MSE_NOT_BCE = "the mean squared error instead of binary cross-entropy"
    SIGMOID_TWICE = "the sigmoid applied twice"
    LOGITS = "logits, not probabilities"
    NO_LOSS_RECORDED = "no loss recorded"
    ONE_EPOCH_TOO_MANY = "one epoch too many"
    ONE_EPOCH_SHORT = "one epoch short"
    APPEND_OUTSIDE_LOOP = "one loss: the append is outside the loop"
    LOOP_ENDED_EARLY = "one loss: the loop ended after its first epoch"
    TWICE_AS_MANY_LOSSES = "twice as many losses"
    MORE_LOSSES = "more losses: more epochs or a loss per mini-batch"
    FEWER_LOSSES = "fewer losses: fewer epochs or only some"
    OTHER_LOSS_COUNT = "another number of losses"
    NOT_THE_TRAININGS_LOSSES = "the recorded losses are not the training's"
    # Training
    GRADIENTS_ACCUMULATE = "gradients accumulate"
    STEP_DEPENDS_ON_EARLIER = "a step depends on earlier calls"
    TRAINED_TWICE = "training ran twice"
    OTHER_EPOCHS = "another number of epochs"
    OTHER_LEARNING_RATE = "another learning rate"
    PER_SAMPLE_STEPS = "one step per data point"
    DIVERGED = "training diverged"
    LOSS_GREW = "the loss grew"
    LOSS_TOO_HIGH = "the loss stays too high"
    SHORT_OF_TARGET = "short of the value asked"
    NOT_TRAINED = "not trained"
    # Single steps and parameters
    NOT_IN_PLACE = "a new tensor, not updated in place"
    NOT_STEPPED = "the optimizer given was not stepped"
    NUMBER_TYPED_IN = "a number typed in instead of the argument"
    WRONG_SIGN = "moved along the gradient, not against it"
    BACKWARD_TWICE = "backward() called twice"
    OTHER_BACKWARD_COUNT = "backward() called another number of times"
    NOT_ACCUMULATED = "gradients reset where they should add up"
    LOSS_AT_ANOTHER_MOMENT = "the loss before or after the wrong step"
    NO_BIAS = "the bias left out"
    BIAS_SUBTRACTED = "the bias subtracted"
    UNIFORM_DRAWS = "torch.rand instead of torch.randn"
    NORMAL_DRAWS = "torch.randn instead of torch.rand"
    DRAW_ORDER = "drawn in another order"
    NOT_SORTED = "not sorted as asked"
    NO_NOISE = "the noise left out"
    SEED_NOT_USED = "the seed is not used"
    NOT_REPRODUCIBLE = "not reproducible with the same seed"
    RESEEDED_EACH_DRAW = "seeded again before every draw"
    # Classification
    THRESHOLD = "classes not thresholded at 0.5"
    CLASSES_INVERTED = "classes inverted"
    PERCENTAGE = "a percentage, not a fraction"
    # Tables
    NOT_A_DATAFRAME = "not a DataFrame"
    WRONG_COLUMNS = "wrong columns"


class Feedback(AssertionError):
    """A test failed because of the submission; the message is meant for the student.

    It subclasses AssertionError so pytest counts it as a failed test, and the plugin
    prints only the message, never the kit's traceback. `cause`, when a check knows it, names
    the mistake (a Cause; a course's own checks may give a few words of their own).
    """

    def __init__(self, message: str, cause: Cause | str | None = None) -> None:
        super().__init__(message)
        self.cause = cause


class PartialCredit(Feedback):
    """A graded quantity between full marks and none (a loss in a band, for example): the test
    earns `fraction` of its points (0 < fraction < 1), and the message says why not all."""

    def __init__(self, message: str, fraction: float, cause: Cause | str | None = None) -> None:
        super().__init__(message, cause)
        self.fraction = fraction


class CodeRaised(Feedback):
    """The student's code raised an error while the grader called it: the error's type, its
    own message and the student's line, as data (a check may read PyTorch's or Python's
    words, never the kit's)."""

    def __init__(self, message: str, error_name: str, error_message: str, line: str = "",
                 cause: Cause | str | None = Cause.CODE_RAISED) -> None:
        super().__init__(message, cause)
        self.error_name = error_name
        self.error_message = error_message
        self.line = line


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
