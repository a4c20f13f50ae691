"""A JSON format for values crossing between the grader and a kernel. Loading it runs no code.

Both sides use this module: the grader encodes inputs it sends to student functions, the
kernel encodes the values it sends back. Tensors travel as raw bytes with dtype and shape
(plus requires_grad and .grad); DataFrames as columns; modules as their state_dict; any
other object only as its type name and a short repr. Nothing is ever unpickled.

Only the standard library is imported at module level: kernels import this cheaply.
"""

from __future__ import annotations

import base64
import math
import sys
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 8
MAX_ITEMS = 1_000_000  # a loss history of many epochs must come back whole
REPR_LIMIT = 300


@dataclass(frozen=True)
class ModuleSnapshot:
    """An nn.Module as seen from the grader: its class name and its parameters and buffers."""

    type_name: str
    state: dict[str, Any]
    text: str


@dataclass(frozen=True)
class OpaqueValue:
    """A value the format does not carry (a file, a generator, ...): its type and repr only."""

    type_name: str
    text: str


def _torch() -> Any:
    return sys.modules.get("torch")


def encode(value: Any, depth: int = 0) -> Any:
    """Turn a Python value into JSON-safe data."""
    if depth > MAX_DEPTH:
        return _opaque(value, "nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else {"__int__": str(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    torch = _torch()
    if torch is not None:
        if isinstance(value, torch.Tensor):
            return {"__tensor__": _encode_tensor(value, depth)}
        if isinstance(value, torch.nn.Module):
            state = {k: encode(v, depth + 1) for k, v in value.state_dict().items()}
            return {"__module__": {"type": type(value).__name__, "state": state,
                                   "text": repr(value)[:2000]}}
        if isinstance(value, torch.dtype):
            return {"__dtype__": str(value).removeprefix("torch.")}
        if isinstance(value, torch.Size):
            return {"__tuple__": list(value)}
    if _is_numpy(value):
        return _encode_numpy(value, depth)
    if _is_pandas(value):
        return _encode_pandas(value, depth)
    if isinstance(value, (list, tuple)):
        items = [encode(v, depth + 1) for v in list(value)[:MAX_ITEMS]]
        return items if isinstance(value, list) else {"__tuple__": items}
    if isinstance(value, dict):
        pairs = list(value.items())[:MAX_ITEMS]
        return {"__dict__": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in pairs]}
    return _opaque(value)


def decode(data: Any) -> Any:
    """Inverse of encode(). Builds only plain data, tensors, arrays and frames."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    if len(data) != 1:
        raise ValueError("malformed value: expected a single tagged entry")
    (tag, body), = data.items()
    if tag == "__int__":
        return int(body)
    if tag == "__float__":
        return float(body)
    if tag == "__tuple__":
        return tuple(decode(v) for v in body)
    if tag == "__dict__":
        return {_hashable(decode(k)): decode(v) for k, v in body}
    if tag == "__tensor__":
        return _decode_tensor(body)
    if tag == "__ndarray__":
        return _decode_ndarray(body)
    if tag == "__dtype__":
        import torch

        dtype = getattr(torch, str(body), None)
        if not isinstance(dtype, torch.dtype):
            raise ValueError(f"malformed value: unknown dtype {body!r}")
        return dtype
    if tag == "__module__":
        return ModuleSnapshot(body["type"], {k: decode(v) for k, v in body["state"].items()},
                              body["text"])
    if tag == "__dataframe__":
        return _decode_dataframe(body)
    if tag == "__series__":
        import pandas as pd

        return pd.Series(decode(body["values"]), index=decode(body["index"]),
                         name=decode(body["name"]))
    if tag == "__opaque__":
        return OpaqueValue(body["type"], body["text"])
    raise ValueError(f"malformed value: unknown tag {tag!r}")


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


def _opaque(value: Any, why: str = "") -> dict[str, Any]:
    try:
        text = repr(value)
    except Exception:
        text = "<repr failed>"
    if why:
        text = f"{text[:REPR_LIMIT]} ({why})"
    return {"__opaque__": {"type": type(value).__qualname__, "text": text[:REPR_LIMIT]}}


# --- tensors -------------------------------------------------------------------------------

def _encode_tensor(tensor: Any, depth: int) -> dict[str, Any]:
    torch = _torch()
    data = tensor.detach().to("cpu")
    if data.is_sparse or data.is_quantized or data.is_complex():
        data = data.to_dense() if data.is_sparse else data
    dtype = str(data.dtype).removeprefix("torch.")
    if data.dtype == torch.bfloat16:
        data = data.float()
        dtype = "float32"
    raw = data.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes() if data.numel() else b""
    body: dict[str, Any] = {
        "dtype": dtype,
        "shape": list(tensor.shape),
        "data": base64.b64encode(raw).decode("ascii"),
        "requires_grad": bool(tensor.requires_grad),
        "device": str(tensor.device),
    }
    if tensor.is_leaf and tensor.grad is not None:
        body["grad"] = encode(tensor.grad, depth + 1)
    return body


def _decode_tensor(body: dict[str, Any]) -> Any:
    import torch

    dtype = getattr(torch, str(body["dtype"]), None)
    if not isinstance(dtype, torch.dtype):
        raise ValueError(f"malformed tensor: unknown dtype {body['dtype']!r}")
    raw = base64.b64decode(body["data"])
    shape = [int(size) for size in body["shape"]]
    if len(raw) != math.prod(shape) * dtype.itemsize:
        raise ValueError(f"malformed tensor: {len(raw)} bytes do not fill shape {shape}")
    if raw:
        flat = torch.frombuffer(bytearray(raw), dtype=torch.uint8).view(dtype)
    else:
        flat = torch.empty(0, dtype=dtype)
    tensor = flat.reshape(shape).clone()
    if body.get("requires_grad") and (tensor.is_floating_point() or tensor.is_complex()):
        tensor.requires_grad_(True)
    if "grad" in body and tensor.requires_grad:
        grad = decode(body["grad"])
        if not isinstance(grad, torch.Tensor) or grad.shape != tensor.shape:
            raise ValueError("malformed tensor: its grad does not match its shape")
        tensor.grad = grad.to(tensor.dtype)
    return tensor


# --- numpy and pandas ----------------------------------------------------------------------

def _is_numpy(value: Any) -> bool:
    numpy = sys.modules.get("numpy")
    return numpy is not None and isinstance(value, (numpy.ndarray, numpy.generic))


def _encode_numpy(value: Any, depth: int) -> Any:
    numpy = sys.modules["numpy"]
    if isinstance(value, numpy.generic):
        return encode(value.item(), depth)
    if value.dtype.kind not in "biuf":
        return encode(value.tolist(), depth)
    data = numpy.ascontiguousarray(value).tobytes()  # (ascontiguousarray makes 0-d arrays 1-d)
    return {"__ndarray__": {"dtype": value.dtype.str, "shape": list(value.shape),
                            "data": base64.b64encode(data).decode("ascii")}}


def _decode_ndarray(body: dict[str, Any]) -> Any:
    import numpy

    dtype = numpy.dtype(str(body["dtype"]))
    if dtype.kind not in "biuf":
        raise ValueError(f"malformed array: dtype {dtype} is not numeric")
    raw = base64.b64decode(body["data"])
    if len(raw) != math.prod(body["shape"]) * dtype.itemsize:
        raise ValueError("malformed array: its bytes do not fill its shape")
    return numpy.frombuffer(raw, dtype=dtype).reshape(body["shape"]).copy()


def _is_pandas(value: Any) -> bool:
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(value, (pandas.DataFrame, pandas.Series))


def _encode_pandas(value: Any, depth: int) -> Any:
    pandas = sys.modules["pandas"]
    if isinstance(value, pandas.Series):
        return {"__series__": {"name": encode(value.name, depth + 1),
                               "index": encode(value.index.tolist(), depth + 1),
                               "values": encode(value.to_numpy(), depth + 1)}}
    columns = [encode(c, depth + 1) for c in value.columns]
    values = [encode(value[c].to_numpy(), depth + 1) for c in value.columns]
    return {"__dataframe__": {"columns": columns, "values": values,
                              "index": encode(value.index.tolist(), depth + 1)}}


def _decode_dataframe(body: dict[str, Any]) -> Any:
    import pandas as pd

    columns = [decode(c) for c in body["columns"]]
    data = {c: decode(v) for c, v in zip(columns, body["values"], strict=True)}
    return pd.DataFrame(data, index=decode(body["index"]), columns=columns)
