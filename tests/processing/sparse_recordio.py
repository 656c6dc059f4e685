"""Sparse RecordIO-protobuf records, for the tests: no processing script writes them, so this writer stays out of the
job's zip. It builds the records from shared.recordio's pieces (framing, map entries, varints, chunks), so the
sparse tests still check those, against the independent decoder and protobuf.

Layout, as the v2 SDK's write_spmatrix_to_sparse_tensor wrote it: features["values"] = Float32Tensor{values, keys,
shape}, and label["values"] = Float32Tensor{values: [label]} when there are labels.
"""

import operator
from typing import BinaryIO

import numpy as np
from shared.recordio import (
    _FEATURES,
    _FLOAT32,
    _FLOAT32_TENSOR,
    _LABEL,
    _VALUES,
    Piece,
    _as_labels,
    _as_real_array,
    _assemble,
    _chunks,
    _constant,
    _packed_field,
    _packed_varints,
    _put_float32,
    _tensor_pieces,
    _varint,
    _write_all,
)

_KEYS, _SHAPE = 0x12, 0x1A  # tensor fields 2 and 3, packed


def write_sparse(stream: BinaryIO, indptr, indices, values, num_columns: int, labels=None) -> int:
    """Writes one sparse record per row of a CSR matrix (scipy's indptr/indices/data); returns the row count.

    Row i's values are values[indptr[i]:indptr[i + 1]] (as float32) at columns indices[...] (the tensor's keys),
    with shape [num_columns]; an empty row has only the shape. Indices are written in the given order, unsorted
    or repeated ones included, as the v2 SDK's write_spmatrix_to_sparse_tensor did.
    """
    num_columns = operator.index(num_columns)
    if num_columns < 1:
        raise ValueError(f"num_columns must be positive, got {num_columns}")
    indptr = _as_integers(indptr, "indptr")
    indices = _as_integers(indices, "indices")
    values = _as_real_array(values, "values")
    _check_csr(indptr, indices, values, num_columns)
    count = len(indptr) - 1
    labels = _as_labels(labels, count)
    shape = _field(_SHAPE, _varint(num_columns))
    for start, stop in _chunks(indptr):
        first, last = int(indptr[start]), int(indptr[stop])
        offsets = indptr[start : stop + 1] - first
        chunk_values = np.empty(last - first, _FLOAT32)
        _put_float32(chunk_values, values[first:last], "values", first)
        keys = indices[first:last].view(np.uint64)  # checked non-negative
        tensor = [*_packed_field(_VALUES, _packed_fixed32(chunk_values, offsets)),
                  *_packed_field(_KEYS, _packed_varints(keys, offsets)), _constant(shape, stop - start)]  # fmt: skip
        pieces = _tensor_pieces(_FEATURES, _FLOAT32_TENSOR, tensor)
        if labels is not None:
            pieces += _label_pieces(labels[start:stop])
        _write_all(stream, _assemble(pieces, stop - start))
    return count


def _as_integers(data, name: str) -> np.ndarray:
    array = np.asarray(data)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
    if array.size and array.dtype.kind not in "iu":  # an empty list comes as float64
        raise ValueError(f"{name} must be integers, got dtype {array.dtype}")
    return array.astype(np.int64, copy=False)  # uint64 and int64 do not mix in numpy arithmetic


def _check_csr(indptr: np.ndarray, indices: np.ndarray, values: np.ndarray, num_columns: int) -> None:
    if values.ndim != 1:
        raise ValueError(f"values must be 1-D, got shape {values.shape}")
    if len(indptr) == 0 or indptr[0] != 0:
        raise ValueError("indptr must start with 0 (it has one entry per row plus one)")
    steps = np.diff(indptr)
    if (steps < 0).any():
        row = int(np.argmax(steps < 0))
        raise ValueError(f"indptr must not decrease: indptr[{row + 1}] < indptr[{row}]")
    if indptr[-1] != len(indices) or len(indices) != len(values):
        raise ValueError(f"indptr ends at {indptr[-1]}, but there are {len(indices)} indices and {len(values)} values")
    outside = (indices < 0) | (indices >= num_columns)
    if outside.any():
        at = int(np.argmax(outside))
        raise ValueError(f"indices[{at}] = {indices[at]} is outside 0..{num_columns - 1} (num_columns {num_columns})")


def _field(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _varint(len(body)) + body


def _label_pieces(labels: np.ndarray) -> list[Piece]:
    values = _packed_field(_VALUES, _packed_fixed32(labels, np.arange(len(labels) + 1)))
    return _tensor_pieces(_LABEL, _FLOAT32_TENSOR, values)


def _packed_fixed32(items: np.ndarray, offsets: np.ndarray) -> Piece:
    """The 4-byte items[offsets[i]:offsets[i+1]] (float32) in record i; offsets start at 0."""
    counts = np.diff(offsets)
    words = items.view("<u4")

    def put(out: np.ndarray, position: np.ndarray) -> None:
        at = np.repeat(position - 4 * offsets[:-1], counts) + 4 * np.arange(len(words))
        # Copied as whole words rather than byte by byte (4x fewer indices): out seen as uint32 words from each of
        # its 4 possible first bytes, each item going into the view its offset is aligned with.
        phase = at & 3
        for shift in range(4):
            chosen = phase == shift
            if chosen.any():
                view = out[shift : shift + (len(out) - shift) // 4 * 4].view("<u4")
                view[(at[chosen] - shift) >> 2] = words[chosen]

    return 4 * counts, put
