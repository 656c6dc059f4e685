"""Speed of processing/shared/recordio.py against per-record protobuf encoders and a single write() of the bytes.

Run on demand from the repository root (not a test): .venv/bin/python benchmarks/recordio_benchmark.py
Needs protobuf (the dev venv has it through the SDK) for the per-record baselines. Data:
  dense   70,000 x 784 random float32 features with labels (MNIST size), write_dense
  sparse  the same shape with ~19% non-zeros (about MNIST's density), write_sparse
  int32   100,000 source/target pairs of 5-60 token ids below 30,000 (a small Seq2Seq set), write_int32_sequences
Every file goes to a temporary folder through the page cache (no fsync), a fresh file for each timed run.
"""

import argparse
import io
import resource
import struct
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "processing"))
sys.path.insert(0, str(ROOT / "tests" / "processing"))  # the sparse writer lives with the tests: no step uses it
sys.dont_write_bytecode = True  # processing/ ships as a zip: no __pycache__ in it

from shared.recordio import write_dense, write_int32_sequences  # noqa: E402
from sparse_recordio import write_sparse  # noqa: E402

ROWS, COLUMNS, DENSITY = 70_000, 784, 0.19
PAIRS, VOCABULARY = 100_000, 30_000
MAGIC = struct.pack("<I", 0xCED7230A)


@dataclass
class Case:
    name: str
    rows: int
    ours: Callable  # (stream, rows): shared.recordio writes the first `rows` records
    protobuf: Callable  # (stream, rows, as_lists): the per-record protobuf encoder does the same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each fast case; the best is reported")
    parser.add_argument("--baseline-rows", type=int, default=5_000, help="records encoded by the protobuf baselines")
    args = parser.parse_args()
    cases = make_cases(protobuf_record_class(), np.random.default_rng(0))
    print(__doc__.split("Data:")[1].split("Every")[0].strip("\n"))
    print(f"Best of {args.repeat} runs; the protobuf encoders are timed on the first {args.baseline_rows:,} records "
          "and extrapolated linearly to all of them.\n")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        table = [row for case in cases for row in compare(case, Path(folder) / "out.rec", args)]
    print(f"\n{'case':<44} {'seconds':>8} {'MB/s':>8} {'peak MB':>8}")
    for name, seconds, size, peak in table:
        peak_text = f"{peak / 1e6:8.1f}" if peak is not None else f"{'-':>8}"
        print(f"{name:<44} {seconds:8.3f} {size / 1e6 / seconds:8.0f} {peak_text}")
    print("\nMB/s: output bytes / seconds. peak MB: tracemalloc peak of the Python-side allocations (numpy buffers")
    print("included) during the call, the inputs excluded. extend(numpy row) is what the v2 SDK helpers did.")
    print(f"Process max RSS at the end: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB "
          "(mostly the input arrays).")  # fmt: skip
    return 0


def make_cases(record_class, rng) -> list[Case]:
    features = rng.random((ROWS, COLUMNS), dtype=np.float32)
    labels = rng.integers(0, 10, ROWS).astype(np.float32)
    mask = rng.random((ROWS, COLUMNS)) < DENSITY
    indptr = np.concatenate([[0], np.cumsum(mask.sum(axis=1))])
    indices = np.nonzero(mask)[1]
    values = rng.random(len(indices), dtype=np.float32)
    sources = [rng.integers(0, VOCABULARY, rng.integers(5, 61)) for _ in range(PAIRS)]
    targets = [rng.integers(0, VOCABULARY, rng.integers(5, 61)) for _ in range(PAIRS)]

    def sparse(stream, rows: int) -> None:
        end = indptr[rows]
        write_sparse(stream, indptr[: rows + 1], indices[:end], values[:end], COLUMNS, labels[:rows])

    return [
        Case(
            "dense",
            ROWS,
            lambda stream, rows: write_dense(stream, features[:rows], labels[:rows]),
            lambda stream, rows, as_lists: protobuf_dense(stream, record_class, features[:rows], labels, as_lists),
        ),
        Case(
            "sparse",
            ROWS,
            sparse,
            lambda stream, rows, as_lists: protobuf_sparse(
                stream, record_class, (indptr, indices, values), labels, rows, as_lists
            ),
        ),
        Case(
            "int32",
            PAIRS,
            lambda stream, rows: write_int32_sequences(stream, sources[:rows], targets[:rows]),
            lambda stream, rows, as_lists: protobuf_int32(stream, record_class, sources[:rows], targets, as_lists),
        ),
    ]


def compare(case: Case, path: Path, args) -> list[tuple]:
    """Rows of the table for one case; prints the ratios as they come."""
    expected = to_bytes(lambda stream: case.ours(stream, 200))
    for as_lists in (False, True):  # the baselines must write the very same bytes
        assert to_bytes(partial(case.protobuf, rows=200, as_lists=as_lists)) == expected, case.name
    seconds = best_of(args.repeat, lambda: write_file(path, lambda stream: case.ours(stream, case.rows)), path)
    size = path.stat().st_size
    encode_only = best_of(args.repeat, lambda: case.ours(Discard(), case.rows))
    tracemalloc.start()
    write_file(path, lambda stream: case.ours(stream, case.rows))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    single = time_single_write(path.read_bytes(), path, args.repeat)
    rows = min(args.baseline_rows, case.rows)
    numpy_rows, list_rows = (
        best_of(1, partial(write_file, path, partial(case.protobuf, rows=rows, as_lists=as_lists)), path)
        * case.rows
        / rows
        for as_lists in (False, True)
    )
    print(f"{case.name}: {numpy_rows / seconds:.1f}x faster than protobuf with extend(numpy row), "
          f"{list_rows / seconds:.1f}x faster than protobuf with extend(row.tolist()); "
          f"{seconds / single:.2f}x the time of one write() of the same bytes")  # fmt: skip
    return [
        (f"{case.name}: shared.recordio", seconds, size, peak),
        (f"{case.name}: shared.recordio, encoding alone", encode_only, size, None),
        (f"{case.name}: protobuf, extend(numpy row)", numpy_rows, size, None),
        (f"{case.name}: protobuf, extend(row.tolist())", list_rows, size, None),
        (f"{case.name}: one write() of the bytes", single, size, None),
    ]


def time_single_write(data: bytes, path: Path, repeat: int) -> float:
    return best_of(repeat, lambda: write_file(path, lambda stream: stream.write(data)), path)


class Discard:
    """A binary stream that drops what it gets: times the encoding alone."""

    def write(self, data) -> int:
        return len(data)


def to_bytes(encode) -> bytes:
    stream = io.BytesIO()
    encode(stream)
    return stream.getvalue()


def write_file(path: Path, encode) -> None:
    with open(path, "wb") as stream:
        encode(stream)


def best_of(repeat: int, run, path: Path | None = None) -> float:
    """Shortest of `repeat` runs; with a path, each run starts without that file (no run pays for truncating
    the previous one's pages)."""
    times = []
    for _ in range(repeat):
        if path is not None:
            path.unlink(missing_ok=True)
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


# --- the per-record protobuf baselines: what the v2 SDK's helpers did ----------------------------------------------


def frame(stream, payload: bytes) -> None:
    stream.write(MAGIC)
    stream.write(struct.pack("<I", len(payload)))
    stream.write(payload)
    stream.write(b"\0" * (-len(payload) % 4))


def protobuf_dense(stream, record_class, features, labels, as_lists: bool) -> None:
    """write_numpy_to_dense_tensor's loop; as_lists passes row.tolist(), which protobuf takes much faster."""
    record = record_class()
    for index, row in enumerate(features):
        record.Clear()
        record.features["values"].float32_tensor.values.extend(row.tolist() if as_lists else row)
        record.label["values"].float32_tensor.values.extend([labels[index].item() if as_lists else labels[index]])
        frame(stream, record.SerializeToString())


def protobuf_sparse(stream, record_class, csr, labels, rows: int, as_lists: bool) -> None:
    """write_spmatrix_to_sparse_tensor's loop, with the CSR rows sliced directly (no scipy getrow)."""
    indptr, indices, values = csr
    record = record_class()
    for row in range(rows):
        start, stop = indptr[row], indptr[row + 1]
        row_values, row_keys = values[start:stop], indices[start:stop].astype(np.uint64)
        record.Clear()
        tensor = record.features["values"].float32_tensor
        tensor.values.extend(row_values.tolist() if as_lists else row_values)
        tensor.keys.extend(row_keys.tolist() if as_lists else row_keys)
        record.label["values"].float32_tensor.values.extend([labels[row].item() if as_lists else labels[row]])
        tensor.shape.extend([COLUMNS])
        frame(stream, record.SerializeToString())


def protobuf_int32(stream, record_class, sources, targets, as_lists: bool) -> None:
    """One Record per pair as the SageMaker Seq2Seq example's list_to_record_bytes builds it (features "source" and
    "target", two Int32Tensors; create_vocab_proto.py in aws/amazon-sagemaker-examples). Serialized
    deterministically: map entries in key order, as shared.recordio writes them (the default order may vary)."""
    record = record_class()
    for index, source in enumerate(sources):
        record.Clear()
        record.features["source"].int32_tensor.values.extend(source.tolist() if as_lists else source)
        record.features["target"].int32_tensor.values.extend(targets[index].tolist() if as_lists else targets[index])
        frame(stream, record.SerializeToString(deterministic=True))


def protobuf_record_class():
    """aialgs.data.Record as a protobuf runtime class, the one the recordio tests cross-check against."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "processing"))
    try:
        import protobuf_record
    except ImportError:
        sys.exit("protobuf is not installed: run this with the dev venv (.venv/bin/python)")
    return protobuf_record.record_class()


if __name__ == "__main__":
    sys.exit(main())
