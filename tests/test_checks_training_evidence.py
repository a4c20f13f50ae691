"""The checks that judge a training by its evidence: the loss record (count, genuineness), the
grader's own runs of each usual mistake, and the causes they name. No kernels."""

from __future__ import annotations

import pytest
import torch

from grader.checks.causes import Suspect, hint_for, matching
from grader.checks.gradient_descent import Descent
from grader.checks.linear_mistakes import explain_linear, mistaken_losses
from grader.checks.loss_record import (
    expect_finite,
    expect_one_per_epoch,
    expect_recorded_end,
    expect_recorded_start,
    recorded_numbers,
)
from grader.checks.mistaken_runs import Evidence
from grader.errors import Cause, Feedback

X = torch.tensor([[1.0], [2.0], [3.0]])


def lesson_3() -> Descent:
    """Lesson 3's run: y = 20x from the seed-0 start, 1000 epochs at lr 0.01."""
    generator = torch.Generator().manual_seed(0)
    W, b = torch.randn(1, 1, generator=generator), torch.randn(1, generator=generator)
    return Descent(X, 20 * X, W, b, lr=0.01, epochs=1000)


def lesson_5() -> Descent:
    """Lesson 5's run: y = 2x from zeros, 2000 epochs at lr 0.01."""
    return Descent(X, 2 * X, torch.zeros(1, 1), torch.zeros(1), lr=0.01, epochs=2000)


def test_the_graders_run_matches_the_lecture_figures() -> None:
    run = lesson_3().result
    assert run.parameters.tolist() == pytest.approx([19.740, 0.591], abs=1e-3)
    assert run.losses[0] == pytest.approx(1611.85, abs=0.01)
    assert run.losses[-1] == pytest.approx(0.0503, abs=1e-4)


def test_parameters_of_a_run_without_reset_are_blamed_on_the_missing_reset() -> None:
    run = lesson_3()
    unreset = run.but(reset=False).result
    assert unreset.parameters[0].item() == pytest.approx(22.22, abs=0.01)  # the lecture's figure
    explained = explain_linear(Evidence(unreset.parameters, unreset.losses), run, 0.05)
    assert explained is not None and explained.cause is Cause.GRADIENTS_ACCUMULATE
    assert "never reset" in explained.text


def test_the_first_loss_tells_a_summed_loss_from_a_larger_learning_rate() -> None:
    # Both land on y = 2x; only the first recorded loss (3 x 18.67 for the sum) differs.
    run = lesson_5()
    for mistake, phrase in (({"loss": "sum"}, "sum of the squared errors"),
                            ({"lr": 0.03}, "learning rate is 0.03")):
        mistaken = run.but(**mistake).result
        explained = explain_linear(Evidence(mistaken.parameters, mistaken.losses), run, 1e-3,
                                   learning_rates=[0.03])
        assert explained is not None and phrase in explained.text, (mistake, explained)


def test_a_run_matching_no_suspect_names_no_cause() -> None:
    run = lesson_3()
    odd = torch.tensor([5.0, 5.0])
    assert explain_linear(Evidence(odd, None), run, 0.05) is None
    never = Suspect(Cause.NO_BIAS, "never this", lambda: torch.zeros(2))
    assert hint_for(odd, [never], "neutral").text == "neutral"


def test_a_suspect_that_cannot_be_computed_points_nowhere() -> None:
    def broken() -> torch.Tensor:
        raise RuntimeError("no")
    explained = matching(1.0, [Suspect(Cause.NO_BIAS, "broken", broken),
                               Suspect(Cause.HALF_MSE, "one", lambda: 1.0)])
    assert explained is not None and explained.text == "one"


@pytest.mark.parametrize(("count", "phrase"), [
    (1001, "one epoch too many"),
    (999, "one epoch short"),
    (2000, "ran twice"),
    (3000, "per mini-batch"),
    (100, "ran 100 epochs"),
    (0, "is empty"),
    (1, "inside the loop"),
    (1234, "exactly `epochs` epochs"),
])
def test_a_wrong_number_of_losses_is_counted_and_explained(count: int, phrase: str) -> None:
    with pytest.raises(Feedback, match="(?i)" + phrase.replace("(", r"\(").replace(")", r"\)")):
        expect_one_per_epoch([1.0] * count, 1000, "losses")


def test_losses_may_be_floats_or_one_number_tensors_but_not_text() -> None:
    assert recorded_numbers([1.0, torch.tensor(0.5), torch.tensor([0.25])], "losses") == [
        1.0, 0.5, 0.25]
    assert recorded_numbers(torch.tensor([3.0, 2.0]), "losses") == [3.0, 2.0]
    with pytest.raises(Feedback, match="2 of its 3 entries are not numbers"):
        recorded_numbers([1.0, "epoch 1", "epoch 2"], "losses")
    with pytest.raises(Feedback, match="should be a list of numbers"):
        recorded_numbers(0.5, "losses")


def test_the_first_loss_is_the_start_or_after_one_step_and_a_half_loss_is_named() -> None:
    run = lesson_3()
    start, after = run.start_loss(), run.loss_after_one_step()
    expect_recorded_start(start, start, after, "losses")
    expect_recorded_start(after, start, after, "losses")  # measured after the update: fine
    with pytest.raises(Feedback, match="half the mean squared error"):
        expect_recorded_start(start / 2, start, after, "losses", mistaken_losses(run))
    with pytest.raises(Feedback, match="not the loss of a mini-batch"):
        expect_recorded_start(385.0, start, after, "losses", mistaken_losses(run))


def test_a_typed_in_curve_that_ends_low_is_not_the_trainings() -> None:
    run = lesson_3()
    typed_in = [1611.85 * 0.99 ** epoch for epoch in range(1000)]
    untrained = run.loss_at(torch.cat([run.W.reshape(-1), run.b.reshape(-1)]))
    with pytest.raises(Feedback, match="not those of the training"):
        expect_recorded_end(typed_in, untrained, "losses", "the trained W and b")
    real = run.result
    expect_recorded_end(real.losses, run.loss_at(real.parameters), "losses", "W and b")


def test_a_diverged_record_names_the_learning_rate() -> None:
    with pytest.raises(Feedback, match=r"entry 3 of `losses` is inf.*smaller learning rate"):
        expect_finite([1.0, 10.0, float("inf"), float("nan")], "losses")
