"""processing/abalone.py, run as the job runs it: `python3 processing abalone ...`."""

import collections
from pathlib import Path

import numpy as np
import pytest
from processing_testlib import abalone_lines, assert_input_error, files_under, run_processing, write_abalone

SPLITS = ("train", "validation", "test")
ONE_HOT = {"F": ["1", "0", "0"], "I": ["0", "1", "0"], "M": ["0", "0", "1"]}


def run_abalone(source: Path, output: Path, *extra) -> object:
    return run_processing("abalone", "--input", source, "--output-dir", output, *extra)


def read_split(output: Path, split: str) -> list[list[str]]:
    text = (output / split / f"{split}.csv").read_text()
    assert text.endswith("\n")
    return [line.split(",") for line in text.splitlines()]


def decode(cells: list[str]) -> tuple:
    """An output row back in the raw layout (sex, 7 measurements, rings), checking its encoding on the way."""
    assert len(cells) == 11
    assert cells[0].isdigit()  # label first, an integer
    one_hot = cells[1:4]
    (sex,) = [code for code, expected in ONE_HOT.items() if expected == one_hot]
    return (sex, *map(float, cells[4:]), int(cells[0]))


def raw(line: str) -> tuple:
    sex, *measurements, rings = line.split(",")
    return (sex, *map(float, measurements), int(rings))


def decoded_splits(output: Path) -> dict[str, list[tuple]]:
    return {split: [decode(cells) for cells in read_split(output, split)] for split in SPLITS}


def test_outputs_hold_every_input_row_once_encoded_label_first(tmp_path, output):
    lines = abalone_lines(20)
    (tmp_path / "abalone.csv").write_text("\n".join(lines) + "\n")

    result = run_abalone(tmp_path / "abalone.csv", output)

    assert result.returncode == 0, result.stderr
    splits = decoded_splits(output)
    assert [len(splits[split]) for split in SPLITS] == [14, 3, 3]  # floor(20 * 0.7), floor(20 * 0.15), rest
    written = collections.Counter(row for rows in splits.values() for row in rows)
    assert written == collections.Counter(map(raw, lines))
    assert "read 20 rows" in result.stdout and "train 14, validation 3, test 3" in result.stdout
    assert files_under(output) == [output / split / f"{split}.csv" for split in ("test", "train", "validation")]


def test_one_hot_columns_are_f_i_m_and_measurements_exact(tmp_path, output):
    lines = [
        "M,0.455,0.365,0.095,0.514,0.2245,0.101,0.15,15",
        "F,0.53,0.42,0.135,0.677,0.2565,0.1415,0.21,9",
        "I,0.33,0.255,0.08,0.205,0.0895,0.0395,0.055,7",
        "M,0.1234567890123456,1,2.5e-3,0.0,10,0.30000000000000004,1e-05,0",
    ]
    (tmp_path / "abalone.csv").write_text("\n".join(lines) + "\n")

    result = run_abalone(tmp_path / "abalone.csv", output, "--train-fraction", "0.25", "--validation-fraction", "0.25")

    assert result.returncode == 0, result.stderr
    rows = {cells[0]: cells for split in SPLITS for cells in read_split(output, split)}
    assert rows["15"][1:4] == ["0", "0", "1"]
    assert rows["9"][1:4] == ["1", "0", "0"]
    assert rows["7"][1:4] == ["0", "1", "0"]
    assert rows["0"][1:4] == ["0", "0", "1"]
    assert rows["15"][4:] == ["0.455", "0.365", "0.095", "0.514", "0.2245", "0.101", "0.15"]
    assert [float(cell) for cell in rows["0"][4:]] == [0.1234567890123456, 1, 0.0025, 0, 10, 0.30000000000000004, 1e-5]


def test_rows_are_shuffled_with_a_seeded_numpy_generator(tmp_path, output):
    lines = abalone_lines(40)
    (tmp_path / "abalone.csv").write_text("\n".join(lines) + "\n")

    result = run_abalone(tmp_path / "abalone.csv", output, "--seed", "7")

    assert result.returncode == 0, result.stderr
    order = np.random.default_rng(7).permutation(40).tolist()
    written = [row for split in SPLITS for row in decoded_splits(output)[split]]
    assert written == [raw(lines[index]) for index in order]
    assert written != [raw(line) for line in lines]


@pytest.mark.parametrize(
    ("rows", "fractions", "sizes"),
    [
        (4177, (), (2923, 626, 628)),
        (100, ("--train-fraction", "0.29", "--validation-fraction", "0.29"), (29, 29, 42)),
        (10, ("--train-fraction", "0.5", "--validation-fraction", "0.3"), (5, 3, 2)),
    ],
)
def test_split_sizes_follow_the_fractions(tmp_path, output, rows, fractions, sizes):
    source = write_abalone(tmp_path / "abalone.csv", rows)

    result = run_abalone(source, output, *fractions)

    assert result.returncode == 0, result.stderr
    assert tuple(len(read_split(output, split)) for split in SPLITS) == sizes


def test_same_seed_gives_identical_bytes_and_another_seed_another_order(tmp_path):
    source = write_abalone(tmp_path / "abalone.csv", 60)
    for name, seed in (("a", "5"), ("b", "5"), ("c", "6")):
        assert run_abalone(source, tmp_path / name, "--seed", seed).returncode == 0

    def contents(name):
        return [(tmp_path / name / split / f"{split}.csv").read_bytes() for split in SPLITS]

    assert contents("a") == contents("b")
    assert contents("a") != contents("c")
    assert sorted(b"".join(contents("a")).splitlines()) == sorted(b"".join(contents("c")).splitlines())


def test_folder_input_reads_every_visible_file_in_name_order(tmp_path, output):
    folder = tmp_path / "raw"
    second = write_abalone(folder / "b.csv", 10, seed=2)
    first = write_abalone(folder / "a.csv", 10, seed=1)
    write_abalone(folder / ".hidden.csv", 5, seed=3)
    write_abalone(folder / "sub" / "c.csv", 5, seed=4)

    result = run_abalone(folder, output, "--train-fraction", "0.5", "--validation-fraction", "0.25")

    assert result.returncode == 0, result.stderr
    lines = first.read_text().splitlines() + second.read_text().splitlines()
    order = np.random.default_rng(42).permutation(20).tolist()
    written = [row for split in SPLITS for row in decoded_splits(output)[split]]
    assert written == [raw(lines[index]) for index in order]
    assert "from 2 file(s)" in result.stdout


def test_blank_trailing_lines_and_crlf_are_accepted(tmp_path, output):
    lines = abalone_lines(20)
    (tmp_path / "abalone.csv").write_bytes(("\r\n".join(lines) + "\r\n\r\n  \n").encode())

    result = run_abalone(tmp_path / "abalone.csv", output)

    assert result.returncode == 0, result.stderr
    written = [row for rows in decoded_splits(output).values() for row in rows]
    assert sorted(written) == sorted(map(raw, lines))


GOOD = "M,0.455,0.365,0.095,0.514,0.2245,0.101,0.15,15"


@pytest.mark.parametrize(
    ("bad_line", "fragments"),
    [
        ("M,0.455,0.365,0.095", ["row 3: expected 9 fields, got 4"]),
        ("M,0.455,0.365,0.095,0.514,0.2245,0.101,0.15,15,1", ["row 3: expected 9 fields, got 10"]),
        ("", ["row 3: expected 9 fields, got 1"]),
        (
            "X,0.455,0.365,0.095,0.514,0.2245,0.101,0.15,15",
            ["row 3: field 'sex': unknown code 'X' (expected M, F or I)"],
        ),
        ("M,0.455,abc,0.095,0.514,0.2245,0.101,0.15,15", ["row 3: field 'diameter': not a number: 'abc'"]),
        ("M,0.455,0.365,0.095,0.514,0.2245,0.101,,15", ["row 3: field 'shell_weight': not a number: ''"]),
        ("M,0.455,0.365,nan,0.514,0.2245,0.101,0.15,15", ["row 3: field 'height': not a number: 'nan'"]),
        ("M,0.455,0.365,0.095,-0.514,0.2245,0.101,0.15,15", ["row 3: field 'whole_weight': negative value '-0.514'"]),
        ("M,0.455,0.365,0.095,0.514,0.2245,0.101,0.15,many", ["row 3: field 'rings': not a number: 'many'"]),
        ("M,0.455,0.365,0.095,0.514,0.2245,0.101,0.15,-3", ["row 3: field 'rings': not a non-negative integer: '-3'"]),
        ("M,0.455,0.365,0.095,0.514,0.2245,0.101,0.15,7.5", ["row 3: field 'rings': not a non-negative integer"]),
        # XGBoost reads its CSV as float32, where these would become infinity
        ("M,1e39,0.365,0.095,0.514,0.2245,0.101,0.15,15", ["row 3: field 'length': number beyond the float32 range"]),
        ("M,0.455,0.365,0.095,0.514,0.2245,0.101,0.15," + "9" * 39, ["row 3: field 'rings': number beyond"]),
    ],
)
def test_bad_rows_fail_naming_file_row_and_field_and_write_nothing(tmp_path, output, bad_line, fragments):
    source = tmp_path / "abalone.csv"
    source.write_text("\n".join([GOOD] * 2 + [bad_line] + [GOOD] * 20) + "\n")

    result = run_abalone(source, output)

    assert_input_error(result, f"error: {source}: ", *fragments)
    assert files_under(output) == []
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "no data rows"),
        ("\n\n \n", "no data rows"),
        (GOOD + "\n" + GOOD + "\n", "input too small: 2 rows give train 1, validation 0, test 1"),
    ],
)
def test_empty_or_too_small_input_fails(tmp_path, output, content, message):
    source = tmp_path / "abalone.csv"
    source.write_text(content)

    assert_input_error(run_abalone(source, output), f"{source}: {message}")
    assert files_under(output) == []


def test_error_in_a_later_file_of_a_folder_names_that_file_and_its_own_row(tmp_path, output):
    folder = tmp_path / "raw"
    write_abalone(folder / "a.csv", 10)
    (folder / "b.csv").write_text(GOOD + "\nM,1,1,1,1,1,1,1\n")

    result = run_abalone(folder, output)

    assert_input_error(result, f"{folder / 'b.csv'}: row 2: expected 9 fields, got 8")
    assert files_under(output) == []


def test_an_empty_file_in_a_folder_fails(tmp_path, output):
    folder = tmp_path / "raw"
    write_abalone(folder / "a.csv", 10)
    (folder / "b.csv").write_text("")

    assert_input_error(run_abalone(folder, output), f"{folder / 'b.csv'}: no data rows")
    assert files_under(output) == []


def test_missing_input_and_empty_folder_fail(tmp_path, output):
    assert_input_error(run_abalone(tmp_path / "nope.csv", output), f"{tmp_path / 'nope.csv'}: no such file")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".hidden").write_text(GOOD + "\n")
    assert_input_error(run_abalone(tmp_path / "empty", output), f"{tmp_path / 'empty'}: folder has no input files")
    assert files_under(output) == []


def test_failure_does_not_create_missing_output_folders(tmp_path):
    source = tmp_path / "abalone.csv"
    source.write_text(GOOD + "\nM,1\n")

    assert run_abalone(source, tmp_path / "new" / "output").returncode == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == ["abalone.csv"]


@pytest.mark.parametrize(
    "arguments",
    [
        ("--train-fraction", "0"),
        ("--train-fraction", "1"),
        ("--validation-fraction", "-0.1"),
        ("--train-fraction", "abc"),
        ("--train-fraction", "0.85", "--validation-fraction", "0.15"),
        ("--seed", "-1"),
    ],
)
def test_bad_arguments_exit_2_without_output(tmp_path, output, arguments):
    source = write_abalone(tmp_path / "abalone.csv", 50)

    result = run_abalone(source, output, *arguments)

    assert result.returncode == 2
    assert "abalone: error:" in result.stderr
    assert files_under(output) == []
