"""An independent RecordIO-protobuf decoder for tests, written from the wire format (no code shared with the writer).

RecordIO framing: per record, uint32 LE magic 0xced7230a, uint32 LE (cflag << 29 | length), `length` payload bytes,
zero padding to a multiple of 4. Payload: protobuf aialgs.data.Record, decoded here with a small field walker:

    Record  { map<string, Value> features = 1; map<string, Value> label = 2; string uid = 3; metadata = 4;
              configuration = 5; }
    Value   { oneof { Float32Tensor float32_tensor = 2; Float64Tensor float64_tensor = 3;
              Int32Tensor int32_tensor = 7; Bytes bytes = 9; } }
    *Tensor { repeated <float|double|int32> values = 1; repeated uint64 keys = 2; repeated uint64 shape = 3; }

Strict on purpose: bad framing, unknown fields and malformed varints raise ValueError.
"""

import struct

import numpy as np

MAGIC = 0xCED7230A
LENGTH_MASK = (1 << 29) - 1

# Value field number -> (dtype, struct format of one fixed-size value, or None for varints)
TENSOR_TYPES = {2: ("float32", "<f"), 3: ("float64", "<d"), 7: ("int32", None)}
VARINT, FIXED64, LENGTH_DELIMITED, FIXED32 = 0, 1, 2, 5


def read_records(data: bytes) -> list[dict]:
    """[{"features": {key: tensor}, "label": {key: tensor}}, ...], tensor = {"dtype", "values", "keys", "shape"}.

    Float values come back as Python floats (so a signalling NaN comes back quiet); read_dense keeps float32 bits.
    """
    records = _read_raw_records(data)
    for record in records:
        for tensors in record.values():
            for tensor in tensors.values():
                tensor["values"] = _values_list(tensor)
    return records


def read_dense(data: bytes) -> tuple[np.ndarray, np.ndarray | None]:
    """(features (n, d) float32, labels (n,) float32 or None) of dense float32 records, float bits unchanged."""
    rows, labels = [], []
    for number, record in enumerate(_read_raw_records(data)):
        features = _only_values_tensor(record["features"], number, "features")
        if features["keys"] or features["shape"]:
            raise ValueError(f"record {number}: features are sparse (keys {features['keys'][:5]}...)")
        rows.append(np.frombuffer(features["values"], "<f4"))
        if record["label"]:
            label = np.frombuffer(_only_values_tensor(record["label"], number, "label")["values"], "<f4")
            if len(label) != 1:
                raise ValueError(f"record {number}: label has {len(label)} values, expected 1")
            labels.append(label[0])
    if len({len(row) for row in rows}) > 1:
        raise ValueError(f"records have different lengths: {sorted({len(row) for row in rows})}")
    if labels and len(labels) != len(rows):
        raise ValueError(f"only {len(labels)} of {len(rows)} records have a label")
    features = np.array(rows, np.float32).reshape(len(rows), len(rows[0]) if rows else 0)
    return features, np.array(labels, np.float32) if labels else None


def read_seq2seq(data: bytes) -> list[tuple[list[int], list[int]]]:
    """(source ids, target ids) of each Seq2Seq record, checking the layout of the SageMaker Seq2Seq example's
    writer (aws/amazon-sagemaker-examples, introduction_to_amazon_algorithms/seq2seq_translation_en-de/
    create_vocab_proto.py, list_to_record_bytes): features holds exactly the keys "source" and "target", each an
    Int32Tensor with values only (no keys, no shape), and there is no label. An empty target (inference requests)
    comes back as []."""
    pairs = []
    for number, record in enumerate(_read_raw_records(data)):
        features = record["features"]
        if set(features) != {"source", "target"}:
            raise ValueError(f"record {number}: features must have the keys source and target, got {sorted(features)}")
        if record["label"]:
            raise ValueError(
                f"record {number}: Seq2Seq records have no label, got label keys {sorted(record['label'])}"
            )
        for key, tensor in features.items():
            if tensor["dtype"] != "int32" or tensor["keys"] or tensor["shape"]:
                raise ValueError(f"record {number}: features[{key!r}] must be an Int32Tensor of values only")
        pairs.append((features["source"]["values"], features["target"]["values"]))
    return pairs


def _only_values_tensor(tensors: dict, number: int, name: str) -> dict:
    if set(tensors) != {"values"} or tensors["values"]["dtype"] != "float32":
        kinds = {key: tensor["dtype"] for key, tensor in tensors.items()}
        raise ValueError(f"record {number}: {name} must be one float32 tensor keyed 'values', got {kinds}")
    return tensors["values"]


# --- framing ---------------------------------------------------------------------------------------------------


def _read_raw_records(data: bytes) -> list[dict]:
    """Records with tensor values still as raw bytes (packed floats) or lists (int32)."""
    data = bytes(data)
    records, position = [], 0
    while position < len(data):
        if len(data) - position < 8:
            raise ValueError(f"offset {position}: {len(data) - position} bytes left, too few for a record header")
        magic, word = struct.unpack_from("<II", data, position)
        if magic != MAGIC:
            raise ValueError(f"offset {position}: bad magic {magic:#010x}")
        if word >> 29:
            raise ValueError(f"offset {position}: continuation flag {word >> 29}, only whole records (0) expected")
        start = position + 8
        end = start + (word & LENGTH_MASK)
        padded = end + (-(end - start) % 4)
        if padded > len(data):
            raise ValueError(f"offset {position}: record of {end - start} bytes (+ padding) runs past the data end")
        if any(data[end:padded]):
            raise ValueError(f"offset {end}: padding bytes are not zero: {data[end:padded].hex()}")
        records.append(_parse_record(data[start:end], len(records)))
        position = padded
    return records


# --- protobuf ----------------------------------------------------------------------------------------------------


def _parse_record(payload: bytes, number: int) -> dict:
    record = {"features": {}, "label": {}}
    for field, wire, body in _fields(payload):
        if field in (1, 2) and wire == LENGTH_DELIMITED:
            key, value = _parse_map_entry(body)
            tensors = record["features" if field == 1 else "label"]
            if key in tensors:
                raise ValueError(f"record {number}: map key {key!r} repeated")
            tensors[key] = value
        elif field in (3, 4, 5) and wire == LENGTH_DELIMITED:
            body.decode("utf-8")  # uid, metadata, configuration: strings, not returned
        else:
            raise ValueError(f"record {number}: unexpected field {field} (wire type {wire})")
    return record


def _parse_map_entry(entry: bytes) -> tuple[str, dict]:
    key, value = "", None  # proto defaults of an absent key / value
    for field, wire, body in _fields(entry):
        if field == 1 and wire == LENGTH_DELIMITED:
            key = body.decode("utf-8")
        elif field == 2 and wire == LENGTH_DELIMITED:
            value = _parse_value(body)
        else:
            raise ValueError(f"map entry: unexpected field {field} (wire type {wire})")
    if value is None:
        raise ValueError(f"map entry {key!r} has no value")
    return key, value


def _parse_value(value: bytes) -> dict:
    fields = list(_fields(value))
    if len(fields) != 1:
        raise ValueError(f"Value must hold exactly one field, got {[field for field, _, _ in fields]}")
    ((field, wire, body),) = fields
    if field not in TENSOR_TYPES or wire != LENGTH_DELIMITED:
        raise ValueError(f"Value field {field} (wire type {wire}) is not a supported tensor")
    dtype, fixed = TENSOR_TYPES[field]
    tensor = {"dtype": dtype, "values": b"" if fixed else [], "keys": [], "shape": []}
    for number, wire, content in _fields(body):
        if number == 1 and fixed:
            size = struct.calcsize(fixed)
            packed = wire == LENGTH_DELIMITED and len(content) % size == 0
            if packed or wire == (FIXED32 if size == 4 else FIXED64):  # unpacked is legal protobuf too
                tensor["values"] += content
            else:
                raise ValueError(f"{dtype} tensor values: bad wire type {wire} or length {len(content)}")
        elif number == 1:
            tensor["values"] += [_as_int32(v) for v in _varint_list(wire, content)]
        elif number in (2, 3):
            tensor["keys" if number == 2 else "shape"] += _varint_list(wire, content)
        else:
            raise ValueError(f"{dtype} tensor: unexpected field {number}")
    return tensor


def _values_list(tensor: dict) -> list:
    if tensor["dtype"] == "int32":
        return tensor["values"]
    fixed = TENSOR_TYPES[2 if tensor["dtype"] == "float32" else 3][1]
    return [value for (value,) in struct.iter_unpack(fixed, tensor["values"])]


def _as_int32(value: int) -> int:
    if value >= 1 << 63:  # negative int32: sign-extended to 64 bits (10 bytes) on the wire
        value -= 1 << 64
    if not -(1 << 31) <= value < 1 << 31:
        raise ValueError(f"int32 value out of range: {value}")
    return value


def _varint_list(wire: int, content) -> list[int]:
    if wire == VARINT:
        return [content]
    if wire != LENGTH_DELIMITED:
        raise ValueError(f"varint field with wire type {wire}")
    values, position = [], 0
    while position < len(content):
        value, position = _read_varint(content, position)
        values.append(value)
    return values


def _fields(message: bytes):
    """(field number, wire type, content) of each field: an int for varints, bytes for the others."""
    position = 0
    while position < len(message):
        tag, position = _read_varint(message, position)
        field, wire = tag >> 3, tag & 7
        if field == 0:
            raise ValueError("field number 0")
        if wire == VARINT:
            content, position = _read_varint(message, position)
        elif wire in (FIXED64, FIXED32, LENGTH_DELIMITED):
            if wire == LENGTH_DELIMITED:
                size, position = _read_varint(message, position)
            else:
                size = 8 if wire == FIXED64 else 4
            if position + size > len(message):
                raise ValueError(f"field {field}: {size} bytes run past the message end")
            content, position = message[position : position + size], position + size
        else:
            raise ValueError(f"field {field}: unsupported wire type {wire}")
        yield field, wire, content


def _read_varint(data: bytes, position: int) -> tuple[int, int]:
    value = 0
    for shift in range(0, 70, 7):
        if position >= len(data):
            raise ValueError("varint runs past the message end")
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if value >= 1 << 64:
                raise ValueError("varint over 64 bits")
            return value, position
    raise ValueError("varint longer than 10 bytes")
