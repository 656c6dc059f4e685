"""processing/mnist.py: mnist.pkl.gz (a gzip'd protocol-2 pickle of numpy arrays) -> libsvm, CSV or RecordIO splits.

Most tests call mnist.main() in-process (the subprocess adds nothing there); a few run `python3 processing mnist`
as the job does, for the exit code and the single error line.
"""

import gzip
import hashlib
import json
import pickle
import struct
from pathlib import Path

import mnist
import numpy as np
import pytest
from processing_testlib import assert_fails_in_process, assert_input_error, files_under, run_processing
from recordio_reader import read_dense
from shared.tabular import format_float32, format_values

SPLITS = ("train", "validation", "test")
SIZES = (23, 7, 5)
PIXELS = 784


def mnist_data(sizes=SIZES, seed=0):
    """((images, labels),) * 3 like the real file: float32 multiples of 1/256 in [0, 1], mostly 0, int64 labels.

    A few exact float32 values that are not multiples of 1/256 check the text formats' precision.
    """
    rng = np.random.default_rng(seed)
    sets = []
    for size in sizes:
        images = (rng.integers(0, 256, (size, PIXELS)) * (rng.random((size, PIXELS)) < 0.2) / 256).astype(np.float32)
        images[0, :6] = np.float32([0.1, 1.0, 1e-5, 0.3333333, 2.0**-20, 0.99999994])
        labels = rng.integers(0, 10, size).astype(np.int64)
        labels[:10] = np.arange(10)[: min(10, size)]
        sets.append((images, labels))
    return tuple(sets)


def write_gzip(path: Path, payload: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb") as file:
        file.write(payload)
    return path


def numpy2_pickle(data) -> bytes:
    """What numpy 2 on Python 3 writes with protocol 2: numpy._core.multiarray._reconstruct, _codecs.encode."""
    payload = pickle.dumps(data, protocol=2)
    assert b"cnumpy._core.multiarray\n_reconstruct\n" in payload
    return payload


def numpy1_pickle(data) -> bytes:
    """The same as numpy 1.x writes it: the reconstructor in numpy.core.multiarray."""
    payload = numpy2_pickle(data).replace(b"cnumpy._core.multiarray\n", b"cnumpy.core.multiarray\n")
    assert b"numpy._core" not in payload
    return payload


def python2_pickle(data) -> bytes:
    """A pickle as Python 2 and numpy 1.x wrote mnist.pkl.gz: raw array data in a BINSTRING (a py2 str)."""
    out = bytearray(b"\x80\x02")  # PROTO 2

    def short_string(text: bytes) -> bytes:
        return b"U" + bytes([len(text)]) + text  # SHORT_BINSTRING

    def int32(value: int) -> bytes:
        return b"J" + struct.pack("<i", value)  # BININT

    def emit(value) -> None:
        if isinstance(value, tuple):
            out.extend(b"(")  # MARK
            for item in value:
                emit(item)
            out.extend(b"t")  # TUPLE
            return
        array = np.ascontiguousarray(value)
        dtype = array.dtype.str  # '<f4', '<i8'
        out.extend(b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n")
        out.extend(b"K\x00\x85" + short_string(b"b") + b"\x87R")  # _reconstruct(ndarray, (0,), 'b')
        out.extend(b"(K\x01(" + b"".join(int32(n) for n in array.shape) + b"t")  # state: 1, shape
        out.extend(b"cnumpy\ndtype\n" + short_string(dtype[1:].encode()) + b"\x89\x88\x87R")  # dtype('f4', 0, 1)
        out.extend(b"(K\x03" + short_string(dtype[:1].encode()) + b"NNN" + int32(-1) + int32(-1) + b"K\x00tb")
        raw = array.tobytes()
        out.extend(b"\x89T" + struct.pack("<I", len(raw)) + raw + b"tb")  # not fortran, BINSTRING data; BUILD

    emit(data)
    out.extend(b".")
    return bytes(out)


def write_mnist(path: Path, data=None, encode=numpy2_pickle) -> Path:
    return write_gzip(path, encode(mnist_data() if data is None else data))


@pytest.fixture
def source(tmp_path) -> Path:
    return write_mnist(tmp_path / "input" / "mnist.pkl.gz")


def run_mnist(source: Path, output: Path, *extra) -> int:
    return mnist.main(["--input", str(source), "--output-dir", str(output), *map(str, extra)])


def read_libsvm(path: Path) -> tuple[np.ndarray, np.ndarray]:
    text = path.read_text()
    assert text.endswith("\n")
    labels, rows = [], []
    for line in text.splitlines():
        label, *pairs = line.split(" ")
        assert label.isdigit(), label  # an integer label, not '1.0'
        indices, values = zip(*(pair.split(":") for pair in pairs), strict=True)
        assert list(indices) == [str(index) for index in range(PIXELS)]  # zero-based, every feature, zeros too
        labels.append(int(label))
        rows.append([np.float32(value) for value in values])
    return np.array(labels), np.array(rows, dtype=np.float32)


def read_csv(path: Path) -> list[list[str]]:
    text = path.read_text()
    assert text.endswith("\n")
    return [line.split(",") for line in text.splitlines()]


def as_float32(cells: list[list[str]]) -> np.ndarray:
    return np.array([[np.float32(cell) for cell in row] for row in cells], dtype=np.float32)


def test_multiclass_libsvm_has_digit_labels_and_all_784_zero_based_features(source, output, capsys):
    assert run_mnist(source, output, "--target", "multiclass", "--format", "libsvm") == 0

    for split, (images, labels) in zip(SPLITS, mnist_data(), strict=True):
        written_labels, written_images = read_libsvm(output / split / f"{split}.libsvm")
        np.testing.assert_array_equal(written_labels, labels)
        assert written_images.tobytes() == images.tobytes()  # exact float32 values, in the original order
    assert files_under(output) == [output / split / f"{split}.libsvm" for split in ("test", "train", "validation")]
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert capsys.readouterr().out == (
        f"mnist: read {source} (sha256 {digest}, not pinned); wrote train 23 (libsvm), validation 7 (libsvm), "
        "test 5 (libsvm); target multiclass\n"
    )


def test_binary_csv_has_the_label_first_1_for_the_chosen_digit(source, output):
    assert run_mnist(source, output, "--target", "binary", "--digit", "3", "--format", "csv") == 0

    for split, (images, labels) in zip(SPLITS, mnist_data(), strict=True):
        cells = read_csv(output / split / f"{split}.csv")
        assert [row[0] for row in cells] == ["1" if label == 3 else "0" for label in labels]
        assert {len(row) for row in cells} == {1 + PIXELS}
        assert as_float32([row[1:] for row in cells]).tobytes() == images.tobytes()


def test_csv_numbers_are_the_shortest_exact_float32_text(source, output):
    assert run_mnist(source, output, "--target", "multiclass", "--format", "csv", "--splits", "train") == 0

    first = read_csv(output / "train" / "train.csv")[0]
    assert first[:7] == ["0", "0.1", "1", "1e-05", "0.3333333", "9.536743e-07", "0.99999994"]
    assert set(first[7:]) <= {"0"} | {format_float32(value / 256) for value in range(1, 256)}


def test_binary_recordio_defaults_to_digit_0(source, output):
    assert run_mnist(source, output, "--target", "binary", "--format", "recordio", "--splits", "train,validation") == 0

    for split, (images, labels) in zip(SPLITS[:2], mnist_data()[:2], strict=True):
        features, written_labels = read_dense((output / split / f"{split}.recordio").read_bytes())
        assert features.tobytes() == images.tobytes()
        np.testing.assert_array_equal(written_labels, (labels == 0).astype(np.float32))
    assert files_under(output / "test") == []


def test_multiclass_recordio_labels_are_the_digits(source, output):
    assert run_mnist(source, output, "--target", "multiclass", "--format", "recordio", "--splits", "test") == 0

    features, labels = read_dense((output / "test" / "test.recordio").read_bytes())
    images, digits = mnist_data()[2]
    assert features.tobytes() == images.tobytes()
    np.testing.assert_array_equal(labels, digits.astype(np.float32))


def test_pca_layout_unlabelled_recordio_train_and_csv_test(tmp_path, source):
    output = tmp_path / "pca"
    for split in ("train", "test"):
        (output / split).mkdir(parents=True)

    args = ("--target", "none", "--format", "recordio", "--test-format", "csv", "--splits", "train,test")
    assert run_mnist(source, output, *args) == 0

    data = mnist_data()
    features, labels = read_dense((output / "train" / "train.recordio").read_bytes())
    assert labels is None
    assert features.tobytes() == data[0][0].tobytes()
    cells = read_csv(output / "test" / "test.csv")
    assert {len(row) for row in cells} == {PIXELS}  # no label column: a batch transform reads every column
    assert as_float32(cells).tobytes() == data[2][0].tobytes()
    assert files_under(output) == [output / "test" / "test.csv", output / "train" / "train.recordio"]


def test_test_format_overrides_only_the_test_split(source, output):
    args = ("--target", "binary", "--format", "libsvm", "--test-format", "csv")
    assert run_mnist(source, output, *args) == 0

    assert [path.name for path in files_under(output)] == ["test.csv", "train.libsvm", "validation.libsvm"]
    cells = read_csv(output / "test" / "test.csv")
    assert [row[0] for row in cells] == ["1" if label == 0 else "0" for label in mnist_data()[2][1]]


def test_output_is_byte_identical_across_runs(tmp_path, source):
    for name in ("a", "b"):
        assert run_mnist(source, tmp_path / name, "--target", "binary", "--format", "csv") == 0
    for split in SPLITS:
        path = Path(split) / f"{split}.csv"
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes()


@pytest.mark.parametrize("encode", [numpy1_pickle, python2_pickle], ids=["numpy1", "python2"])
def test_pickles_of_numpy_1_and_python_2_load(tmp_path, output, encode):
    data = mnist_data()
    payload = encode(data)
    loaded = pickle.loads(payload, encoding="latin1")  # the crafted pickle is what it should be
    for (images, labels), (expected_images, expected_labels) in zip(loaded, data, strict=True):
        np.testing.assert_array_equal(images, expected_images)
        np.testing.assert_array_equal(labels, expected_labels)
    source = write_gzip(tmp_path / "mnist.pkl.gz", payload)

    assert run_mnist(source, output, "--target", "multiclass", "--format", "recordio") == 0

    for split, (images, labels) in zip(SPLITS, data, strict=True):
        features, written_labels = read_dense((output / split / f"{split}.recordio").read_bytes())
        assert features.tobytes() == images.tobytes()
        np.testing.assert_array_equal(written_labels, labels)


def test_float64_images_and_int32_labels_are_accepted(tmp_path, output):
    data = tuple((images.astype(np.float64), labels.astype(np.int32)) for images, labels in mnist_data())
    source = write_mnist(tmp_path / "mnist.pkl.gz", data)

    assert run_mnist(source, output, "--target", "multiclass", "--format", "csv", "--splits", "validation") == 0

    cells = read_csv(output / "validation" / "validation.csv")
    assert as_float32([row[1:] for row in cells]).tobytes() == mnist_data()[1][0].tobytes()


def test_a_folder_with_one_pkl_gz_is_read(tmp_path, output, source):
    (source.parent / "README.txt").write_text("not data\n")

    assert run_mnist(source.parent, output, "--target", "none", "--format", "csv", "--splits", "test") == 0
    assert len(read_csv(output / "test" / "test.csv")) == SIZES[2]


def test_the_job_entry_point_runs_it(source, output):
    result = run_processing("mnist", "--input", source, "--output-dir", output, "--target", "none", "--format", "csv")

    assert result.returncode == 0, result.stderr
    assert "wrote train 23 (csv), validation 7 (csv), test 5 (csv); target none" in result.stdout


# --- bad input ----------------------------------------------------------------------------------------------


def fails(capsys, source, output, *fragments, args=("--target", "multiclass", "--format", "csv")) -> str:
    """mnist.main() returns 2 with one `error:` line naming the file and each fragment, and writes nothing."""
    return assert_fails_in_process(
        run_mnist(source, output, *args), capsys, output, *fragments, prefix=f"error: {source}: "
    )


def malicious_pickle(module: str, name: str, argument: str) -> bytes:
    # GLOBAL module.name, called with one string argument (REDUCE): the classic pickle exploit.
    text = argument.encode()
    return b"\x80\x02c" + f"{module}\n{name}\n".encode() + b"X" + struct.pack("<I", len(text)) + text + b"\x85R."


def test_a_malicious_pickle_is_refused_without_running_it(tmp_path, output, capsys):
    marker = tmp_path / "pwned"
    source = write_gzip(tmp_path / "mnist.pkl.gz", malicious_pickle("os", "system", f"touch {marker}"))
    assert pickle.loads(gzip.decompress(source.read_bytes())) == 0 and marker.exists()  # it is a real exploit
    marker.unlink()

    fails(capsys, source, output, "refused to unpickle global 'os.system'")
    assert not marker.exists()


@pytest.mark.parametrize(
    ("module", "name"),
    [("builtins", "eval"), ("subprocess", "check_output"), ("numpy", "load"), ("numpy.core.multiarray", "scalar")],
)
def test_only_the_array_globals_are_allowed(tmp_path, output, capsys, module, name):
    source = write_gzip(tmp_path / "mnist.pkl.gz", malicious_pickle(module, name, "1"))

    fails(capsys, source, output, f"refused to unpickle global '{module}.{name}' (only numpy arrays are allowed)")


def test_a_refused_global_inside_the_arrays_is_found_too(tmp_path, output, capsys):
    payload = numpy2_pickle(mnist_data()).replace(b"cnumpy\ndtype\n", b"cos\nsystem\n", 1)
    source = write_gzip(tmp_path / "mnist.pkl.gz", payload)

    fails(capsys, source, output, "refused to unpickle global 'os.system'")


def test_codecs_encode_only_decodes_latin1(tmp_path, output, capsys):
    source = write_gzip(tmp_path / "mnist.pkl.gz", numpy2_pickle(mnist_data()).replace(b"latin1", b"rot_13", 1))

    fails(capsys, source, output, "not a valid pickle of MNIST arrays", "only decodes latin1 text, not 'rot_13'")


def test_truncated_and_non_gzip_files_fail_naming_the_file(tmp_path, output, capsys, source):
    truncated = tmp_path / "truncated.pkl.gz"
    truncated.write_bytes(source.read_bytes()[:-100])
    fails(capsys, truncated, output, "truncated gzip file")

    plain = tmp_path / "plain.pkl.gz"
    plain.write_bytes(numpy2_pickle(mnist_data()))
    fails(capsys, plain, output, "not a valid gzip file")

    corrupt = bytearray(source.read_bytes())
    corrupt[len(corrupt) // 2] ^= 0xFF
    (tmp_path / "corrupt.pkl.gz").write_bytes(bytes(corrupt))
    fails(capsys, tmp_path / "corrupt.pkl.gz", output, "not a valid gzip file")


def test_a_truncated_pickle_fails(tmp_path, output, capsys):
    source = write_gzip(tmp_path / "mnist.pkl.gz", numpy2_pickle(mnist_data())[:5000])

    fails(capsys, source, output, "not a valid pickle of MNIST arrays")


def replaced(split: int, images=None, labels=None):
    data = list(mnist_data())
    old_images, old_labels = data[split]
    data[split] = (old_images if images is None else images, old_labels if labels is None else labels)
    return tuple(data)


IMAGES = mnist_data()[1][0]
LABELS = mnist_data()[1][1]


def with_value(array, index, value):
    array = array.copy()
    array[index] = value
    return array


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        ([1, 2], ["expected a tuple (train_set, valid_set, test_set), got a list of 2 items"]),
        (mnist_data()[:2], ["expected a tuple (train_set, valid_set, test_set), got a tuple of 2 items"]),
        ({"train": 1}, ["got a dict"]),
        ((*mnist_data()[:2], (IMAGES,)), ["test split: expected a pair (images, labels), got a tuple of 1 items"]),
        (replaced(1, images=IMAGES[:, :700]), ["validation split: images: expected a 2-D array with 784 columns"]),
        (replaced(0, images=IMAGES[0]), ["train split: images: expected a 2-D array", "shape (784,)"]),
        (replaced(0, images=[[0.0] * 784]), ["train split: images: expected a 2-D array", "got a list"]),
        (replaced(2, images=(IMAGES * 256).astype(np.uint8)), ["test split: images: expected floating-point pixels"]),
        (replaced(1, labels=LABELS[:-1]), ["validation split: 7 images but 6 labels"]),
        (
            replaced(1, labels=LABELS.astype(np.float32)),
            ["validation split: labels: expected integers, got dtype float32"],
        ),
        (replaced(1, labels=LABELS[:, None]), ["validation split: labels: expected a 1-D array"]),
        (replaced(2, labels=with_value(LABELS[:5], 3, 10)), ["test split: row 4: label 10 is outside 0..9"]),
        (replaced(2, labels=with_value(LABELS[:5], 0, -1)), ["test split: row 1: label -1 is outside 0..9"]),
        (
            replaced(1, images=with_value(IMAGES, (2, 5), 1.5)),
            ["validation split: row 3: pixel 5: value 1.5 is outside"],
        ),
        (replaced(1, images=with_value(IMAGES, (6, 0), -0.5)), ["validation split: row 7: pixel 0: value -0.5"]),
        (replaced(1, images=with_value(IMAGES, (0, 783), np.nan)), ["validation split: row 1: pixel 783: value nan"]),
        (replaced(1, images=with_value(IMAGES, (0, 1), np.inf)), ["validation split: row 1: pixel 1: value inf"]),
    ],
)
def test_bad_contents_fail_naming_the_split(tmp_path, output, capsys, data, fragments):
    source = write_gzip(tmp_path / "mnist.pkl.gz", pickle.dumps(data, protocol=2))

    fails(capsys, source, output, *fragments)


def test_an_empty_split_fails(tmp_path, output, capsys):
    # Python 3 pickles empty bytes as a call of bytes(), which the allow-list refuses: write it as Python 2 did.
    payload = python2_pickle(replaced(0, images=IMAGES[:0], labels=LABELS[:0]))
    source = write_gzip(tmp_path / "mnist.pkl.gz", payload)

    fails(capsys, source, output, "train split: no images")


def test_bad_input_in_a_subprocess_gives_one_error_line_and_exit_2(tmp_path, output):
    source = write_gzip(tmp_path / "mnist.pkl.gz", malicious_pickle("os", "system", "echo hacked"))

    result = run_processing("mnist", "--input", source, "--output-dir", output, "--target", "none", "--format", "csv")

    assert_input_error(result, f"error: {source}: refused to unpickle global 'os.system'")
    assert "hacked" not in result.stdout
    assert files_under(output) == []


def test_a_matching_sha256_is_accepted(source, output, capsys):
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert run_mnist(source, output, "--target", "none", "--format", "csv", "--sha256", digest.upper()) == 0
    assert f"(sha256 {digest}, pinned, matches)" in capsys.readouterr().out


def test_a_sha256_mismatch_fails_before_the_pickle_is_read(tmp_path, output, capsys, monkeypatch):
    source = write_mnist(tmp_path / "mnist.pkl.gz")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    monkeypatch.setattr(mnist, "load_pickle", None)  # never reached: the digest is checked first
    code = run_mnist(source, output, "--target", "none", "--format", "csv", "--sha256", "0" * 64)
    fails_with = f"error: {source}: checksum mismatch: expected sha256 {'0' * 64}, got {digest}"
    assert_fails_in_process(code, capsys, output, fails_with)


def test_the_decompressed_pickle_is_bounded(tmp_path, output, capsys):
    source = write_mnist(tmp_path / "mnist.pkl.gz")
    size = len(gzip.decompress(source.read_bytes()))
    arguments = ("--target", "none", "--format", "csv")
    assert run_mnist(source, tmp_path / "fits", *arguments, "--max-pickle-bytes", size) == 0
    capsys.readouterr()
    code = run_mnist(source, output, *arguments, "--max-pickle-bytes", size - 1)
    assert_fails_in_process(code, capsys, output, f"error: {source}: decompressed pickle exceeds {size - 1:,} bytes")


def test_the_default_bound_holds_the_real_pickle():
    real = 70_000 * PIXELS * 4 + 70_000 * 8  # float32 images and int64 labels of mnist.pkl.gz's three splits
    assert real < mnist.MAX_PICKLE_BYTES < 4 * real


def test_input_folder_needs_exactly_one_pkl_gz(tmp_path, output, capsys):
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "mnist.pkl").write_bytes(b"")
    fails(capsys, folder, output, "expected exactly one *.pkl.gz file in the folder, found 0")

    write_mnist(folder / "a.pkl.gz")
    write_mnist(folder / "b.pkl.gz")
    fails(capsys, folder, output, "found 2: a.pkl.gz, b.pkl.gz")

    fails(capsys, tmp_path / "missing", output, "no such file or folder")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--target", "none", "--format", "libsvm"), "libsvm needs a label"),
        (("--target", "none", "--format", "csv", "--test-format", "libsvm"), "libsvm needs a label"),
        (("--target", "multiclass", "--format", "csv", "--digit", "3"), "--digit goes only with --target binary"),
        (("--target", "binary", "--format", "csv", "--digit", "10"), "--digit must be 0..9"),
        (
            ("--target", "binary", "--format", "csv", "--test-format", "csv", "--splits", "train"),
            "needs the test split",
        ),
        (("--target", "binary", "--format", "csv", "--splits", "train,valid"), "unknown split 'valid'"),
        (("--target", "binary", "--format", "csv", "--splits", "train,train"), "a split is named twice"),
        (("--target", "binary", "--format", "json"), "invalid choice: 'json'"),
        (("--format", "csv"), "the following arguments are required: --target"),
        (("--target", "none", "--format", "csv", "--sha256", "abc"), "not a SHA-256"),
        (("--target", "none", "--format", "csv", "--max-pickle-bytes", "0"), "must be positive"),
    ],
)
def test_bad_arguments_exit_2_without_output(source, output, capsys, arguments, message):
    with pytest.raises(SystemExit) as exit_info:
        run_mnist(source, output, *arguments)

    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "mnist: error:" in error and message in error, error
    assert files_under(output) == []


# --- shared.tabular formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (-0.0, "-0"),
        (1.0, "1"),
        (0.5, "0.5"),
        (0.1, "0.1"),
        (17.99, "17.99"),
        (3 / 256, "0.01171875"),
        (1e-5, "1e-05"),
        (0.0001, "0.0001"),
        (123456789.0, "123456790"),
        (1e16, "1e+16"),
        (-2.5e-7, "-2.5e-07"),
    ],
)
def test_format_float32_is_the_shortest_exact_text(value, text):
    assert format_float32(value) == text
    assert np.float32(text) == np.float32(value)


def test_format_values_keeps_integers_and_writes_one_zero():
    assert format_values(np.array([[3, -1], [0, 7]])).tolist() == [["3", "-1"], ["0", "7"]]
    assert format_values(np.array([-0.0, 0.0, 1.0, 0.1])).tolist() == ["0", "0", "1", "0.1"]
    assert format_values(np.array([0.1], dtype=np.float64)).tolist() == ["0.1"]  # float64 is written as float32


# --- --baseline ---------------------------------------------------------------------------------------------


def with_labels(validation, test):
    """mnist_data() with the given digits as the labels of the validation (7 rows) and test (5 rows) splits."""
    train, (validation_images, _), (test_images, _) = mnist_data()
    return train, (validation_images, np.array(validation)), (test_images, np.array(test))


# validation: three 3s, two 0s, a 1 and a 5; test: three 7s, a 2 and a 9
LABELLED = with_labels(validation=[3, 3, 0, 1, 3, 0, 5], test=[7, 7, 7, 2, 9])


def read_baseline(output: Path) -> dict:
    path = output / "baseline" / "baseline.json"
    assert path.read_text().endswith("}\n")
    return json.loads(path.read_text())


@pytest.mark.parametrize(
    ("arguments", "metric", "value", "model", "records"),
    [
        # digit 0 is 1 in 2 of the 7 validation rows: F1 of always 1 = 2 * 2/7 / (1 + 2/7) = 4/9
        (("--target", "binary"), "validation:binary_f_beta", 4 / 9, "always 1", 7),
        # five of the 7 validation rows are not a 0: always 0 is right 5/7 of the time
        (("--target", "binary"), "validation:binary_classification_accuracy", 5 / 7, "always 0", 7),
        # three of the 5 test rows are a 7: always 1 is right 3/5 of the time; F1 = 2 * 3/5 / (1 + 3/5) = 3/4
        (("--target", "binary", "--digit", "7"), "test:binary_classification_accuracy", 3 / 5, "always 1", 5),
        (("--target", "binary", "--digit", "7"), "test:binary_f_beta", 3 / 4, "always 1", 5),
        # the most frequent validation digit, 3, is 3 of 7: accuracy 3/7, error 4/7
        (("--target", "multiclass"), "validation:merror", 4 / 7, "always 3", 7),
        (("--target", "multiclass"), "validation:accuracy", 3 / 7, "always 3", 7),
        (("--target", "multiclass"), "test:accuracy", 3 / 5, "always 7", 5),
    ],
)
def test_baseline_is_the_best_constant_model_on_the_metrics_split(tmp_path, arguments, metric, value, model, records):
    source = write_mnist(tmp_path / "mnist.pkl.gz", LABELLED)
    plain, with_baseline = tmp_path / "plain", tmp_path / "with"

    assert run_mnist(source, plain, *arguments, "--format", "csv") == 0
    assert run_mnist(source, with_baseline, *arguments, "--format", "csv", "--baseline", metric) == 0

    assert read_baseline(with_baseline) == {
        "metric": metric,
        "value": pytest.approx(value, rel=1e-12),
        "model": model,
        "split": metric.split(":")[0],
        "records": records,
    }
    assert not (plain / "baseline").exists()  # without --baseline: no baseline folder ...
    splits = [path.relative_to(plain) for path in files_under(plain)]
    assert splits == [Path(split) / f"{split}.csv" for split in ("test", "train", "validation")]
    assert [path.relative_to(with_baseline) for path in files_under(with_baseline)] == [
        Path("baseline/baseline.json"), *splits,
    ]  # fmt: skip
    for path in splits:  # ... and the splits are the same with it
        assert (with_baseline / path).read_bytes() == (plain / path).read_bytes()


def test_baseline_ties_go_to_the_smallest_digit(tmp_path, output, capsys):
    source = write_mnist(tmp_path / "mnist.pkl.gz", with_labels(validation=[9, 4, 4, 1, 1, 9, 0], test=[0] * 5))

    arguments = ("--target", "multiclass", "--format", "libsvm", "--baseline", "validation:merror")
    assert run_mnist(source, output, *arguments) == 0

    baseline = read_baseline(output)
    assert (baseline["value"], baseline["model"]) == (pytest.approx(5 / 7), "always 1")  # 1, 4 and 9 twice each
    assert capsys.readouterr().out.splitlines()[-1] == (
        "mnist: baseline validation:merror 0.714286 (always 1 on validation, 7 rows)"
    )


def test_the_job_entry_point_writes_the_baseline(tmp_path, output):
    source = write_mnist(tmp_path / "mnist.pkl.gz", LABELLED)
    arguments = ("--target", "binary", "--digit", "2", "--format", "recordio")
    arguments += ("--baseline", "test:binary_classification_accuracy")

    result = run_processing("mnist", "--input", source, "--output-dir", output, *arguments)

    assert result.returncode == 0, result.stderr
    assert read_baseline(output)["value"] == pytest.approx(4 / 5)  # one 2 in the 5 test rows: always 0
    assert result.stdout.splitlines()[-1] == (
        "mnist: baseline test:binary_classification_accuracy 0.8 (always 0 on test, 5 rows)"
    )


@pytest.mark.parametrize(
    ("arguments", "fragments"),
    [
        (
            ("--target", "none", "--baseline", "test:accuracy"),
            ["--baseline test:accuracy: --target none writes no labels"],
        ),
        (
            ("--target", "binary", "--baseline", "validation:merror"),
            [
                "--baseline validation:merror: no baseline for this metric with --target binary",
                "supported with --target binary: validation:binary_classification_accuracy, validation:binary_f_beta, "
                "test:binary_classification_accuracy, test:binary_f_beta",
            ],
        ),
        (
            ("--target", "multiclass", "--baseline", "train:accuracy"),
            ["--baseline train:accuracy: no baseline for this metric", "validation:accuracy, validation:merror"],
        ),
        (
            ("--target", "binary", "--splits", "train,validation", "--baseline", "test:binary_f_beta"),
            [
                "--baseline test:binary_f_beta: the test split is not written (written: train, validation)",
                "supported with --target binary: validation:binary_classification_accuracy, validation:binary_f_beta",
            ],
        ),
        (
            ("--target", "multiclass", "--splits", "train", "--baseline", "validation:merror"),
            ["the validation split is not written", "supported with --target multiclass: none"],
        ),
        (("--target", "binary", "--baseline", "binary_f_beta"), ["--baseline binary_f_beta: not of the form CHANNEL"]),
    ],
)
def test_an_unsupported_baseline_exits_2_without_output(source, output, capsys, arguments, fragments):
    with pytest.raises(SystemExit) as exit_info:
        run_mnist(source, output, "--format", "csv", *arguments)

    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "mnist: error: --baseline" in error, error
    for fragment in fragments:
        assert fragment in error, (fragment, error)
    assert files_under(output) == []
    assert not (output / "baseline").exists()


def test_bad_input_leaves_no_baseline(tmp_path, output, capsys):
    source = write_gzip(tmp_path / "mnist.pkl.gz", pickle.dumps(replaced(2, labels=with_value(LABELS[:5], 4, 12))))

    args = ("--target", "multiclass", "--format", "csv", "--baseline", "validation:merror")
    fails(capsys, source, output, "test split: row 5: label 12 is outside 0..9", args=args)
    assert not (output / "baseline").exists()
