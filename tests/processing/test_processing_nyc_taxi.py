"""processing/nyc_taxi.py: NAB nyc_taxi series -> shingled train/test CSV for Random Cut Forest, test labelled."""

from pathlib import Path

import numpy as np
import nyc_taxi
import pytest
from processing_testlib import assert_fails_in_process, files_under

HALF_HOUR = np.timedelta64(30, "m")


@pytest.fixture
def output_splits() -> tuple[str, ...]:
    return ("train", "test")


def stamps(start: str, count: int) -> list[str]:
    times = np.datetime64(start.replace(" ", "T"), "s") + HALF_HOUR * np.arange(count)
    return [str(time).replace("T", " ") for time in times]


def write_series(path: Path, timestamps: list[str], values: list[str], header: str = "timestamp,value") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [header, *(f"{time},{value}" for time, value in zip(timestamps, values, strict=True))]
    path.write_text("\n".join(lines) + "\n")
    return path


def run_nyc(source: Path, output: Path, *extra) -> int:
    return nyc_taxi.main(["--input", str(source), "--output-dir", str(output), *map(str, extra)])


def read_rows(path: Path) -> list[list[str]]:
    return [line.split(",") for line in path.read_text().splitlines()]


# 12 half-hours from 14:00; the first NAB window starts at 2014-10-30 15:30:00 (the 4th timestamp).
START = "2014-10-30 14:00:00"


def test_shingles_are_consecutive_values_and_test_has_them_labelled_by_last_timestamp(tmp_path, output, capsys):
    times = stamps(START, 12)
    values = ["10844", "8127", "6210.5", "4656", "3820", "2873", "2369", "2064", "2221", "2158", "2515", "4364"]
    source = write_series(tmp_path / "nyc_taxi.csv", times, values)

    assert run_nyc(source, output, "--shingle", 3) == 0

    train = read_rows(output / "train" / "train.csv")
    test = read_rows(output / "test" / "test.csv")
    assert len(train) == len(test) == 12 - 3 + 1
    assert train == [values[index : index + 3] for index in range(10)]
    assert [row[1:] for row in test] == train
    # Shingle i ends at times[i + 2]: only shingle 0 (ending 15:00) is before the window's 15:30 start.
    assert [row[0] for row in test] == ["0"] + ["1"] * 9
    assert capsys.readouterr().out == (
        "nyc_taxi: read 12 rows (2014-10-30 14:00:00 to 2014-10-30 19:30:00); "
        "wrote train 10, test 10 shingles of 3 values, 9 labelled anomalous\n"
    )
    assert [path.name for path in files_under(output)] == ["test.csv", "train.csv"]


def test_labels_follow_both_inclusive_window_bounds(tmp_path, output):
    # 2014-11-03 21:00 .. 2014-11-04 00:30: the first window ends at 22:30 inclusive.
    times = stamps("2014-11-03 21:00:00", 8)
    source = write_series(tmp_path / "nyc_taxi.csv", times, [str(value) for value in range(8)])

    assert run_nyc(source, output, "--shingle", 1) == 0

    test = read_rows(output / "test" / "test.csv")
    assert [row[0] for row in test] == ["1", "1", "1", "1", "0", "0", "0", "0"]  # 21:00, 21:30, 22:00, 22:30 in
    assert [row[1] for row in test] == [str(value) for value in range(8)]


def test_every_window_and_no_other_time_is_labelled(tmp_path, output):
    times = stamps("2014-07-01 00:00:00", 10_320)
    source = write_series(tmp_path / "nyc_taxi.csv", times, [str(index % 977) for index in range(10_320)])

    assert run_nyc(source, output) == 0

    test = read_rows(output / "test" / "test.csv")
    train = read_rows(output / "train" / "train.csv")
    assert len(test) == len(train) == 10_320 - 48 + 1
    assert all(len(row) == 48 for row in train)
    assert train[-1] == [str(index % 977) for index in range(10_320 - 48, 10_320)]
    last = np.array(times[47:], dtype="datetime64[s]")
    windows = np.array(nyc_taxi.NAB_ANOMALY_WINDOWS, dtype="datetime64[s]")
    expected = np.zeros(len(last), int)
    for start, end in windows:
        expected[(last >= start) & (last <= end)] = 1
    assert [int(row[0]) for row in test] == expected.tolist()
    # Each window is 4 days 7 hours of half-hours, both ends included: 207 labelled shingles each.
    assert expected.sum() == 5 * 207


def test_a_folder_with_the_one_file_is_read(tmp_path, output):
    write_series(tmp_path / "raw" / "nyc_taxi.csv", stamps(START, 5), ["1", "2", "3", "4", "5"])

    assert run_nyc(tmp_path / "raw", output, "--shingle", 2) == 0

    assert read_rows(output / "train" / "train.csv") == [["1", "2"], ["2", "3"], ["3", "4"], ["4", "5"]]


@pytest.mark.parametrize(
    ("times", "values", "header", "fragments"),
    [
        (stamps(START, 4), ["1"] * 4, "time,value", ["row 1", "expected the header 'timestamp,value'"]),
        ([*stamps(START, 3), "2014-10-30 17:00"], ["1"] * 4, None, ["row 5", "field 'timestamp'", "not a timestamp"]),
        ([*stamps(START, 3), "2014-13-30 17:00:00"], ["1"] * 4, None, ["row 5", "field 'timestamp'", "Month"]),
        (stamps(START, 4), ["1", "2", "x", "4"], None, ["row 4", "field 'value'", "not a number: 'x'"]),
        (stamps(START, 4), ["1", "nan", "3", "4"], None, ["row 3", "field 'value'", "not a number: 'nan'"]),
        (stamps(START, 4), ["1", "2", "1e999", "4"], None, ["row 4", "field 'value'", "out of range"]),
        (stamps(START, 4), ["1", "2", "", "4"], None, ["row 4", "field 'value'"]),
        (
            [*stamps(START, 2), stamps(START, 2)[1], stamps(START, 4)[3]],
            ["1"] * 4,
            None,
            ["row 4", "field 'timestamp'", "strictly increasing"],
        ),
        (
            [stamps(START, 4)[index] for index in (0, 2, 1, 3)],
            ["1"] * 4,
            None,
            ["row 4", "field 'timestamp'", "strictly increasing"],
        ),
        (stamps(START, 2), ["1"] * 2, None, ["2 data rows are fewer than the shingle size 3"]),
        (stamps("2014-07-01 00:00:00", 6), ["1"] * 6, None, ["no shingle ends inside an NAB anomaly window"]),
    ],
)
def test_bad_input_fails_naming_file_row_and_field(tmp_path, output, capsys, times, values, header, fragments):
    source = write_series(tmp_path / "nyc_taxi.csv", times, values, header or "timestamp,value")

    code = run_nyc(source, output, "--shingle", 3)

    assert_fails_in_process(code, capsys, output, str(source), *fragments)


def test_a_window_covered_only_by_the_first_values_of_a_shingle_labels_nothing(tmp_path, output, capsys):
    # The series ends at 15:30, the window's first instant: only a shingle ending there is labelled. One row
    # earlier, the last shingle ends at 15:00 and nothing is labelled: an error.
    source = write_series(tmp_path / "nyc_taxi.csv", stamps(START, 3), ["1", "2", "3"])

    assert_fails_in_process(run_nyc(source, output, "--shingle", 2), capsys, output, "no shingle ends inside")

    source = write_series(tmp_path / "nyc_taxi.csv", stamps(START, 4), ["1", "2", "3", "4"])
    assert run_nyc(source, output, "--shingle", 2) == 0
    assert [row[0] for row in read_rows(output / "test" / "test.csv")] == ["0", "0", "1"]


def test_a_folder_with_two_files_is_an_error(tmp_path, output, capsys):
    write_series(tmp_path / "raw" / "a.csv", stamps(START, 5), ["1"] * 5)
    write_series(tmp_path / "raw" / "b.csv", stamps(START, 5), ["1"] * 5)

    code = run_nyc(tmp_path / "raw", output)

    assert_fails_in_process(code, capsys, output, "expected one series file, found 2: a.csv, b.csv")


def test_shingle_must_be_positive(tmp_path, output, capsys):
    source = write_series(tmp_path / "nyc_taxi.csv", stamps(START, 5), ["1"] * 5)

    with pytest.raises(SystemExit) as exit_info:
        run_nyc(source, output, "--shingle", 0)

    assert exit_info.value.code == 2
    assert "--shingle must be at least 1" in capsys.readouterr().err
    assert files_under(output) == []


def test_same_input_gives_identical_bytes(tmp_path):
    source = write_series(tmp_path / "nyc_taxi.csv", stamps(START, 30), [f"{index * 1.5}" for index in range(30)])
    for name in ("a", "b"):
        assert run_nyc(source, tmp_path / name, "--shingle", 4) == 0
    for split in ("train", "test"):
        first = (tmp_path / "a" / split / f"{split}.csv").read_bytes()
        assert first == (tmp_path / "b" / split / f"{split}.csv").read_bytes()
