"""Gradients must not pile up between steps: checked by what the steps do, not by `.grad`.
And a step of the wrong size is said as measured: the move, as a multiple of the expected one.

Two calls of a step function from one state must move the parameters exactly as two single
calls would: the first from the start, the second from where the first ended (on fresh tensors
that carry no gradient). Where `.grad` is reset (before backward(), after the update, with
zero_grad() or `= None`) does not matter; only the parameters' moves do.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch

from grader.errors import Cause, Feedback

TOLERANCE = 1e-5  # the same float32 operations on the same inputs: equal to rounding
SAME_RATIO = 1e-4  # relative: every element moved by the same multiple of its expected move


def expect_steps_independent(step: str, start: Mapping[str, torch.Tensor],
                             after_one: Mapping[str, torch.Tensor],
                             after_two: Mapping[str, torch.Tensor],
                             single_second: Mapping[str, torch.Tensor]) -> None:
    """`after_two`: two calls chained from `start`; `single_second`: one call from `after_one`
    on fresh tensors. Each maps a parameter's name to its value."""
    for name in start:
        chained, single = after_two[name].double(), single_second[name].double()
        if torch.allclose(chained, single, rtol=TOLERANCE, atol=TOLERANCE):
            continue
        first_move = after_one[name].double() - start[name].double()
        second_move = single - after_one[name].double()
        actual_move = chained - after_one[name].double()
        if torch.allclose(actual_move, first_move + second_move, rtol=1e-3, atol=TOLERANCE):
            raise Feedback(
                f"the second of two calls to {step} moved {name} by {_show(actual_move)}: "
                f"the first call's move ({_show(first_move)}) plus its own "
                f"({_show(second_move)}). Gradients accumulate: backward() adds to .grad, "
                "so without a reset each step repeats all the earlier ones. Reset the "
                f"gradients in every step ({name}.grad.zero_(), {name}.grad = None, or "
                "optimizer.zero_grad()), before backward() or after the update: both work.",
                cause=Cause.GRADIENTS_ACCUMULATE)
        raise Feedback(
            f"the second of two calls to {step} moved {name} to {_show(chained)}, but one "
            f"call from the same place moves it to {_show(single)}. {step} must do the same "
            "thing however many times it was called before: does it keep something between "
            "calls?", cause=Cause.STEP_DEPENDS_ON_EARLIER)


def _show(values: torch.Tensor) -> str:
    flat = values.reshape(-1).tolist()
    shown = ", ".join(f"{v:.4g}" for v in flat[:4]) + (", ..." if len(flat) > 4 else "")
    return shown if len(flat) == 1 else f"[{shown}]"


def scaled_move(name: str, start: object, found: object, expected: object,
                lr: float | None = None, advice: str = "") -> str | None:
    """How `name` moved, when its move from `start` is the same multiple (other than 1) of the
    expected move in every element: "W moved by 0.3333 times the expected step (as if divided
    by 3)", or, given the learning rate asked, the rate that move amounts to. None when the
    moves are not one multiple of the other: the evidence then says nothing about the size.
    `advice` replaces the closing words (what to do)."""
    if not (isinstance(start, torch.Tensor) and isinstance(found, torch.Tensor)
            and isinstance(expected, torch.Tensor)):
        return None
    before = start.detach().double().reshape(-1)
    moved = found.detach().double().reshape(-1) - before
    wanted = expected.detach().double().reshape(-1) - before
    if moved.shape != wanted.shape or not bool((wanted != 0).all()):
        return None
    ratios = moved / wanted
    ratio = ratios[0].item()
    if not (ratio > 0 and abs(ratio - 1) > SAME_RATIO
            and bool(torch.isclose(ratios, ratios[0], rtol=SAME_RATIO).all())):
        return None
    if lr is not None:
        return (f"{name} moved by {ratio:.4g} times the expected step: as a learning rate of "
                f"{ratio * lr:.4g} would, not the {lr:g} it is given. "
                f"{advice or 'Step by lr as it is given, times the gradient as it is.'}")
    divisor = 1 / ratio
    as_division = (f" (as if divided by {round(divisor)})"
                   if ratio < 1 and abs(divisor - round(divisor)) < 1e-3 else "")
    return (f"{name} moved by {ratio:.4g} times the expected step{as_division}. "
            f"{advice or 'The step is exactly lr times the gradient, nothing more.'}")
