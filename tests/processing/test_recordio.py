"""Tests of shared.recordio against an independent decoder (recordio_reader) and, where installed, protobuf itself.

Sparse records come from the tests' own writer (sparse_recordio.py, built on shared.recordio's pieces): they check
those pieces once more, and that the decoder tells sparse from dense records.

Only the protobuf cross-checks need protobuf (the dev venv has it through the SDK); the image-like venv has none,
so there they skip and everything else still runs.
"""

import io
import struct

import numpy as np
import pytest
from recordio_reader import read_dense, read_records, read_seq2seq
from shared import recordio
from shared.recordio import write_dense, write_int32_sequences
from sparse_recordio import write_sparse

MAGIC = struct.pack("<I", 0xCED7230A)


def dense_bytes(features, labels=None) -> bytes:
    stream = io.BytesIO()
    assert write_dense(stream, features, labels) == len(features)
    return stream.getvalue()


def sparse_bytes(indptr, indices, values, num_columns, labels=None) -> bytes:
    stream = io.BytesIO()
    assert write_sparse(stream, indptr, indices, values, num_columns, labels) == len(indptr) - 1
    return stream.getvalue()


def int32_bytes(sources, targets=None) -> bytes:
    stream = io.BytesIO()
    assert write_int32_sequences(stream, sources, targets) == len(sources)
    return stream.getvalue()


def payload_lengths(data: bytes) -> list[int]:
    """Lengths from the record headers, walking the framing (the reader checks it separately)."""
    lengths, position = [], 0
    while position < len(data):
        (length,) = struct.unpack_from("<I", data, position + 4)
        lengths.append(length)
        position += 8 + length + (-length % 4)
    return lengths


def random_csr(rng, rows: int, columns: int, density: float, empty_rows=()):
    mask = rng.random((rows, columns)) < density
    mask[list(empty_rows)] = False
    indptr = np.concatenate([[0], np.cumsum(mask.sum(axis=1))])
    indices = np.nonzero(mask)[1]
    values = rng.standard_normal(len(indices)).astype(np.float32)
    return indptr, indices, values


def assert_bits_equal(actual: np.ndarray, expected: np.ndarray) -> None:
    assert actual.dtype == np.float32 and actual.shape == expected.shape
    assert np.array_equal(actual.view(np.uint32), np.asarray(expected, np.float32).view(np.uint32))


# --- exact bytes ---------------------------------------------------------------------------------------------


def test_one_dense_labelled_record_byte_by_byte():
    data = dense_bytes(np.array([[1.0, 2.0]], np.float32), np.array([1.0], np.float32))
    features = bytes.fromhex("0a 16 0a06 76616c756573 12 0c 12 0a 0a 08 0000803f 00000040")
    label = bytes.fromhex("12 12 0a06 76616c756573 12 08 12 06 0a 04 0000803f")
    assert data == MAGIC + struct.pack("<I", 44) + features + label  # 44 bytes: no padding


def test_one_sparse_record_byte_by_byte():
    data = sparse_bytes([0, 2], [1, 200], [1.0, 2.0], 300)
    tensor = bytes.fromhex("0a 08 0000803f 00000040  12 03 01 c801  1a 02 ac02")  # values, keys 1 and 200, shape
    payload = bytes.fromhex("0a 1f 0a06 76616c756573 12 15 12 13") + tensor
    assert data == MAGIC + struct.pack("<I", 33) + payload + b"\0\0\0"


# Seq2Seq: the layout of the SageMaker example's list_to_record_bytes (aws/amazon-sagemaker-examples,
# introduction_to_amazon_algorithms/seq2seq_translation_en-de/create_vocab_proto.py): two entries of Record.features
# (field 1, tag 0a), keyed "source" (736f75726365) and "target" (746172676574), each a Value holding an Int32Tensor
# (Value field 7, tag 3a) with packed values only; no Record.label (field 2, tag 12) at all.


def test_one_int32_record_byte_by_byte():
    data = int32_bytes([np.array([1, -1])], [np.array([300])])
    minus_one = "ffffffffffffffffff01"  # int32 -1 is a 10-byte varint, as protobuf writes it
    source = bytes.fromhex(f"0a 19 0a06 736f75726365 12 0f 3a 0d 0a 0b 01 {minus_one}")
    target = bytes.fromhex("0a 10 0a06 746172676574 12 06 3a 04 0a 02 ac02")
    assert data == MAGIC + struct.pack("<I", 45) + source + target + b"\0\0\0"


def test_one_int32_record_without_target_byte_by_byte():
    # the example notebook's protobuf inference request, list_to_record_bytes(sentence, []): an empty target tensor
    data = int32_bytes([[5, 6]])
    source = bytes.fromhex("0a 10 0a06 736f75726365 12 06 3a 04 0a 02 0506")
    target = bytes.fromhex("0a 0c 0a06 746172676574 12 02 3a 00")
    assert data == MAGIC + struct.pack("<I", 32) + source + target


# --- dense ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("labelled", [False, True])
def test_dense_round_trip(labelled):
    rng = np.random.default_rng(1)
    features = rng.standard_normal((37, 13)).astype(np.float32)
    labels = rng.integers(0, 10, 37).astype(np.float32) if labelled else None
    read_features, read_labels = read_dense(dense_bytes(features, labels))
    assert_bits_equal(read_features, features)
    if labelled:
        assert_bits_equal(read_labels, labels)
    else:
        assert read_labels is None


def test_dense_records_as_the_reader_sees_them():
    records = read_records(dense_bytes(np.array([[0.5, -2.0, 3.0]]), np.array([7])))
    assert records == [
        {
            "features": {"values": {"dtype": "float32", "values": [0.5, -2.0, 3.0], "keys": [], "shape": []}},
            "label": {"values": {"dtype": "float32", "values": [7.0], "keys": [], "shape": []}},
        }
    ]


def test_single_record_and_no_records():
    features, labels = read_dense(dense_bytes(np.array([[4.25]]), np.array([0.0])))
    assert features.tolist() == [[4.25]] and labels.tolist() == [0.0]
    assert dense_bytes(np.zeros((0, 5))) == b""


# Dense float32 payloads can only have length % 4 in {0, 1, 2}: the floats are a multiple of 4 and the four
# header varints (values, tensor, Value, map entry sizes) grow by one byte at thresholds that a multiple of 4 cannot
# straddle in a way giving 3 extra bytes. Remainder 3 is covered by the sparse and int32 cases below.
@pytest.mark.parametrize(
    ("columns", "labelled", "remainder"),
    [(1, False, 0), (1, True, 0), (29, False, 1), (30, True, 1), (31, False, 2), (31, True, 2), (32, True, 0),
     (4093, True, 1), (4095, False, 2), (4096, True, 0)],
)  # fmt: skip
def test_dense_padding_remainders(columns, labelled, remainder):
    rng = np.random.default_rng(columns)
    features = rng.standard_normal((3, columns)).astype(np.float32)
    labels = np.arange(3, dtype=np.float32) if labelled else None
    data = dense_bytes(features, labels)
    assert {length % 4 for length in payload_lengths(data)} == {remainder}
    padding = -payload_lengths(data)[-1] % 4  # the last record is padded too
    assert len(data) % 4 == 0 and data[len(data) - padding :] == b"\0" * padding
    read_features, read_labels = read_dense(data)  # checks every record's padding and the end of the data
    assert_bits_equal(read_features, features)
    assert labels is None or np.array_equal(read_labels, labels)


def test_nan_and_infinity_keep_their_exact_bits():
    bits = np.array([0x7FC00000, 0x7FA00001, 0xFFC12345, 0x7F800000, 0xFF800000, 0x80000000, 0x00000001], np.uint32)
    features = np.vstack([bits, bits[::-1]]).view(np.float32)  # quiet, signalling and payload NaNs, +-inf, -0, tiny
    labels = np.array([np.nan, np.inf], np.float32)
    read_features, read_labels = read_dense(dense_bytes(features, labels))
    assert_bits_equal(read_features, features)
    assert_bits_equal(read_labels, labels)


def test_large_matrix_in_several_chunks(monkeypatch):
    rng = np.random.default_rng(7)
    features = rng.standard_normal((12_003, 200)).astype(np.float32)  # ~10 MB
    labels = rng.random(12_003).astype(np.float32)
    whole = dense_bytes(features, labels)
    monkeypatch.setattr(recordio, "CHUNK_BYTES", 100_000)  # 117 records per chunk, the last one partial
    assert dense_bytes(features, labels) == whole
    read_features, read_labels = read_dense(whole)
    assert_bits_equal(read_features, features)
    assert_bits_equal(read_labels, labels)


def test_other_dtypes_and_layouts_become_float32():
    rng = np.random.default_rng(3)
    features = rng.standard_normal((20, 6))  # float64
    expected = dense_bytes(features.astype(np.float32), np.arange(20, dtype=np.float32))
    assert dense_bytes(features, np.arange(20)) == expected
    assert dense_bytes(np.asfortranarray(features), np.arange(20.0)) == expected
    assert dense_bytes(features.astype(">f8"), list(range(20))) == expected
    wide = np.ascontiguousarray(np.repeat(features, 2, axis=1))[:, ::2]  # strided view
    assert dense_bytes(wide, np.arange(20)) == expected
    assert read_dense(dense_bytes([[1, 2], [3, 4]]))[0].tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_float64_beyond_float32_is_rejected_with_its_position():
    features = np.ones((3, 4))
    features[2, 1] = 1e39
    with pytest.raises(ValueError, match=r"features\[2, 1\] = .*beyond the float32 range"):
        dense_bytes(features)
    with pytest.raises(ValueError, match=r"labels\[1\]"):
        dense_bytes(np.ones((2, 1)), np.array([0.0, -1e300]))
    assert read_dense(dense_bytes(np.array([[np.inf, np.nan]])))[0].tolist()[0][0] == np.inf  # inf stays legal


@pytest.mark.parametrize(
    ("features", "labels", "message"),
    [
        (np.ones(5), None, "features must be 2-D"),
        (np.ones((2, 2, 2)), None, "features must be 2-D"),
        (np.ones((3, 0)), None, "no columns"),
        (np.ones((3, 2)), np.ones(2), "2 labels for 3 rows"),
        (np.ones((3, 2)), np.ones((3, 1)), "labels must be 1-D"),
        (np.array([["a", "b"]]), None, "features must be numbers"),
        (np.ones((1, 2)), np.array(["x"]), "labels must be numbers"),
    ],
)
def test_dense_bad_input(features, labels, message):
    stream = io.BytesIO()
    with pytest.raises(ValueError, match=message):
        write_dense(stream, features, labels)
    assert stream.getvalue() == b""  # shape problems are found before writing


# --- sparse --------------------------------------------------------------------------------------------------


def test_sparse_round_trip_with_empty_rows():
    rng = np.random.default_rng(5)
    indptr, indices, values = random_csr(rng, 50, 300, 0.05, empty_rows=(0, 17, 18, 49))
    labels = rng.integers(0, 2, 50).astype(np.float32)
    records = read_records(sparse_bytes(indptr, indices, values, 300, labels))
    assert len(records) == 50
    for row, record in enumerate(records):
        tensor = record["features"]["values"]
        start, stop = indptr[row], indptr[row + 1]
        assert tensor["dtype"] == "float32" and tensor["shape"] == [300]
        assert tensor["keys"] == indices[start:stop].tolist()
        assert np.array_equal(np.array(tensor["values"], np.float32), values[start:stop])
        assert record["label"]["values"]["values"] == [labels[row]]
    assert records[17]["features"]["values"] == {"dtype": "float32", "values": [], "keys": [], "shape": [300]}


def test_sparse_without_labels_big_indices_and_unsorted_keys():
    columns = 5_000_000_000  # shape and keys beyond 32 bits: 5-byte varints
    indptr, indices = [0, 3, 3, 4], [4_999_999_999, 0, 16384, 127]
    records = read_records(sparse_bytes(indptr, indices, [1.0, 2.0, 3.0, 4.0], columns))
    assert [record["label"] for record in records] == [{}, {}, {}]
    assert [record["features"]["values"]["keys"] for record in records] == [[4_999_999_999, 0, 16384], [], [127]]
    assert {tuple(record["features"]["values"]["shape"]) for record in records} == {(columns,)}


def test_sparse_all_rows_empty_and_no_rows():
    records = read_records(sparse_bytes([0, 0, 0], [], [], 10, [1, 2]))
    assert [record["features"]["values"]["shape"] for record in records] == [[10], [10]]
    assert [record["label"]["values"]["values"] for record in records] == [[1.0], [2.0]]
    assert sparse_bytes([0], [], [], 10) == b""


def test_sparse_chunks_give_the_same_bytes(monkeypatch):
    rng = np.random.default_rng(11)
    indptr, indices, values = random_csr(rng, 400, 1000, 0.02, empty_rows=range(100, 150))
    labels = rng.random(400)
    whole = sparse_bytes(indptr, indices, values, 1000, labels)
    monkeypatch.setattr(recordio, "CHUNK_VALUES", 50)  # some single rows exceed it: chunks of one row
    monkeypatch.setattr(recordio, "CHUNK_ROWS", 7)
    assert sparse_bytes(indptr, indices, values, 1000, labels) == whole


def test_sparse_nan_bits_and_float64_values():
    bits = np.array([0x7FA00001, 0xFFC12345, 0x7F800000], np.uint32)
    records = read_records(sparse_bytes([0, 3], [0, 1, 2], bits.view(np.float32), 3))
    tensor = records[0]["features"]["values"]
    packed = np.array(tensor["values"], np.float32).view(np.uint32)  # via Python floats: signalling NaN turns quiet
    assert packed[1:].tolist() == bits[1:].tolist() and np.isnan(tensor["values"][0])
    data = sparse_bytes([0, 3], [0, 1, 2], bits.view(np.float32), 3)
    assert bits.tobytes() in data  # the exact float32 bits are in the payload
    assert sparse_bytes([0, 2], [0, 1], [0.1, 2.0], 3) == sparse_bytes([0, 2], [0, 1], np.float32([0.1, 2.0]), 3)


@pytest.mark.parametrize(
    ("indptr", "indices", "values", "columns", "labels", "message"),
    [
        ([0, 2, 1, 3], [0, 1, 2], [1, 2, 3], 5, None, r"indptr must not decrease: indptr\[2\] < indptr\[1\]"),
        ([1, 2], [0], [1], 5, None, "indptr must start with 0"),
        ([], [], [], 5, None, "indptr must start with 0"),
        ([0, 2], [0, 5], [1, 2], 5, None, r"indices\[1\] = 5 is outside 0..4"),
        ([0, 1], [-1], [1], 5, None, r"indices\[0\] = -1"),
        ([0, 3], [0, 1], [1, 2], 5, None, "indptr ends at 3, but there are 2 indices and 2 values"),
        ([0, 2], [0, 1], [1], 5, None, "2 indices and 1 values"),
        ([0, 1], [0.0], [1], 5, None, "indices must be integers"),
        ([0, 1], [0], [[1]], 5, None, "values must be 1-D"),
        ([0, 1], [0], [1], 0, None, "num_columns must be positive"),
        ([0, 1], [0], [1], 5, [1, 2], "2 labels for 1 rows"),
        ([0, 1], [0], [1e300], 5, None, r"values\[0\] = .*beyond the float32 range"),
    ],
)
def test_sparse_bad_input(indptr, indices, values, columns, labels, message):
    with pytest.raises(ValueError, match=message):
        write_sparse(io.BytesIO(), indptr, indices, values, columns, labels)


# --- int32 sequences -------------------------------------------------------------------------------------------


def test_int32_records_hold_source_and_target_features_and_no_label():
    # The layout Seq2Seq reads (the example's writer); the old features["values"] / label["values"] layout fails here.
    records = read_records(int32_bytes([[4, 5, 6], [7]], [[8], [9, 10]]))
    for record, (source, target) in zip(records, [([4, 5, 6], [8]), ([7], [9, 10])], strict=True):
        assert list(record["features"]) == ["source", "target"]  # in key order, as deterministic protobuf writes them
        assert record["label"] == {}
        assert record["features"]["source"] == {"dtype": "int32", "values": source, "keys": [], "shape": []}
        assert record["features"]["target"] == {"dtype": "int32", "values": target, "keys": [], "shape": []}


def test_int32_records_are_whole_records_with_cflag_0():
    # write_recordio in the example writes the plain payload length: the continuation flag (top 3 bits) is 0
    data = int32_bytes([[1] * 200, [2]], [[3], [4] * 70_000])
    position = 0
    while position < len(data):
        magic, word = struct.unpack_from("<II", data, position)
        assert (magic, word >> 29) == (0xCED7230A, 0)
        position += 8 + word + (-word % 4)
    assert position == len(data)
    assert read_seq2seq(data) == [([1] * 200, [3]), ([2], [4] * 70_000)]


def test_int32_sequences_round_trip(monkeypatch):
    rng = np.random.default_rng(9)
    limits = [np.iinfo(np.int32).min, -1, 0, 127, 128, 16383, 16384, np.iinfo(np.int32).max]
    sources = [rng.integers(0, 40_000, rng.integers(1, 60)) for _ in range(300)] + [np.array(limits)]
    targets = [rng.integers(-5, 300, rng.integers(1, 30)).astype(np.int32) for _ in range(301)]
    data = int32_bytes(sources, targets)
    pairs = read_seq2seq(data)
    assert pairs == [(source.tolist(), target.tolist()) for source, target in zip(sources, targets, strict=True)]
    assert pairs[-1][0] == limits
    monkeypatch.setattr(recordio, "CHUNK_VALUES", 40)
    monkeypatch.setattr(recordio, "CHUNK_ROWS", 3)
    assert int32_bytes(sources, targets) == data


def test_int32_sequences_without_targets_from_lists():
    stream = io.BytesIO()
    assert write_int32_sequences(stream, iter([[5, 6, 7], [8]])) == 2  # any iterable of sequences
    assert read_seq2seq(stream.getvalue()) == [([5, 6, 7], []), ([8], [])]  # empty target tensors
    assert int32_bytes([]) == b""
    mixed = [np.array([1, 2**31 - 1], np.uint64), np.array([-5], np.int8), np.array([7], np.uint32)]
    pairs = read_seq2seq(int32_bytes(mixed, [[1]] * 3))  # numpy would concatenate uint64 and int8 as float64
    assert [source for source, _ in pairs] == [[1, 2**31 - 1], [-5], [7]]


@pytest.mark.parametrize(
    ("sources", "targets", "message"),
    [
        ([[1], []], None, r"sources\[1\] must be a non-empty 1-D sequence"),
        ([[[1, 2]]], None, r"sources\[0\] must be a non-empty 1-D"),
        ([[1.5]], None, r"sources\[0\] must be int32 integers, got dtype float64"),
        ([[1]], [[2**31]], r"targets\[0\] must be int32 integers, got values outside the int32 range"),
        ([[1], [2], [-(2**31) - 1]], None, r"sources\[2\] must be int32 integers, got values outside"),
        ([np.array([2**64 - 1], np.uint64)], None, r"sources\[0\] must be int32 integers, got values outside"),
        ([[True]], None, r"sources\[0\] must be int32 integers, got dtype bool"),
        ([[1], 2], None, r"sources\[1\] must be a non-empty 1-D sequence, got shape \(\)"),
        ([[1], [[2, 3]]], None, r"sources\[1\] must be a non-empty 1-D sequence, got shape \(1, 2\)"),
        ([np.array([1], np.uint64), np.array([2**40], np.uint64), [3]], None, r"sources\[1\] must be int32"),
        ([[1], [2]], [[3]], "1 targets for 2 sources"),
    ],
)
def test_int32_sequences_bad_input(sources, targets, message):
    with pytest.raises(ValueError, match=message):
        write_int32_sequences(io.BytesIO(), sources, targets)


# --- padding, framing and streams ------------------------------------------------------------------------------


def test_every_padding_remainder_including_3():
    cases = {  # payload length: expected % 4
        "sparse, 1 value": (sparse_bytes([0, 1], [3], [1.0], 10), 26),
        "sparse, 2 values": (sparse_bytes([0, 2], [3, 4], [1.0, 2.0], 10), 31),
        "int32, 1 token": (int32_bytes([[1]]), 31),  # + 14 bytes of the empty target
        "int32, 2 tokens": (int32_bytes([[1, 2]]), 32),
        "int32, 3 tokens": (int32_bytes([[1, 2, 3]]), 33),
        "int32, 4 tokens": (int32_bytes([[1, 2, 3, 4]]), 34),
    }
    assert {name: payload_lengths(data)[0] for name, (data, _) in cases.items()} == {
        name: length for name, (_, length) in cases.items()
    }
    assert {length % 4 for _, length in cases.values()} == {0, 1, 2, 3}
    for data, length in cases.values():
        assert len(data) == 8 + length + (-length % 4)
        read_records(data)  # zero padding, data ends right after it


def test_records_written_to_a_file_and_to_a_raw_stream_that_takes_a_few_bytes_a_call(tmp_path):
    features = np.random.default_rng(2).standard_normal((10, 3)).astype(np.float32)
    expected = dense_bytes(features, np.ones(10))
    with open(tmp_path / "train.rec", "wb") as file:
        write_dense(file, features, np.ones(10))
    assert (tmp_path / "train.rec").read_bytes() == expected

    class Trickle(io.RawIOBase):
        def __init__(self):
            self.data = bytearray()

        def writable(self):
            return True

        def write(self, buffer):
            self.data += bytes(buffer[:7])
            return min(7, len(buffer))

    trickle = Trickle()
    write_dense(trickle, features, np.ones(10))
    assert bytes(trickle.data) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x0b\x23\xd7\xce\x00\x00\x00\x00", "bad magic"),
        (MAGIC + struct.pack("<I", 1 << 29), "continuation flag 1"),
        (MAGIC + struct.pack("<I", 1) + b"\x08\x01\x00", "runs past the data end"),
        (MAGIC + struct.pack("<I", 0) + b"\x00", "too few for a record header"),
    ],
)
def test_reader_rejects_bad_framing(data, message):
    with pytest.raises(ValueError, match=message):
        read_records(data)


def test_reader_checks_padding_and_dense_consistency():
    good = sparse_bytes([0, 1], [3], [1.0], 10)
    with pytest.raises(ValueError, match="padding bytes are not zero"):
        read_records(good[:-1] + b"\x01")
    with pytest.raises(ValueError, match="runs past the data end"):
        read_records(good[:-1])
    with pytest.raises(ValueError, match="features are sparse"):
        read_dense(good)
    with pytest.raises(ValueError, match="different lengths"):
        read_dense(dense_bytes(np.ones((1, 2))) + dense_bytes(np.ones((1, 3))))
    with pytest.raises(ValueError, match="only 1 of 2 records have a label"):
        read_dense(dense_bytes(np.ones((1, 2)), [1]) + dense_bytes(np.ones((1, 2))))


# --- cross-check with the protobuf runtime (skipped where protobuf is not installed) ----------------------------


def protobuf_record_class():
    pytest.importorskip("google.protobuf")
    import protobuf_record

    return protobuf_record.record_class()


def split_payloads(data: bytes) -> list[bytes]:
    payloads, position = [], 0
    while position < len(data):
        (length,) = struct.unpack_from("<I", data, position + 4)
        payloads.append(data[position + 8 : position + 8 + length])
        position += 8 + length + (-length % 4)
    return payloads


def frame(payload: bytes) -> bytes:
    """The v2 SDK's _write_recordio, and the Seq2Seq example's write_recordio: magic, length (no flag), data, zero
    padding up to a multiple of 4."""
    return MAGIC + struct.pack("<I", len(payload)) + payload + b"\0" * (-len(payload) % 4)


def example_record(record_class, source, target):
    """A Record built as the Seq2Seq example's list_to_record_bytes builds it (aws/amazon-sagemaker-examples,
    introduction_to_amazon_algorithms/seq2seq_translation_en-de/create_vocab_proto.py)."""
    record = record_class()
    record.features["source"].int32_tensor.values.extend(source)
    record.features["target"].int32_tensor.values.extend(target)
    return record


@pytest.mark.parametrize(("rows", "columns"), [(25, 40), (3, 1), (3, 31), (2, 4095), (1, 40_000)])
def test_protobuf_serializes_dense_records_to_the_same_bytes(rows, columns):
    record_class = protobuf_record_class()
    rng = np.random.default_rng(columns)
    features = rng.standard_normal((rows, columns)).astype(np.float32)
    features[0, 0] = np.nan  # a quiet NaN survives the trip through Python floats
    labels = rng.integers(0, 3, rows).astype(np.float32)
    for with_labels in (False, True):
        expected = b""
        for index, row in enumerate(features):  # write_numpy_to_dense_tensor of the v2 SDK, step by step
            record = record_class()
            record.features["values"].float32_tensor.values.extend(row.tolist())
            if with_labels:
                record.label["values"].float32_tensor.values.extend([labels[index].item()])
            expected += frame(record.SerializeToString())
        assert dense_bytes(features, labels if with_labels else None) == expected


def test_protobuf_serializes_sparse_records_to_the_same_bytes():
    record_class = protobuf_record_class()
    rng = np.random.default_rng(6)
    indptr, indices, values = random_csr(rng, 60, 20_000, 0.003, empty_rows=(0, 30, 59))
    labels = rng.random(60).astype(np.float32)
    for with_labels in (False, True):
        expected = b""
        for row in range(60):  # write_spmatrix_to_sparse_tensor of the v2 SDK, step by step
            start, stop = indptr[row], indptr[row + 1]
            record = record_class()
            record.features["values"].float32_tensor.values.extend(values[start:stop].tolist())
            record.features["values"].float32_tensor.keys.extend(indices[start:stop].tolist())
            if with_labels:
                record.label["values"].float32_tensor.values.extend([labels[row].item()])
            record.features["values"].float32_tensor.shape.extend([20_000])
            expected += frame(record.SerializeToString())
        assert sparse_bytes(indptr, indices, values, 20_000, labels if with_labels else None) == expected


def test_protobuf_serializes_int32_records_as_the_seq2seq_example_does():
    record_class = protobuf_record_class()
    rng = np.random.default_rng(8)
    sources = [rng.integers(-70_000, 70_000, rng.integers(1, 50)) for _ in range(40)]
    targets = [rng.integers(0, 2**31 - 1, rng.integers(1, 50)) for _ in range(40)]
    records = [example_record(record_class, s.tolist(), t.tolist()) for s, t in zip(sources, targets, strict=True)]
    # Map entries: protobuf's default serialization may put them in any order (upb: hash order), the deterministic
    # one sorts them by key, as this writer does; either way the payloads parse to the same messages.
    data = int32_bytes(sources, targets)
    assert data == b"".join(frame(record.SerializeToString(deterministic=True)) for record in records)
    assert [record_class.FromString(payload) for payload in split_payloads(data)] == records
    for payload in split_payloads(data):
        assert sorted(record_class.FromString(payload).features) == ["source", "target"]
        assert len(record_class.FromString(payload).label) == 0
    # inference requests: list_to_record_bytes(sentence, []), as the example notebook writes them
    requests = [example_record(record_class, source.tolist(), []) for source in sources]
    data = int32_bytes(sources)
    assert data == b"".join(frame(record.SerializeToString(deterministic=True)) for record in requests)
    assert [record_class.FromString(payload) for payload in split_payloads(data)] == requests


def test_protobuf_parses_what_we_write():
    record_class = protobuf_record_class()
    rng = np.random.default_rng(10)
    features = rng.standard_normal((8, 5)).astype(np.float32)
    for index, payload in enumerate(split_payloads(dense_bytes(features, np.arange(8)))):
        record = record_class.FromString(payload)
        assert list(record.features) == ["values"] and list(record.label) == ["values"]
        assert record.features["values"].WhichOneof("value") == "float32_tensor"
        assert np.array_equal(np.array(record.features["values"].float32_tensor.values, np.float32), features[index])
        assert list(record.label["values"].float32_tensor.values) == [index]
    indptr, indices, values = random_csr(rng, 10, 500, 0.02, empty_rows=(4,))
    for row, payload in enumerate(split_payloads(sparse_bytes(indptr, indices, values, 500))):
        tensor = record_class.FromString(payload).features["values"].float32_tensor
        assert list(tensor.keys) == indices[indptr[row] : indptr[row + 1]].tolist() and list(tensor.shape) == [500]
        assert np.array_equal(np.array(tensor.values, np.float32), values[indptr[row] : indptr[row + 1]])
    for payload in split_payloads(int32_bytes([[-3, 0, 2**31 - 1]], [[9]])):
        record = record_class.FromString(payload)
        assert list(record.features["source"].int32_tensor.values) == [-3, 0, 2**31 - 1]
        assert list(record.features["target"].int32_tensor.values) == [9]
        assert record.features["source"].WhichOneof("value") == "int32_tensor" and len(record.label) == 0
