"""Preprocessing of MNIST (mnist.pkl.gz) for XGBoost, Linear Learner, Factorization Machines and PCA.

Input: mnist.pkl.gz, a gzip'd pickle (Python 2, protocol 2) of (train_set, valid_set, test_set), each an
(images, labels) pair: float32 images (n, 784) with pixels in [0, 1] and integer labels (n,) 0..9. It is unpickled
with an allow-list of the few numpy globals an array needs (unpickling can run code; the file comes from a public
bucket): anything else, e.g. `os.system`, is refused before it is called. --sha256 HEX (optional) is the file's
expected SHA-256, checked before anything is decompressed or unpickled (the step reads its S3 object directly, with
no Download step to check it); without it the digest read is logged. The decompressed pickle may not exceed
--max-pickle-bytes (default 512 MiB; the real one is about 220 MB: 70,000 float32 images of 784 pixels): a gzip
bomb ends with an error naming the file instead of exhausting the instance's memory.

Output: one folder per requested split (--splits; train <- train_set, validation <- valid_set, test <- test_set,
rows in their original order), holding <split>.<format>:
  --target multiclass  label = the digit 0..9 (XGBoost multi:softmax wants 0..num_class-1)
  --target binary      label = 1 if the image shows --digit (default 0), else 0 (the notebooks' "is it a 0?")
  --target none        no label in any split (PCA: unsupervised, and its test split feeds a batch transform)
--format sets the format of every split; --test-format overrides it for the test split only (PCA trains on
RecordIO and transforms the test split as CSV). libsvm needs a label, so it does not go with --target none. A batch
transform of a labelled CSV split needs no label-free copy: the transform drops the first column itself
(input_filter "$[1:]", and join_source "Input" keeps the label beside the prediction). Number formats: see
shared/tabular.py.

--baseline METRIC (optional) also writes DIR/baseline/baseline.json (shared.baselines): the score, on METRIC's
split, of the best constant model, for the pipeline's quality gate to require more than. METRIC is the algorithm's
metric name, CHANNEL:NAME; the channel, validation or test, names the split (which must be among --splits), and
the score is computed on that split's labels as written:
  --target binary      binary_classification_accuracy: always the split's majority label (in MNIST, always 0:
                       about 90% of images are not the digit); binary_f_beta: always 1 (F1 2p / (1 + p), p the
                       share of 1s; always 0 scores 0)
  --target multiclass  accuracy: always the split's most frequent digit; merror: its error rate, 1 - accuracy
(--target none has no labels, hence no baseline.) e.g. Linear Learner --baseline validation:binary_f_beta,
Factorization Machines test:binary_classification_accuracy, XGBoost validation:merror. Without --baseline the
output is the same as before, with no baseline folder.
"""

import argparse
import codecs
import gzip
import io
import os
import pickle
import zlib
from collections.abc import Sequence
from typing import BinaryIO, cast

import numpy as np
from shared import baselines
from shared.arguments import sha256_hex
from shared.cli import run
from shared.download import size_and_sha256
from shared.errors import InputError
from shared.limits import MIB, bounded, limit_argument
from shared.outputs import staged_outputs
from shared.tabular import FORMATS, SPLITS, write_split

PIXELS = 784
DIGITS = range(10)
TARGETS = ("multiclass", "binary", "none")
# --baseline: the metrics (after the channel) of each target, and the splits they may be measured on
BASELINE_METRICS = {"binary": ("binary_classification_accuracy", "binary_f_beta"), "multiclass": ("accuracy", "merror")}
BASELINE_SPLITS = ("validation", "test")
# The real mnist.pkl.gz decompresses to about 220 MB (70,000 x 784 float32 pixels, 70,000 int64 labels): 512 MiB is
# over twice that, and far below what a gzip bomb expands to. --max-pickle-bytes raises it.
MAX_PICKLE_BYTES = 512 * MIB


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    path = find_input(args.input)
    digest = check_sha256(path, args.sha256)
    data = dict(zip(SPLITS, validate(load_pickle(path, args.max_pickle_bytes), path), strict=True))
    formats = args.formats
    outputs = {split: os.path.join(args.output_dir, split) for split in args.splits}
    if args.baseline is not None:
        outputs[baselines.OUTPUT] = os.path.join(args.output_dir, baselines.OUTPUT)
    with staged_outputs(outputs) as staging:
        for split in args.splits:
            images, labels = data[split]
            write_split(staging[split], split, formats[split], images, make_labels(labels, args.target, args.digit))
        if args.baseline is not None:
            digits = data[baselines.split_of(args.baseline)][1]
            baseline = baselines.of_labels(args.baseline, make_labels(digits, args.target, args.digit))
            baseline.write(staging[baselines.OUTPUT])
    counts = ", ".join(f"{split} {len(data[split][0])} ({formats[split]})" for split in args.splits)
    target = f"binary (digit {args.digit})" if args.target == "binary" else args.target
    pinned = "pinned, matches" if args.sha256 else "not pinned"
    print(f"mnist: read {path} (sha256 {digest}, {pinned}); wrote {counts}; target {target}")
    if args.baseline is not None:
        print(baseline.summary("mnist"))
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mnist", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="mnist.pkl.gz, or a folder holding exactly one *.pkl.gz")
    parser.add_argument("--output-dir", required=True, help="gets one subfolder per split")
    parser.add_argument("--target", required=True, choices=TARGETS, help="label of each image (none: no label)")
    parser.add_argument("--digit", type=int, help="with --target binary: the digit labelled 1 (default 0)")
    parser.add_argument("--format", required=True, choices=FORMATS, help="file format of the splits")
    parser.add_argument("--test-format", choices=FORMATS, help="file format of the test split, if not --format")
    parser.add_argument("--splits", type=split_list, default=SPLITS, help="comma list of train,validation,test")
    parser.add_argument(
        "--baseline", metavar="METRIC", help="also write baseline/baseline.json, e.g. validation:binary_f_beta"
    )
    parser.add_argument("--sha256", type=sha256_hex, help="expected SHA-256 of the input file")
    limit_argument(parser, "--max-pickle-bytes", MAX_PICKLE_BYTES, "largest decompressed pickle, bytes")
    args = parser.parse_args(argv)
    if args.digit is None:
        args.digit = 0
    elif args.target != "binary":
        parser.error("--digit goes only with --target binary")
    elif args.digit not in DIGITS:
        parser.error(f"--digit must be 0..9, got {args.digit}")
    if args.test_format and "test" not in args.splits:
        parser.error("--test-format needs the test split in --splits")
    args.formats = {
        split: args.test_format if split == "test" and args.test_format else args.format for split in args.splits
    }
    if args.target == "none" and "libsvm" in args.formats.values():
        parser.error("libsvm needs a label: use --target multiclass or binary, or another format")
    if args.baseline is not None:
        check_baseline(parser, args)
    return args


def check_baseline(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """--baseline must name a metric of --target on a written validation or test split."""
    if args.target not in BASELINE_METRICS:
        parser.error(f"--baseline {args.baseline}: --target {args.target} writes no labels, so there is no baseline")
    kinds = BASELINE_METRICS[args.target]
    supported = [f"{split}:{kind}" for split in BASELINE_SPLITS if split in args.splits for kind in kinds]
    baselines.check_metric(parser, args.baseline, supported, args.splits, f" with --target {args.target}")


def split_list(text: str) -> tuple[str, ...]:
    """'train,test' -> ('train', 'test'), in the canonical order train, validation, test."""
    names = [name.strip() for name in text.split(",")]
    unknown = [name for name in names if name not in SPLITS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown split {unknown[0]!r} (expected train, validation, test)")
    if len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(f"a split is named twice: {text!r}")
    return tuple(split for split in SPLITS if split in names)


def find_input(path: str) -> str:
    if os.path.isfile(path):
        return path
    if not os.path.isdir(path):
        raise InputError("no such file or folder", file=path)
    found = sorted(
        entry.name
        for entry in os.scandir(path)
        if entry.is_file() and entry.name.endswith(".pkl.gz") and not entry.name.startswith(".")
    )
    if len(found) != 1:
        names = f": {', '.join(found)}" if found else ""
        raise InputError(f"expected exactly one *.pkl.gz file in the folder, found {len(found)}{names}", file=path)
    return os.path.join(path, found[0])


class RestrictedUnpickler(pickle.Unpickler):
    """Resolves only the globals a pickle of numpy arrays needs; refuses every other one before it can run."""

    def __init__(self, file, source: str):
        super().__init__(file, encoding="latin1")  # Python 2 str -> latin1 str, which numpy takes as raw bytes
        self.source = source

    def find_class(self, module: str, name: str):
        allowed = allowed_globals().get((module, name))
        if allowed is None:
            raise InputError(
                f"refused to unpickle global '{module}.{name}' (only numpy arrays are allowed)", file=self.source
            )
        return allowed


def allowed_globals() -> dict[tuple[str, str], object]:
    # The array reconstructor is taken from ndarray.__reduce__, so that it is the right function on every numpy
    # version; numpy 1.x pickles name it numpy.core.multiarray, numpy 2 numpy._core.multiarray.
    reconstruct = np.zeros(0).__reduce__()[0]
    return {
        ("numpy.core.multiarray", "_reconstruct"): reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): reconstruct,
        ("numpy", "ndarray"): np.ndarray,
        ("numpy", "dtype"): np.dtype,
        # Python 3 writes bytes (an array's raw data) in protocol 2 as _codecs.encode(text, 'latin1').
        ("_codecs", "encode"): latin1_encode,
    }


def latin1_encode(text: str, encoding: str) -> bytes:
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):
        raise pickle.UnpicklingError(f"_codecs.encode only decodes latin1 text, not {encoding!r}")
    return codecs.encode(text, "latin1")


def check_sha256(path: str, expected: str | None) -> str:
    """The file's SHA-256; InputError naming expected and actual digest if it is not `expected` (when given)."""
    digest = size_and_sha256(path)[1]
    if expected is not None and digest != expected:
        raise InputError(f"checksum mismatch: expected sha256 {expected}, got {digest}", file=path)
    return digest


def load_pickle(path: str, max_bytes: int) -> object:
    try:
        with cast(BinaryIO, gzip.open(path, "rb")) as file:  # a GzipFile is a binary stream; typeshed says otherwise
            data = bounded(file, max_bytes, file=path, what="decompressed pickle").read()
    except EOFError:
        raise InputError("truncated gzip file (it ends before its end-of-stream marker)", file=path) from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise InputError(f"not a valid gzip file: {exc}", file=path) from None
    try:
        return RestrictedUnpickler(io.BytesIO(data), path).load()
    except InputError:
        raise
    except Exception as exc:  # anything else going wrong inside the unpickler means the pickle is bad
        raise InputError(f"not a valid pickle of MNIST arrays: {type(exc).__name__}: {exc}", file=path) from None


def validate(data: object, path: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """The three (images float32 (n, 784), labels int64 (n,)) pairs, after checking everything the output needs."""
    if not isinstance(data, tuple | list) or len(data) != len(SPLITS):
        raise InputError(f"expected a tuple (train_set, valid_set, test_set), got {describe(data)}", file=path)
    return [validate_split(split, pair, path) for split, pair in zip(SPLITS, data, strict=True)]


def validate_split(split: str, pair: object, path: str) -> tuple[np.ndarray, np.ndarray]:
    def fail(problem: str) -> InputError:
        return InputError(f"{split} split: {problem}", file=path)

    if not isinstance(pair, tuple | list) or len(pair) != 2:
        raise fail(f"expected a pair (images, labels), got {describe(pair)}")
    images, labels = pair
    if not isinstance(images, np.ndarray) or images.ndim != 2 or images.shape[1] != PIXELS:
        raise fail(f"images: expected a 2-D array with {PIXELS} columns, got {describe(images)}")
    if images.dtype.kind != "f":
        raise fail(f"images: expected floating-point pixels, got dtype {images.dtype}")
    if len(images) == 0:
        raise fail("no images")
    if not isinstance(labels, np.ndarray) or labels.ndim != 1:
        raise fail(f"labels: expected a 1-D array, got {describe(labels)}")
    if labels.dtype.kind not in "iu":
        raise fail(f"labels: expected integers, got dtype {labels.dtype}")
    if len(labels) != len(images):
        raise fail(f"{len(images)} images but {len(labels)} labels")
    bad = np.flatnonzero((labels < 0) | (labels > 9))
    if bad.size:
        raise fail(f"row {bad[0] + 1}: label {labels[bad[0]]} is outside 0..9")
    bad = np.flatnonzero(~((images >= 0) & (images <= 1)))  # NaN fails both comparisons
    if bad.size:
        row, column = divmod(int(bad[0]), PIXELS)
        raise fail(f"row {row + 1}: pixel {column}: value {images[row, column]} is outside [0, 1]")
    return images.astype(np.float32, copy=False), labels.astype(np.int64, copy=False)


def describe(value: object) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a {type(value).__name__}"


def make_labels(digits: np.ndarray, target: str, digit: int) -> np.ndarray | None:
    if target == "multiclass":
        return digits
    if target == "binary":
        return (digits == digit).astype(np.float32)
    return None
