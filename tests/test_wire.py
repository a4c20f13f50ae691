"""The wire format: values survive a trip through JSON, and hostile payloads run nothing.

No kernel here: both ends of the wire are this process, the JSON text in between is real.
"""

from __future__ import annotations

import base64
import json
import math
import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from grader.probing import wire
from grader.probing.wire import ModuleSnapshot, OpaqueValue


def round_trip(value: Any) -> Any:
    """Encode, write as strict JSON text (no NaN literals), read back and decode."""
    text = json.dumps(wire.encode(value), allow_nan=False)
    return wire.decode(json.loads(text))


# --- tensors -------------------------------------------------------------------------------

@pytest.mark.parametrize("tensor", [
    torch.tensor([[1.5, -2.25], [3.0, float("nan")]], dtype=torch.float32),
    torch.tensor([1e-300, 1 / 3, float("inf")], dtype=torch.float64),
    torch.tensor([-(2**62), 0, 2**62], dtype=torch.int64),
    torch.tensor([True, False, True]),
    torch.tensor(3.5),
], ids=["float32", "float64", "int64", "bool", "scalar"])
def test_a_tensor_comes_back_with_the_same_dtype_shape_and_values(tensor: torch.Tensor) -> None:
    back = round_trip(tensor)

    assert isinstance(back, torch.Tensor)
    assert back.dtype == tensor.dtype
    assert back.shape == tensor.shape
    assert torch.equal(back.nan_to_num(), tensor.nan_to_num())  # nan != nan, so compare masks
    assert torch.equal(back.isnan(), tensor.isnan())


def test_an_empty_tensor_keeps_its_shape_and_dtype() -> None:
    back = round_trip(torch.empty(0, 3, dtype=torch.float64))

    assert back.shape == (0, 3)
    assert back.dtype == torch.float64


def test_a_non_contiguous_tensor_comes_back_with_its_logical_values() -> None:
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    view = base.t()[::2]  # transposed and strided: its memory is not in reading order
    assert not view.is_contiguous()

    back = round_trip(view)

    assert back.shape == view.shape
    assert torch.equal(back, view)


def test_requires_grad_and_the_gradient_travel_with_a_tensor() -> None:
    weight = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    (weight**2).sum().backward()  # grad = 2 * weight

    back = round_trip(weight)

    assert back.requires_grad
    assert back.grad is not None
    assert torch.equal(back.grad, torch.tensor([2.0, -4.0, 6.0]))
    assert torch.equal(back.detach(), weight.detach())


def test_a_tensor_without_requires_grad_comes_back_without_it() -> None:
    back = round_trip(torch.ones(2))

    assert not back.requires_grad
    assert back.grad is None


def test_a_torch_dtype_and_a_size_come_back_as_dtype_and_tuple() -> None:
    assert round_trip(torch.float16) is torch.float16
    assert round_trip(torch.zeros(2, 5).shape) == (2, 5)


# --- plain Python values -------------------------------------------------------------------

@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinities_survive_strict_json(number: float) -> None:
    back = round_trip(number)

    assert isinstance(back, float)
    assert (math.isnan(back) and math.isnan(number)) or back == number


@pytest.mark.parametrize("number", [2**53 - 1, 2**53, -(2**64), 10**40])
def test_big_ints_come_back_exact(number: int) -> None:
    back = round_trip(number)

    assert back == number
    assert type(back) is int


def test_bools_stay_bools_and_none_stays_none() -> None:
    back = round_trip([True, False, None, 0, 1])

    assert back == [True, False, None, 0, 1]
    assert [type(v) for v in back] == [bool, bool, type(None), int, int]


def test_tuples_stay_tuples_and_lists_stay_lists() -> None:
    back = round_trip({"pair": (1, [2, (3, 4)]), "empty": ((), [])})

    assert back == {"pair": (1, [2, (3, 4)]), "empty": ((), [])}
    assert isinstance(back["pair"], tuple)
    assert isinstance(back["pair"][1], list)
    assert isinstance(back["pair"][1][1], tuple)


def test_dicts_keep_keys_that_are_not_strings() -> None:
    value = {1: "one", (2, 3): "pair", None: "none", 2.5: "float", "s": {10**30: "big"}}

    back = round_trip(value)

    assert back == value
    assert set(back) == {1, (2, 3), None, 2.5, "s"}


def test_a_list_that_contains_itself_is_cut_off_instead_of_recursing_forever() -> None:
    loop: list[Any] = []
    loop.append(loop)

    back = round_trip(loop)

    innermost = back
    while isinstance(innermost, list):
        innermost = innermost[0]
    assert isinstance(innermost, OpaqueValue)
    assert "nested too deeply" in innermost.text


# --- numpy and pandas ----------------------------------------------------------------------

@pytest.mark.parametrize("array", [
    np.arange(6, dtype=np.float32).reshape(2, 3),
    np.array([1, -2, 2**40], dtype=np.int64),
    np.array([[True], [False]]),
    np.arange(12, dtype=np.float64).reshape(3, 4).T,  # not contiguous
    np.array([], dtype=np.uint8),
], ids=["float32", "int64", "bool", "transposed", "empty"])
def test_a_numpy_array_comes_back_with_the_same_dtype_shape_and_values(array: np.ndarray) -> None:
    back = round_trip(array)

    assert isinstance(back, np.ndarray)
    assert back.dtype == array.dtype
    assert back.shape == array.shape
    np.testing.assert_array_equal(back, array)


def test_numpy_scalars_come_back_as_python_numbers() -> None:
    back = round_trip([np.float32(1.5), np.int64(7), np.bool_(True)])

    assert back == [1.5, 7, True]
    assert [type(v) for v in back] == [float, int, bool]


def test_a_dataframe_keeps_its_columns_their_order_and_their_values() -> None:
    frame = pd.DataFrame({"loss": [0.9, 0.5, 0.25], "epoch": [1, 2, 3],
                          "split": ["train", "train", "val"], "best": [False, False, True]},
                         index=[10, 20, 30])

    back = round_trip(frame)

    assert isinstance(back, pd.DataFrame)
    assert list(back.columns) == ["loss", "epoch", "split", "best"]
    pd.testing.assert_frame_equal(back, frame)


def test_a_series_keeps_its_name_index_and_values() -> None:
    series = pd.Series([0.5, 0.25], index=["a", "b"], name="loss")

    back = round_trip(series)

    pd.testing.assert_series_equal(back, series)


# --- modules and unknown objects -----------------------------------------------------------

def test_a_module_becomes_a_snapshot_of_its_class_name_parameters_and_buffers() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))

    back = round_trip(model)

    assert isinstance(back, ModuleSnapshot)
    assert back.type_name == "Sequential"
    assert "Linear(in_features=3, out_features=2" in back.text
    expected = model.state_dict()
    assert list(back.state) == list(expected)  # includes buffers such as 1.running_mean
    for name, tensor in expected.items():
        assert torch.equal(back.state[name], tensor), name


class Thing:
    """A student's own class, defined at the top level of the notebook as students do."""

    def __repr__(self) -> str:
        return "<a thing>"


class BrokenRepr:
    def __repr__(self) -> str:
        raise RuntimeError("no repr for you")


class ChattyRepr:
    def __repr__(self) -> str:
        return "x" * 100_000


def test_an_unknown_object_becomes_an_opaque_value_with_its_type_and_repr() -> None:
    back = round_trip({"thing": Thing(), "numbers": (n for n in range(3))})

    assert back["thing"] == OpaqueValue("Thing", "<a thing>")
    assert isinstance(back["numbers"], OpaqueValue)
    assert back["numbers"].type_name == "generator"


def test_an_object_whose_repr_raises_still_becomes_an_opaque_value() -> None:
    back = round_trip(BrokenRepr())

    assert back == OpaqueValue("BrokenRepr", "<repr failed>")


def test_a_long_repr_is_shortened() -> None:
    back = round_trip(ChattyRepr())

    assert back.type_name == "ChattyRepr"
    assert len(back.text) <= wire.REPR_LIMIT


# --- hostile payloads ----------------------------------------------------------------------

class _MakesDirectory:
    """Unpickling this creates a directory: the shape of a classic pickle attack."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (os.mkdir, (str(self.path),))


def _pickled_mkdir(path: Path) -> str:
    return base64.b64encode(pickle.dumps(_MakesDirectory(path))).decode("ascii")


def _hostile_payloads(data: str) -> dict[str, Any]:
    return {
        "unknown tag": {"__pickle__": data},
        "tensor dtype 'load'": {"__tensor__": {"dtype": "load", "shape": [1], "data": data}},
        "tensor dtype 'save'": {"__tensor__": {"dtype": "save", "shape": [1], "data": data}},
        "dtype 'load'": {"__dtype__": "load"},
        "numpy dtype 'O'": {"__ndarray__": {"dtype": "O", "shape": [1], "data": data}},
        "numpy dtype '|O'": {"__ndarray__": {"dtype": "|O", "shape": [1], "data": data}},
        "nested unknown tag": {"__dict__": [["status", "ok"], ["value", {"__reduce__": data}]]},
        "two tags at once": {"__int__": "1", "__float__": "2"},
    }


def test_the_pickled_attack_used_below_is_live_when_unpickled(tmp_path: Path) -> None:
    control = tmp_path / "control"

    pickle.loads(base64.b64decode(_pickled_mkdir(control)))

    assert control.is_dir()  # so its absence below means decode never unpickled it


@pytest.mark.parametrize("kind", list(_hostile_payloads("")))
def test_a_hostile_payload_is_refused_with_value_error_and_runs_nothing(
        kind: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payload = _hostile_payloads(_pickled_mkdir(marker))[kind]
    text = json.dumps(payload)

    with pytest.raises(ValueError, match="malformed"):
        wire.decode(json.loads(text))

    assert not marker.exists()
    assert list(tmp_path.iterdir()) == []


# --- once bugs, now fixed ------------------------------------------------------------------

def test_a_zero_dimensional_numpy_array_keeps_its_empty_shape() -> None:
    back = round_trip(np.array(3.0))

    assert back.shape == ()


def test_a_series_named_by_a_tuple_keeps_its_name() -> None:
    series = pd.Series([1, 2], name=("loss", 1))

    pd.testing.assert_series_equal(round_trip(series), series)


def test_a_tensor_whose_data_does_not_match_its_shape_is_refused_with_value_error() -> None:
    payload = {"__tensor__": {"dtype": "float32", "shape": [5], "data": "AAAAAA=="}}

    with pytest.raises(ValueError, match="malformed"):
        wire.decode(payload)
