"""processing/covtype.py: covtype.data(.gz) -> seeded train/test splits for k-NN, RecordIO or CSV, classes 0..6."""

import gzip
import json
from collections import Counter
from fractions import Fraction
from pathlib import Path

import covtype
import numpy as np
import pytest
from processing_testlib import (
    BOMB_SIZE,
    assert_fails_in_process,
    assert_input_error,
    files_under,
    gzip_bomb,
    run_processing,
)
from recordio_reader import read_dense
from shared.errors import InputError
from shared.tabular import train_test_sizes

SPLITS = ("train", "test")
COLUMNS = 55


def covtype_rows(count: int, seed: int = 0) -> np.ndarray:
    """Integer rows like the real file: 10 quantities (some negative), one-hot wilderness and soil, class 1..7."""
    rng = np.random.default_rng(seed)
    quantities = rng.integers(0, 7000, (count, 10))
    quantities[:, 4] = rng.integers(-170, 600, count)  # Vertical_Distance_To_Hydrology can be negative
    wilderness = np.eye(4, dtype=np.int64)[rng.integers(0, 4, count)]
    soil = np.eye(40, dtype=np.int64)[rng.integers(0, 40, count)]
    classes = (np.arange(count) % 7 + 1)[rng.permutation(count)]
    return np.column_stack([quantities, wilderness, soil, classes])


def covtype_lines(rows: np.ndarray) -> list[str]:
    return [",".join(map(str, row)) for row in rows.tolist()]


def write_covtype(path: Path, rows: np.ndarray, compress: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = ("\n".join(covtype_lines(rows)) + "\n").encode()
    path.write_bytes(gzip.compress(text, mtime=0) if compress else text)
    return path


@pytest.fixture
def output_splits() -> tuple[str, ...]:
    return SPLITS  # k-NN gets no validation split


def run_covtype(source: Path, output: Path, *extra) -> int:
    return covtype.main(["--input", str(source), "--output-dir", str(output), *map(str, extra)])


def expected_splits(rows: np.ndarray, seed: int, test_rows: int) -> dict[str, np.ndarray]:
    order = np.random.default_rng(seed).permutation(len(rows))
    return {"train": rows[order[: len(rows) - test_rows]], "test": rows[order[len(rows) - test_rows :]]}


def test_recordio_holds_every_row_once_with_0_based_classes(tmp_path, output, capsys):
    rows = covtype_rows(50)
    source = write_covtype(tmp_path / "covtype.data.gz", rows)

    assert run_covtype(source, output, "--format", "recordio") == 0

    for split, expected in expected_splits(rows, seed=0, test_rows=5).items():  # floor(50 * 0.1) rows to test
        features, labels = read_dense((output / split / f"{split}.recordio").read_bytes())
        np.testing.assert_array_equal(features, expected[:, :54].astype(np.float32))
        np.testing.assert_array_equal(labels, expected[:, 54].astype(np.float32) - 1)
    assert capsys.readouterr().out == "covtype: read 50 rows from 1 file(s); wrote train 45, test 5 (recordio)\n"
    assert files_under(output) == [output / "test" / "test.recordio", output / "train" / "train.recordio"]


def test_csv_is_label_first_integers_as_read(tmp_path, output):
    rows = covtype_rows(40)
    source = write_covtype(tmp_path / "covtype.data.gz", rows)

    assert run_covtype(source, output, "--format", "csv", "--test-fraction", "0.25", "--seed", "3") == 0

    for split, expected in expected_splits(rows, seed=3, test_rows=10).items():
        relabelled = np.column_stack([expected[:, 54] - 1, expected[:, :54]])
        assert (output / split / f"{split}.csv").read_text() == "\n".join(covtype_lines(relabelled)) + "\n"


def test_every_class_maps_to_its_0_based_id(tmp_path, output):
    rows = covtype_rows(70)
    source = write_covtype(tmp_path / "covtype.data.gz", rows)

    assert run_covtype(source, output, "--format", "csv") == 0

    written = [line.split(",") for split in SPLITS for line in (output / split / f"{split}.csv").read_text().split()]
    pairs = {(int(cells[0]), ",".join(cells[1:])) for cells in written}
    assert pairs == {(row[54] - 1, ",".join(map(str, row[:54]))) for row in rows.tolist()}
    assert {label for label, _ in pairs} == set(range(7))


def test_plain_text_crlf_spaces_and_folders_are_read(tmp_path, output):
    rows = covtype_rows(30)
    folder = tmp_path / "raw"
    write_covtype(folder / "a.data.gz", rows[:10])
    # Not the fast path's layout (CRLF, spaces, leading zeros, trailing blank lines): the row-by-row pass reads it.
    lines = [", ".join(line.split(",")) for line in covtype_lines(rows[10:])]
    lines[0] = "0" + lines[0]
    (folder / "b.data").write_bytes(("\r\n".join(lines) + "\r\n\r\n \n").encode())

    assert run_covtype(folder, output, "--format", "recordio", "--seed", "5") == 0

    for split, expected in expected_splits(rows, seed=5, test_rows=3).items():
        features, labels = read_dense((output / split / f"{split}.recordio").read_bytes())
        np.testing.assert_array_equal(features, expected[:, :54].astype(np.float32))
        np.testing.assert_array_equal(labels, expected[:, 54].astype(np.float32) - 1)


def test_fast_and_row_by_row_parsing_agree(tmp_path):
    rows = covtype_rows(20)
    fast = write_covtype(tmp_path / "fast.data", rows, compress=False)
    slow = tmp_path / "slow.data"
    slow.write_text("\n".join(" " + line for line in covtype_lines(rows)) + "\n")

    np.testing.assert_array_equal(covtype.read_covtype_file(str(fast)), rows)
    np.testing.assert_array_equal(covtype.read_covtype_file(str(slow)), rows)
    assert covtype.read_covtype_file(str(fast)).dtype == np.int64


def test_same_seed_gives_identical_bytes_and_another_seed_another_order(tmp_path):
    source = write_covtype(tmp_path / "covtype.data.gz", covtype_rows(60))
    for fmt in ("recordio", "csv"):
        for name, seed in (("a", 1), ("b", 1), ("c", 2)):
            assert run_covtype(source, tmp_path / fmt / name, "--format", fmt, "--seed", seed) == 0

        def contents(name, fmt=fmt):
            return [(tmp_path / fmt / name / split / f"{split}.{fmt}").read_bytes() for split in SPLITS]

        assert contents("a") == contents("b")
        assert contents("a") != contents("c")


def test_the_job_entry_point_runs_it(tmp_path, output):
    source = write_covtype(tmp_path / "covtype.data.gz", covtype_rows(20))

    result = run_processing("covtype", "--input", source, "--output-dir", output, "--format", "csv")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "covtype: read 20 rows from 1 file(s); wrote train 18, test 2 (csv)\n"


# --- bad input ----------------------------------------------------------------------------------------------

GOOD = covtype_lines(covtype_rows(1))[0]


def with_cell(index: int, value: str) -> str:
    cells = GOOD.split(",")
    cells[index] = value
    return ",".join(cells)


def fails(capsys, source, output, *fragments, args=("--format", "recordio")) -> str:
    return assert_fails_in_process(run_covtype(source, output, *args), capsys, output, *fragments)


@pytest.mark.parametrize(
    ("bad_line", "fragment"),
    [
        (GOOD + ",1", "row 3: expected 55 fields, got 56"),
        (GOOD.rsplit(",", 1)[0], "row 3: expected 55 fields, got 54"),
        ("", "row 3: expected 55 fields, got 1"),
        (with_cell(0, "2596.5"), "row 3: field 'Elevation': not an integer: '2596.5'"),
        (with_cell(4, "abc"), "row 3: field 'Vertical_Distance_To_Hydrology': not an integer: 'abc'"),
        (with_cell(10, ""), "row 3: field 'Wilderness_Area1': not an integer: ''"),
        (with_cell(53, "+1"), "row 3: field 'Soil_Type40': not an integer: '+1'"),
        (with_cell(9, "12345678"), "row 3: field 'Horizontal_Distance_To_Fire_Points': out of range: '12345678'"),
        (with_cell(54, "8"), "row 3: field 'Cover_Type': cover type '8' is outside 1..7"),
        (with_cell(54, "0"), "row 3: field 'Cover_Type': cover type '0' is outside 1..7"),
        (with_cell(54, "-1"), "row 3: field 'Cover_Type': cover type '-1' is outside 1..7"),
    ],
)
def test_bad_rows_fail_naming_file_row_and_field(tmp_path, output, capsys, bad_line, fragment):
    source = tmp_path / "covtype.data.gz"
    source.write_bytes(gzip.compress(("\n".join([GOOD, GOOD, bad_line] + [GOOD] * 20) + "\n").encode()))

    fails(capsys, source, output, f"error: {source}: {fragment}")


def test_a_bad_row_deep_in_a_larger_file_is_found(tmp_path, output, capsys):
    lines = covtype_lines(covtype_rows(3000))
    lines[2717] = lines[2717].replace(",", ";", 1)
    source = tmp_path / "covtype.data"
    source.write_text("\n".join(lines) + "\n")

    fails(capsys, source, output, f"error: {source}: row 2718: expected 55 fields, got 54")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no data rows"),
        (gzip.compress(b"\n \n"), "no data rows"),
        (gzip.compress(GOOD.encode())[:-12], "truncated gzip file"),
        (b"\x1f\x8b" + b"\x00" * 30, "not a valid gzip file"),
        (GOOD.encode() + b"\n\xff\xfe\n", "not UTF-8 text (byte "),
        (gzip.compress(("\n".join([GOOD] * 9) + "\n").encode()), "input too small: 9 rows give train 9, test 0"),
    ],
)
def test_empty_broken_or_too_small_files_fail(tmp_path, output, capsys, content, message):
    source = tmp_path / "covtype.data.gz"
    source.write_bytes(content)

    fails(capsys, source, output, f"error: {source}: {message}")


def test_an_error_in_a_later_file_of_a_folder_names_that_file(tmp_path, output, capsys):
    folder = tmp_path / "raw"
    write_covtype(folder / "a.data.gz", covtype_rows(20))
    (folder / "b.data").write_text(GOOD + "\n" + with_cell(54, "9") + "\n")

    fails(capsys, folder, output, f"error: {folder / 'b.data'}: row 2: field 'Cover_Type'")


def test_bad_input_in_a_subprocess_gives_one_error_line_and_exit_2(tmp_path, output):
    source = tmp_path / "covtype.data.gz"
    source.write_bytes(gzip.compress(("\n".join([GOOD] * 20 + [with_cell(1, "x")]) + "\n").encode()))

    result = run_processing("covtype", "--input", source, "--output-dir", output, "--format", "recordio")

    assert_input_error(result, f"error: {source}: row 21: field 'Aspect': not an integer: 'x'")
    assert files_under(output) == []


@pytest.mark.parametrize(
    "arguments",
    [
        ("--format", "libsvm"),
        ("--test-fraction", "0"),
        ("--test-fraction", "1"),
        ("--test-fraction", "x"),
        ("--seed", "-1"),
        (),
    ],
)
def test_bad_arguments_exit_2_without_output(tmp_path, output, capsys, arguments):
    source = write_covtype(tmp_path / "covtype.data.gz", covtype_rows(20))
    if "--format" not in arguments:
        arguments = ("--format", "csv", *arguments) if arguments else ()

    with pytest.raises(SystemExit) as exit_info:
        run_covtype(source, output, *arguments)

    assert exit_info.value.code == 2
    assert "covtype: error:" in capsys.readouterr().err
    assert files_under(output) == []


def test_a_gzip_bomb_stops_at_max_bytes(tmp_path, output, capsys):
    source = gzip_bomb(tmp_path / "covtype.data.gz")
    assert source.stat().st_size < 10_000

    fails(capsys, source, output, f"error: {source}: decompressed data exceeds 1,000,000 bytes",
          args=("--format", "recordio", "--max-bytes", "1000000"))  # fmt: skip


def test_the_byte_limit_is_an_argument_and_counts_plain_files_too(tmp_path, output, capsys):
    rows = covtype_rows(60)
    source = write_covtype(tmp_path / "covtype.data", rows, compress=False)
    size = source.stat().st_size

    fails(capsys, source, output, f"error: {source}: ", f"exceeds {size - 1:,} bytes",
          args=("--format", "csv", "--max-bytes", size - 1))  # fmt: skip
    assert run_covtype(source, output, "--format", "csv", "--max-bytes", size) == 0


@pytest.mark.parametrize(("length", "extra"), [(20_000, ()), (300, ("--max-line-length", "200"))])
def test_a_line_longer_than_the_limit_fails_naming_file_and_row(tmp_path, output, capsys, length, extra):
    limit = int(extra[1]) if extra else 10_000
    source = tmp_path / "covtype.data.gz"
    source.write_bytes(gzip.compress(f"{GOOD}\n{GOOD}\n{'1,' * (length // 2)}\n{GOOD}\n".encode()))

    fails(capsys, source, output, f"error: {source}: row 3: line longer than {limit:,} characters",
          args=("--format", "recordio", *extra))  # fmt: skip


@pytest.mark.parametrize("arguments", [("--max-bytes", "0"), ("--max-line-length", "-1"), ("--max-bytes", "x")])
def test_limits_must_be_positive_integers(tmp_path, output, capsys, arguments):
    source = write_covtype(tmp_path / "covtype.data.gz", covtype_rows(20))
    with pytest.raises(SystemExit) as exit_info:
        run_covtype(source, output, "--format", "csv", *arguments)
    assert exit_info.value.code == 2
    assert "covtype: error: argument" in capsys.readouterr().err
    assert files_under(output) == []
    assert BOMB_SIZE > 1_000_000  # the bomb above is bigger than the limit it is tested with


def test_train_test_sizes_floor_the_test_share():
    assert train_test_sizes(581012, Fraction("0.1"), source="x") == (522911, 58101)
    assert train_test_sizes(10, Fraction("1/3"), source="x") == (7, 3)
    with pytest.raises(InputError, match="input too small: 5 rows give train 5, test 0"):
        train_test_sizes(5, Fraction("0.1"), source="x")


# --- --baseline test:accuracy -------------------------------------------------------------------------------


def skewed_rows(count: int, seed: int = 0) -> np.ndarray:
    """covtype_rows with about half the rows of cover type 2, a third of type 5 and the rest of type 7."""
    rows = covtype_rows(count, seed)
    rows[:, 54] = np.random.default_rng(seed + 1).choice([2, 2, 2, 5, 5, 7], count)
    return rows


def majority_by_hand(labels) -> tuple[int, int]:
    """(label, count) of the most frequent label, the smaller one on a tie, counted in plain Python."""
    counts = Counter(labels)
    label = min(counts, key=lambda value: (-counts[value], value))
    return label, counts[label]


def test_baseline_is_the_majority_accuracy_on_the_test_split(tmp_path, capsys):
    rows = skewed_rows(60)
    source = write_covtype(tmp_path / "covtype.data.gz", rows)
    arguments = ("--format", "csv", "--test-fraction", "0.25", "--seed", "4")

    assert run_covtype(source, tmp_path / "plain", *arguments) == 0
    assert run_covtype(source, tmp_path / "with", *arguments, "--baseline", "test:accuracy") == 0

    test_labels = [int(row[54]) - 1 for row in expected_splits(rows, seed=4, test_rows=15)["test"]]  # 0..6
    label, count = majority_by_hand(test_labels)
    assert count < 15  # more than one class in test: a real majority
    assert json.loads((tmp_path / "with" / "baseline" / "baseline.json").read_text()) == {
        "metric": "test:accuracy",
        "value": pytest.approx(count / 15, rel=1e-12),
        "model": f"always {label}",
        "split": "test",
        "records": 15,
    }
    assert capsys.readouterr().out.splitlines() == [
        "covtype: read 60 rows from 1 file(s); wrote train 45, test 15 (csv)",
        "covtype: read 60 rows from 1 file(s); wrote train 45, test 15 (csv)",
        f"covtype: baseline test:accuracy {count / 15:.6g} (always {label} on test, 15 rows)",
    ]
    assert not (tmp_path / "plain" / "baseline").exists()
    for split in SPLITS:  # the splits do not change with --baseline
        path = Path(split) / f"{split}.csv"
        assert (tmp_path / "with" / path).read_bytes() == (tmp_path / "plain" / path).read_bytes()
    assert len(files_under(tmp_path / "with")) == 3


def test_baseline_through_the_job_entry_point(tmp_path, output):
    rows = covtype_rows(20)
    rows[:, 54] = 6  # one class: always 5 (cover type 6) is always right
    source = write_covtype(tmp_path / "covtype.data.gz", rows)

    result = run_processing(
        "covtype", "--input", source, "--output-dir", output, "--format", "recordio", "--baseline", "test:accuracy"
    )

    assert result.returncode == 0, result.stderr
    baseline = json.loads((output / "baseline" / "baseline.json").read_text())
    assert baseline == {"metric": "test:accuracy", "value": 1.0, "model": "always 5", "split": "test", "records": 2}


@pytest.mark.parametrize(
    ("metric", "reason"),
    [
        ("validation:accuracy", "the validation split is not written (written: train, test)"),
        ("test:merror", "no baseline for this metric"),
        ("train:accuracy", "no baseline for this metric"),
        ("accuracy", "not of the form CHANNEL:NAME"),
    ],
)
def test_an_unsupported_baseline_exits_2_without_output(tmp_path, output, metric, reason):
    source = write_covtype(tmp_path / "covtype.data.gz", covtype_rows(20))

    result = run_processing(
        "covtype", "--input", source, "--output-dir", output, "--format", "csv", "--baseline", metric
    )

    assert result.returncode == 2
    assert f"covtype: error: --baseline {metric}: {reason}; supported: test:accuracy" in result.stderr
    assert files_under(output) == []


def test_bad_input_leaves_no_baseline(tmp_path, output, capsys):
    source = tmp_path / "covtype.data.gz"
    source.write_bytes(gzip.compress(("\n".join([GOOD] * 20 + [with_cell(54, "8")]) + "\n").encode()))

    args = ("--format", "csv", "--baseline", "test:accuracy")
    fails(capsys, source, output, f"error: {source}: row 21: field 'Cover_Type'", args=args)
    assert not (output / "baseline").exists()
