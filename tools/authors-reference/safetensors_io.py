"""A tiny, dependency-free (numpy only) safetensors reader and writer.

Layout (https://github.com/huggingface/safetensors): an unsigned 64-bit little-endian header length
N, then N bytes of UTF-8 JSON, then the raw tensor bytes. The JSON maps each tensor name to
{"dtype", "shape", "data_offsets": [begin, end]} (offsets into the byte buffer that follows the
header) and may hold a "__metadata__" object of string to string. All data are little-endian and
C-ordered (row-major). Only the dtypes below are supported; brainbench's fixtures use F32 and I64.

    save(path, {"name": array, ...}, metadata={"key": "value"})
    tensors, metadata = load(path)
"""
import json
import struct

import numpy as np

_DTYPES = {
    "F32": np.dtype("<f4"),
    "F64": np.dtype("<f8"),
    "I64": np.dtype("<i8"),
    "I32": np.dtype("<i4"),
}
_NAMES = {np.dtype(v).str: k for k, v in _DTYPES.items()}


def _code(arr):
    code = _NAMES.get(arr.dtype.newbyteorder("<").str)
    if code is None:
        raise ValueError("unsupported dtype %s (supported: %s)" % (arr.dtype, ", ".join(_DTYPES)))
    return code


def save(path, tensors, metadata=None):
    """Writes tensors (name -> numpy array or torch tensor) in insertion order."""
    header = {}
    chunks = []
    offset = 0
    for name, value in tensors.items():
        if hasattr(value, "detach"):  # torch.Tensor
            value = value.detach().cpu().numpy()
        arr = np.asarray(value)
        code = _code(arr)
        raw = np.ascontiguousarray(arr, dtype=_DTYPES[code]).tobytes(order="C")
        header[name] = {"dtype": code, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # pad so that the data start 8-byte aligned
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for raw in chunks:
            out.write(raw)


def load(path):
    """Returns ({name: numpy array}, metadata dict) preserving the header's order."""
    with open(path, "rb") as src:
        blob = src.read()
    (length,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + length].decode("utf-8"))
    metadata = header.pop("__metadata__", {}) or {}
    base = 8 + length
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = _DTYPES[info["dtype"]]
        arr = np.frombuffer(blob[base + begin:base + end], dtype=dtype).reshape(info["shape"])
        tensors[name] = arr.copy()
    return tensors, metadata
