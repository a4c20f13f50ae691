"""Is it a pandas DataFrame with the columns and rows asked for? Its numbers, as a tensor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from grader.errors import Cause, Feedback
from grader.grading.call import describe_value


def expect_dataframe(value: Any, name: str, columns: Sequence[Any], rows: int) -> Any:
    """A DataFrame with exactly `columns` (in order) and `rows` rows; returns it."""
    import pandas as pd

    wanted = list(columns)
    if not isinstance(value, pd.DataFrame):
        raise Feedback(f"`{name}` should be a pandas DataFrame, but it is "
                       f"{describe_value(value)} ({type(value).__name__}). Build it with "
                       f"pd.DataFrame(values, columns={wanted!r}); a tensor that tracks "
                       "gradients needs .detach().numpy() first.", cause=Cause.NOT_A_DATAFRAME)
    found = list(value.columns)
    if found != wanted:
        raise Feedback(f"`{name}` should have the columns {wanted}, found {found}."
                       f"{_column_hint(found, wanted)}", cause=Cause.WRONG_COLUMNS)
    if len(value) != rows:
        raise Feedback(f"`{name}` should have {rows} rows, one per observation, found "
                       f"{len(value)}.", cause=Cause.WRONG_SHAPE)
    return value


def frame_values(frame: Any, name: str) -> torch.Tensor:
    """The frame's cells as a float64 tensor (rows x columns); Feedback if any is not a number."""
    try:
        return torch.tensor(frame.to_numpy(dtype="float64", copy=True))
    except (TypeError, ValueError):
        raise Feedback(f"`{name}` should hold numbers, but some cells are not: "
                       f"{frame.dtypes.to_dict()}.") from None


def _column_hint(found: list[Any], wanted: list[Any]) -> str:
    if sorted(map(str, found)) == sorted(map(str, wanted)):
        return " The columns are in the wrong order: keep the order of the targets' columns."
    if found == list(range(len(found))):
        return (" The columns have no names: pass columns="
                f"{wanted!r} to pd.DataFrame.")
    return f" Name them exactly so: pd.DataFrame(values, columns={wanted!r})."
