"""RecordIO-protobuf writer (application/x-recordio-protobuf) for the SageMaker built-in algorithms.

SageMaker Python SDK v3 dropped the v2 helpers (write_numpy_to_dense_tensor, write_spmatrix_to_sparse_tensor and
record_pb2), and the processing images ship neither the SDK nor protobuf, so this module writes the bytes itself
with the standard library and numpy only. The output equals what the v2 helpers wrote for float32 data.

Framing (MXNet RecordIO), per record: uint32 LE magic 0xced7230a, uint32 LE (cflag << 29 | length) with cflag 0
(a whole record: the length word is the plain payload length), the `length` payload bytes, then zero bytes up to a
multiple of 4; exactly what the v2 SDK's _write_recordio and the Seq2Seq example's write_recordio (see
write_int32_sequences) write. The payload is a protobuf aialgs.data.Record (proto2):

    Record         { map<string, Value> features = 1; map<string, Value> label = 2; ... }
    Value          { oneof value { Float32Tensor float32_tensor = 2; ...; Int32Tensor int32_tensor = 7; ... } }
    Float32Tensor  { repeated float values = 1 [packed]; repeated uint64 keys = 2 [packed];
                     repeated uint64 shape = 3 [packed]; }     (Int32Tensor: the same with int32 values)

Dense records (write_dense) have one map entry keyed "values" in features (and in label, when there are labels), as
the v2 SDK did; sparse ones add keys and shape to that layout, and only the tests write them (their sparse writer
builds on the pieces here). Seq2Seq records (write_int32_sequences) have two entries in features, "source" and
"target", and no label, as the Seq2Seq example's own writer makes them (below). Fields are written in
field-number order, map entries in key order and empty packed fields are left out, as protobuf does, so the payloads
are byte-identical to protobuf's own SerializeToString(deterministic=True) (and parse to equal messages).

Values are encoded as given, NaN and infinity included (some algorithms accept NaN features; validating the data is
the caller's job). The one value check: a finite float64 that float32 cannot hold is an error rather than a silent
infinity. Shape and index errors are found before anything is written; that value check happens chunk by chunk, so
on that error part of the output may already be written (the scripts write into staged_outputs folders).
"""

import struct
from collections.abc import Callable, Sequence
from typing import BinaryIO

import numpy as np

MAGIC = 0xCED7230A
MAX_PAYLOAD = (1 << 29) - 1  # the top 3 bits of the length word are the continuation flag
# Dense: output bytes built per write() call. It bounds the extra memory, and a chunk that stays in the CPU caches
# until write() copies it out measured faster than 64 MB ones (benchmarks/README.md).
CHUNK_BYTES = 4 << 20
CHUNK_VALUES = 1 << 18  # int32 (and sparse): values per chunk; their index arithmetic takes ~50 bytes a value
CHUNK_ROWS = 1 << 16  # int32 (and sparse): records per chunk, so that runs of empty rows stay bounded too

# Tag bytes: (field number << 3) | wire type 2 (length-delimited). Every field used here is length-delimited.
_FEATURES, _LABEL = 0x0A, 0x12  # Record.features = 1, Record.label = 2
_ENTRY_KEY = b"\x0a\x06values"  # map entry field 1 (key), the string "values"
_SOURCE_KEY, _TARGET_KEY = b"\x0a\x06source", b"\x0a\x06target"  # the Seq2Seq keys, in key order
_ENTRY_VALUE = 0x12  # map entry field 2 (value)
_FLOAT32_TENSOR, _INT32_TENSOR = 0x12, 0x3A  # Value fields 2 and 7
_VALUES = 0x0A  # tensor field 1, packed (keys and shape, fields 2 and 3, only sparse records have)

_FLOAT32 = np.dtype("<f4")
_INT32 = np.iinfo(np.int32)

# A piece of every record of a batch: its size in each record, and a function writing it at given offsets.
Piece = tuple[np.ndarray, Callable[[np.ndarray, np.ndarray], None]]


def write_dense(stream: BinaryIO, features, labels=None) -> int:
    """Writes one record per row of the 2-D `features` (as float32), with labels[i] as its label; returns the count.

    The v2 SDK's write_numpy_to_dense_tensor(stream, features.astype("float32"), labels.astype("float32")). Without
    the astype, v2 kept the dtype (float64 -> Float64Tensor, int64 -> Int32Tensor); here it is always float32.
    """
    features = _as_real_array(features, "features")
    if features.ndim != 2:
        raise ValueError(f"features must be 2-D (rows, columns), got shape {features.shape}")
    count, columns = features.shape
    if columns == 0:
        raise ValueError("features have no columns")
    labels = _as_labels(labels, count)
    head, label_head, record_size = _dense_layout(columns, labelled=labels is not None)
    rows_per_chunk = max(1, min(count, CHUNK_BYTES // record_size))
    # Every record has the same bytes except its floats, so a buffer of whole records gets its constant bytes
    # (headers, label headers, zero padding) once and is then refilled with the floats of each chunk of rows.
    buffer = np.zeros((rows_per_chunk, record_size), np.uint8)
    buffer[:, : len(head)] = np.frombuffer(head, np.uint8)
    values_end = len(head) + 4 * columns
    buffer[:, values_end : values_end + len(label_head)] = np.frombuffer(label_head, np.uint8)
    label_at = values_end + len(label_head)
    for start in range(0, count, rows_per_chunk):
        rows = buffer[: min(rows_per_chunk, count - start)]
        chunk = features[start : start + len(rows)]
        _put_float32(rows[:, len(head) : values_end].view(_FLOAT32), chunk, "features", start)
        if labels is not None:
            rows[:, label_at : label_at + 4] = labels[start : start + len(rows)].view(np.uint8).reshape(-1, 4)
        _write_all(stream, rows)
    return count


def write_int32_sequences(stream: BinaryIO, sources: Sequence, targets: Sequence | None = None) -> int:
    """Writes one Seq2Seq record per source sequence; returns the number of records.

    The layout of the SageMaker Seq2Seq example's writer, aws/amazon-sagemaker-examples
    introduction_to_amazon_algorithms/seq2seq_translation_en-de/create_vocab_proto.py: list_to_record_bytes sets
    only record.features["source"].int32_tensor.values (the source token ids) and
    record.features["target"].int32_tensor.values (the target token ids): both in the features map, no label, no
    keys or shape; write_recordio frames each record with cflag 0. Decoded, record i is

        features {"source": Int32Tensor{values: sources[i]}, "target": Int32Tensor{values: targets[i]}}

    Without targets (inference requests) the target tensor is empty, as the example notebook's protobuf inference
    writes list_to_record_bytes(sentence, []): features["target"] is an Int32Tensor without values.

    sources[i] (and targets[i]) are non-empty 1-D integer arrays or lists within the int32 range, e.g. token ids;
    their lengths may differ from record to record.
    """
    source_tokens, source_offsets = _as_sequences(sources, "sources")
    count = len(source_offsets) - 1
    if targets is None:  # every record gets an empty target tensor
        target_tokens, target_offsets = np.zeros(0, np.int64), np.zeros(count + 1, np.int64)
    else:
        target_tokens, target_offsets = _as_sequences(targets, "targets")
        if len(target_offsets) - 1 != count:
            raise ValueError(f"{len(target_offsets) - 1} targets for {count} sources")
    for start, stop in _chunks(source_offsets + target_offsets):
        pieces = _int32_pieces(_SOURCE_KEY, source_tokens, source_offsets[start : stop + 1])
        pieces += _int32_pieces(_TARGET_KEY, target_tokens, target_offsets[start : stop + 1])
        _write_all(stream, _assemble(pieces, stop - start))
    return count


# --- input checks -------------------------------------------------------------------------------------------


def _as_real_array(data, name: str) -> np.ndarray:
    array = np.asarray(data)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be numbers (bool, int or float), got dtype {array.dtype}")
    return array


def _as_labels(labels, count: int) -> np.ndarray | None:
    """Labels as float32 (little-endian, contiguous), one per record."""
    if labels is None:
        return None
    labels = _as_real_array(labels, "labels")
    if labels.ndim != 1:
        raise ValueError(f"labels must be 1-D, got shape {labels.shape}")
    if len(labels) != count:
        raise ValueError(f"{len(labels)} labels for {count} rows")
    converted = np.empty(count, _FLOAT32)
    _put_float32(converted, labels, "labels", 0)
    return converted


def _as_sequences(sequences: Sequence, name: str) -> tuple[np.ndarray, np.ndarray]:
    """All the sequences' values, concatenated as int64, and offsets: sequence i is values[offsets[i]:offsets[i+1]]."""
    sequences = list(sequences)  # it is walked twice
    concatenated = _concatenated(sequences)
    # None: check them one by one, which raises a precise error or gives the values of mixed int types
    values, lengths = concatenated if concatenated is not None else _check_each_sequence(sequences, name)
    offsets = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    outside = (values < _INT32.min) | (values > _INT32.max)  # before any cast: uint64 could wrap into range
    if outside.any():
        number = int(np.searchsorted(offsets, np.argmax(outside), side="right")) - 1
        raise ValueError(f"{name}[{number}] must be int32 integers, got values outside the int32 range")
    return values.astype(np.int64, copy=False), offsets


def _concatenated(sequences: list) -> tuple[np.ndarray, np.ndarray] | None:
    """The fast path, without numpy calls per sequence (they would cost more than the encoding): the values of all
    sequences in one concatenation and their lengths, or None unless all are non-empty 1-D integer sequences."""
    try:
        lengths = np.fromiter(map(len, sequences), np.int64)
        values = np.concatenate(sequences) if len(lengths) else np.zeros(0, np.int64)
    except (TypeError, ValueError):  # e.g. a number instead of a sequence, or sequences of different ranks
        return None
    if values.ndim != 1 or values.dtype.kind not in "iu" or not lengths.all():
        return None
    return values, lengths


def _check_each_sequence(sequences: Sequence, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The slow path: a precise error naming the first bad sequence, or the int64 values and the lengths."""
    arrays = [np.asarray(sequence) for sequence in sequences]
    for number, array in enumerate(arrays):
        if array.ndim != 1 or array.size == 0:
            raise ValueError(f"{name}[{number}] must be a non-empty 1-D sequence, got shape {array.shape}")
        if array.dtype.kind not in "iu":
            raise ValueError(f"{name}[{number}] must be int32 integers, got dtype {array.dtype}")
        if array.dtype.kind == "u" and array.max() > _INT32.max:
            raise ValueError(f"{name}[{number}] must be int32 integers, got values outside the int32 range")
    # Valid, but of integer types that numpy concatenates as float64 (uint64 with signed ones): int64 each first.
    return np.concatenate([array.astype(np.int64) for array in arrays]), np.array([len(array) for array in arrays])


def _put_float32(out: np.ndarray, data: np.ndarray, name: str, first: int) -> None:
    """out[...] = data as float32: float32 bits as they are (NaN payloads too); a finite value beyond float32 fails."""
    with np.errstate(over="ignore"):
        np.copyto(out, data, casting="unsafe")
    if data.dtype.kind == "f" and data.dtype.itemsize > 4:
        overflow = np.isinf(out) & np.isfinite(data)
        if overflow.any():
            at = np.unravel_index(int(np.argmax(overflow)), overflow.shape)
            where = ", ".join(str(int(i) + (first if axis == 0 else 0)) for axis, i in enumerate(at))
            raise ValueError(f"{name}[{where}] = {data[at]!r} is beyond the float32 range")


# --- dense layout ---------------------------------------------------------------------------------------------


def _dense_layout(columns: int, *, labelled: bool) -> tuple[bytes, bytes, int]:
    """(record bytes before the floats, label bytes before the label float, record size) of every dense record."""
    features = _tensor_head(_FEATURES, 4 * columns)
    label = _tensor_head(_LABEL, 4) if labelled else b""
    length = len(features) + 4 * columns + (len(label) + 4 if labelled else 0)
    if length > MAX_PAYLOAD:
        raise ValueError(f"records of {columns} columns are too large for RecordIO ({length} bytes)")
    head = struct.pack("<II", MAGIC, length) + features
    return head, label, 8 + length + _padding(length)


def _tensor_head(map_tag: int, values_size: int) -> bytes:
    """Bytes of Record field map_tag = {"values": Value{float32_tensor: {values}}} before its packed values."""
    tensor = bytes([_VALUES]) + _varint(values_size)
    value = bytes([_FLOAT32_TENSOR]) + _varint(len(tensor) + values_size)
    entry = _ENTRY_KEY + bytes([_ENTRY_VALUE]) + _varint(len(value) + len(tensor) + values_size)
    record = bytes([map_tag]) + _varint(len(entry) + len(value) + len(tensor) + values_size)
    return record + entry + value + tensor


# --- variable-length records: each part's size per record, then offsets, then vectorized scatters ------------


def _tensor_pieces(map_tag: int, tensor_tag: int, tensor: list[Piece], entry_key: bytes = _ENTRY_KEY) -> list[Piece]:
    """Record field map_tag = {key: Value{tensor_tag: tensor}} of each record.

    tensor: the pieces of the tensor's fields, its values field (_packed_field) first; a tensor whose fields are all
    left out is still written, as an empty message. entry_key: the map entry's key field (tag, length and the key's
    bytes), "values" by default.
    """
    count = len(tensor[0][0])
    value = [_header(tensor_tag, _total(tensor)), *tensor]
    entry = [_constant(entry_key, count), _header(_ENTRY_VALUE, _total(value)), *value]
    return [_header(map_tag, _total(entry)), *entry]


def _packed_field(tag: int, packed: Piece) -> list[Piece]:
    """A packed field of each record, its tag and length, then its contents; left out where empty, as protobuf does."""
    return [_header(tag, packed[0], present=packed[0] > 0), packed]


def _int32_pieces(entry_key: bytes, values: np.ndarray, offsets: np.ndarray) -> list[Piece]:
    """features[key] = Int32Tensor of values[offsets[i]:offsets[i+1]] for each record i of a chunk."""
    # int32 values are varints of their 64-bit two's complement: a negative one takes 10 bytes, as in protobuf.
    tokens = values[offsets[0] : offsets[-1]].view(np.uint64)
    values_field = _packed_field(_VALUES, _packed_varints(tokens, offsets - offsets[0]))
    return _tensor_pieces(_FEATURES, _INT32_TENSOR, values_field, entry_key=entry_key)


def _assemble(pieces: list[Piece], count: int) -> np.ndarray:
    """The framed records (magic, length, payload, padding) built from the pieces of their payloads."""
    length = _total(pieces)
    if count and length.max() > MAX_PAYLOAD:
        raise ValueError(f"a record is too large for RecordIO ({length.max()} bytes)")
    sizes = 8 + length + _padding(length)
    out = np.zeros(int(sizes.sum()), np.uint8)  # zeros: the padding
    position = np.cumsum(sizes) - sizes
    words = out.view("<u4")  # records start at multiples of 4, so their framing words are aligned
    words[position >> 2], words[(position >> 2) + 1] = MAGIC, length
    position = position + 8
    for size, put in pieces:
        put(out, position)
        position = position + size
    return out


def _constant(data: bytes, count: int) -> Piece:
    def put(out: np.ndarray, position: np.ndarray) -> None:
        out[position[:, None] + np.arange(len(data))] = np.frombuffer(data, np.uint8)

    return np.full(count, len(data)), put


def _header(tag: int, lengths: np.ndarray, present: np.ndarray | None = None) -> Piece:
    """Tag byte and varint length of a length-delimited field; nothing where present is False."""
    if present is None:
        present = np.ones(len(lengths), bool)
    lengths = lengths[present]
    sizes = np.zeros(len(present), np.int64)
    sizes[present] = 1 + _varint_sizes(lengths)

    def put(out: np.ndarray, position: np.ndarray) -> None:
        at = position[present]
        out[at] = tag
        _put_varints(out, at + 1, lengths)

    return sizes, put


def _packed_varints(values: np.ndarray, offsets: np.ndarray) -> Piece:
    """The varints of the uint64 values[offsets[i]:offsets[i+1]] in record i; offsets start at 0."""
    sizes = _varint_sizes(values)
    ends = np.cumsum(sizes)
    record_ends = np.concatenate([[0], ends])[offsets]  # bytes before each record's group

    def put(out: np.ndarray, position: np.ndarray) -> None:
        at = np.repeat(position - record_ends[:-1], np.diff(offsets)) + ends - sizes
        _put_varints(out, at, values)

    return np.diff(record_ends), put


def _total(pieces: list[Piece]) -> np.ndarray:
    first, *rest = (size for size, _ in pieces)  # never empty: a field has at least its header
    return sum(rest, first)


def _chunks(offsets: np.ndarray):
    """(start, stop) record ranges of at most CHUNK_ROWS records and, unless one record alone exceeds it,
    CHUNK_VALUES values; offsets[i] is the number of values before record i (and offsets[-1] the total)."""
    count, start = len(offsets) - 1, 0
    while start < count:
        stop = int(np.searchsorted(offsets, offsets[start] + CHUNK_VALUES, side="right")) - 1
        stop = min(max(stop, start + 1), start + CHUNK_ROWS, count)
        yield start, stop
        start = stop


# --- varints and small helpers ---------------------------------------------------------------------------------


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _varint_sizes(values: np.ndarray) -> np.ndarray:
    """Bytes of each value's varint: 7 bits a byte, 1 to 10 bytes."""
    values = values.astype(np.uint64, copy=False)
    sizes = np.ones(values.shape, np.int64)
    top = int(values.max()) if values.size else 0
    for bits in range(7, top.bit_length(), 7):  # only the thresholds the largest value reaches
        sizes += values >= np.uint64(1 << bits)
    return sizes


def _put_varints(out: np.ndarray, position: np.ndarray, values: np.ndarray) -> None:
    """Writes the varint of values[i] at out[position[i]:], 7 bits a byte, low bits first."""
    values = values.astype(np.uint64, copy=False)
    while values.size:
        more = values >= 0x80
        byte = values.astype(np.uint8)  # the low 8 bits; bit 7 is already 0 where the value is below 0x80
        np.bitwise_or(byte, 0x80, out=byte, where=more)  # bit 7 = 1: more bytes follow
        out[position] = byte
        if not more.all():  # when every value needs another byte (e.g. all keys >= 128), no selection needed
            position, values = position[more], values[more]
        position, values = position + 1, values >> np.uint64(7)


def _padding(length):
    return (-length) % 4  # RecordIO pads every record to a multiple of 4 bytes


def _write_all(stream: BinaryIO, data: np.ndarray) -> None:
    """stream.write() of the whole array; a raw stream may take only part of it per call."""
    view = data.data.cast("B")  # data's buffer (memoryview(data) alone, as numpy types it only from Python 3.12)
    while view:
        written = stream.write(view)
        if written is None or written >= len(view):  # None: a stream that does not report, assumed complete
            return
        view = view[written:]
