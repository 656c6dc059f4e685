"""processing/nyc_taxi.py: NAB nyc_taxi series -> shingled train/test CSV for Random Cut Forest, test labelled."""

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import nyc_taxi
import pytest
from processing_testlib import assert_fails_in_process, files_under, run_processing

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


# 12 half-hours from 17:30; 24 hours before the first NAB anomaly point (2014-11-01 19:00:00) is 2014-10-31 19:00:00,
# the 4th timestamp.
START = "2014-10-31 17:30:00"
# NAB's anomaly points of nyc_taxi, typed from numenta/NAB labels/combined_labels.json.
POINTS = ("2014-11-01 19:00:00", "2014-11-27 15:30:00", "2014-12-25 15:00:00", "2015-01-01 01:00:00",
          "2015-01-27 00:00:00")  # fmt: skip
# NAB's anomaly windows of the same series, copied from numenta/NAB labels/combined_windows.json: NAB scores
# detectors by them; each is centred on its point. The script does not use them (see its module docstring): they
# are here to show that the points are their centres.
NAB_ANOMALY_WINDOWS = (
    ("2014-10-30 15:30:00", "2014-11-03 22:30:00"),
    ("2014-11-25 12:00:00", "2014-11-29 19:00:00"),
    ("2014-12-23 11:30:00", "2014-12-27 18:30:00"),
    ("2014-12-29 21:30:00", "2015-01-03 04:30:00"),
    ("2015-01-24 20:30:00", "2015-01-29 03:30:00"),
)


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
    # Shingle i ends at times[i + 2]: only shingle 0 (ending 18:30) is more than 24 hours before the point.
    assert [row[0] for row in test] == ["0"] + ["1"] * 9
    assert capsys.readouterr().out == (
        "nyc_taxi: read 12 rows (2014-10-31 17:30:00 to 2014-10-31 23:00:00); "
        "wrote train 10, test 10 shingles of 3 values, 9 labelled anomalous\n"
    )
    assert [path.name for path in files_under(output)] == ["test.csv", "train.csv"]


@pytest.mark.parametrize(
    "times",
    [
        # 24 h 30 min before, exactly 24 h before, the point, exactly 24 h after, 24 h 30 min after.
        ["2014-10-31 18:30:00", "2014-10-31 19:00:00", "2014-11-01 19:00:00", "2014-11-02 19:00:00",
         "2014-11-02 19:30:00"],  # NYC marathon
        ["2014-11-26 15:00:00", "2014-11-26 15:30:00", "2014-11-27 15:30:00", "2014-11-28 15:30:00",
         "2014-11-28 16:00:00"],  # Thanksgiving
        ["2014-12-24 14:30:00", "2014-12-24 15:00:00", "2014-12-25 15:00:00", "2014-12-26 15:00:00",
         "2014-12-26 15:30:00"],  # Christmas
        ["2014-12-31 00:30:00", "2014-12-31 01:00:00", "2015-01-01 01:00:00", "2015-01-02 01:00:00",
         "2015-01-02 01:30:00"],  # New Year
        ["2015-01-25 23:30:00", "2015-01-26 00:00:00", "2015-01-27 00:00:00", "2015-01-28 00:00:00",
         "2015-01-28 00:30:00"],  # blizzard
    ],
)  # fmt: skip
def test_labels_are_1_within_24_hours_of_each_point_both_ends_included(tmp_path, output, times):
    source = write_series(tmp_path / "nyc_taxi.csv", times, ["1", "2", "3", "4", "5"])

    assert run_nyc(source, output, "--shingle", 1) == 0

    test = read_rows(output / "test" / "test.csv")
    assert [row[0] for row in test] == ["0", "1", "1", "1", "0"]
    assert [row[1] for row in test] == ["1", "2", "3", "4", "5"]


def test_labels_are_exact_to_the_second(tmp_path, output):
    # The step is not checked: one second beyond 24 hours is out, on either side of the marathon point.
    times = ["2014-10-31 18:59:59", "2014-10-31 19:00:00", "2014-11-02 19:00:00", "2014-11-02 19:00:01"]
    source = write_series(tmp_path / "nyc_taxi.csv", times, ["1", "2", "3", "4"])

    assert run_nyc(source, output, "--shingle", 1) == 0

    assert [row[0] for row in read_rows(output / "test" / "test.csv")] == ["0", "1", "1", "0"]


def test_inside_an_nab_window_but_beyond_24_hours_of_its_point_is_0(tmp_path, output):
    # 2014-11-03 21:00 .. 22:30 lie inside the first NAB window (which ends 22:30) but are over 48 hours after the
    # marathon point; 2014-11-02 18:30 and 19:00 are within 24 hours of it.
    times = ["2014-11-02 18:30:00", "2014-11-02 19:00:00", *stamps("2014-11-03 21:00:00", 4)]
    source = write_series(tmp_path / "nyc_taxi.csv", times, [str(value) for value in range(6)])

    assert run_nyc(source, output, "--shingle", 1) == 0

    assert [row[0] for row in read_rows(output / "test" / "test.csv")] == ["1", "1", "0", "0", "0", "0"]


def test_the_points_are_nab_labels_and_each_is_the_centre_of_its_nab_window():
    assert nyc_taxi.NAB_ANOMALY_POINTS == POINTS
    assert nyc_taxi.LABEL_HALF_WIDTH / np.timedelta64(1, "m") == 24 * 60
    assert len(NAB_ANOMALY_WINDOWS) == len(POINTS)
    for point, (start, end) in zip(POINTS, NAB_ANOMALY_WINDOWS, strict=True):
        start, end = datetime.fromisoformat(start), datetime.fromisoformat(end)
        assert start + (end - start) / 2 == datetime.fromisoformat(point)
        # NAB's window length: int(10% of the 10,320 rows / 5 anomalies) = 206 steps of 30 minutes.
        assert end - start == 206 * timedelta(minutes=30)


def test_the_full_series_labels_97_shingles_around_each_point_and_nothing_else(tmp_path, output, capsys):
    times = stamps("2014-07-01 00:00:00", 10_320)  # the real grid: 2014-07-01 00:00 .. 2015-01-31 23:30
    assert times[-1] == "2015-01-31 23:30:00"
    source = write_series(tmp_path / "nyc_taxi.csv", times, [str(index % 977) for index in range(10_320)])

    assert run_nyc(source, output, "--baseline", "test:f1") == 0

    test = read_rows(output / "test" / "test.csv")
    train = read_rows(output / "train" / "train.csv")
    assert len(test) == len(train) == 10_320 - 48 + 1
    assert all(len(row) == 48 for row in train)
    assert train[-1] == [str(index % 977) for index in range(10_320 - 48, 10_320)]
    # Rows of the points, counted by hand from 2014-07-01 00:00: 2014-11-01 19:00 is 123 days (Jul 31 + Aug 31 +
    # Sep 30 + Oct 31) and 38 half-hours in, 123 * 48 + 38 = 5942; Thanksgiving 149 * 48 + 31 = 7183; Christmas
    # 177 * 48 + 30 = 8526; New Year 184 * 48 + 2 = 8834; the blizzard 210 * 48 = 10080.
    rows = (5942, 7183, 8526, 8834, 10_080)
    assert [times[row] for row in rows] == list(POINTS)
    # Shingle i ends at row i + 47; rows point - 48 .. point + 48 (24 hours either side) are labelled: 97 a point,
    # the ranges apart (8526 + 48 < 8834 - 48) and all within rows 47 .. 10319, so 5 * 97 = 485 in all.
    expected = set()
    for row in rows:
        expected.update(range(row - 48 - 47, row + 48 - 47 + 1))
    assert len(expected) == 485
    assert [index for index, line in enumerate(test) if line[0] == "1"] == sorted(expected)
    assert {line[0] for line in test} == {"0", "1"}
    # Always 1: precision p = 485 / 10,273, recall 1, F1 2p / (1 + p) = 970 / 10,758 = 0.0902.
    document = json.loads((output / "baseline" / "baseline.json").read_text())
    assert (document["value"], document["records"]) == (pytest.approx(970 / 10_758, rel=1e-12), 10_273)
    assert "10273 shingles of 48 values, 485 labelled anomalous\n" in capsys.readouterr().out


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
        (stamps(START, 4), ["1", "2", "1e39", "4"], None, ["row 4", "field 'value'", "beyond the float32 range"]),
        (stamps(START, 4), ["1", "-2", "3", "4"], None, ["row 3", "field 'value'", "negative value '-2'"]),
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
        (
            stamps("2014-07-01 00:00:00", 6),
            ["1"] * 6,
            None,
            [
                "no shingle ends within 24 hours of an NAB anomaly point (the series runs from 2014-07-01 00:00:00 "
                "to 2014-07-01 02:30:00, the points from 2014-11-01 19:00:00 to 2015-01-27 00:00:00)"
            ],
        ),
    ],
)
def test_bad_input_fails_naming_file_row_and_field(tmp_path, output, capsys, times, values, header, fragments):
    source = write_series(tmp_path / "nyc_taxi.csv", times, values, header or "timestamp,value")

    code = run_nyc(source, output, "--shingle", 3)

    assert_fails_in_process(code, capsys, output, str(source), *fragments)


def test_a_range_covered_only_by_the_first_values_of_a_shingle_labels_nothing(tmp_path, output, capsys):
    # 24 hours after the marathon point is 2014-11-02 19:00. From 19:00, with --shingle 2 the shingles end at 19:30
    # and 20:00: the first holds 19:00 as its first value, but only the last timestamp counts: an error.
    source = write_series(tmp_path / "nyc_taxi.csv", stamps("2014-11-02 19:00:00", 3), ["1", "2", "3"])

    code = run_nyc(source, output, "--shingle", 2)
    assert_fails_in_process(code, capsys, output, "no shingle ends within 24 hours")

    # From 18:30 the first shingle ends at 19:00 and is labelled; the second, 19:00-19:30, is not.
    source = write_series(tmp_path / "nyc_taxi.csv", stamps("2014-11-02 18:30:00", 3), ["1", "2", "3"])
    assert run_nyc(source, output, "--shingle", 2) == 0
    assert [row[0] for row in read_rows(output / "test" / "test.csv")] == ["1", "0"]


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


# --- --shards and --baseline ------------------------------------------------------------------------------------

VALUES = ["10844", "8127", "6210.5", "4656", "3820", "2873", "2369", "2064", "2221", "2158", "2515", "4364"]


def example_source(tmp_path: Path) -> Path:
    """12 half-hours from 17:30: with --shingle 3, 10 shingles, all but the first labelled 1."""
    return write_series(tmp_path / "nyc_taxi.csv", stamps(START, 12), VALUES)


@pytest.mark.parametrize(
    ("shards", "sizes"),
    [(2, [5, 5]), (3, [4, 3, 3]), (4, [3, 3, 2, 2]), (10, [1] * 10)],
)
def test_shards_split_the_train_shingles_in_order_into_files_as_even_as_possible(tmp_path, output, capsys, shards,
                                                                                  sizes):  # fmt: skip
    source = example_source(tmp_path)
    assert run_nyc(source, tmp_path / "plain", "--shingle", 3) == 0
    capsys.readouterr()

    assert run_nyc(source, output, "--shingle", 3, "--shards", shards) == 0

    names = [f"train-{number:05d}.csv" for number in range(shards)]
    assert files_under(output) == [output / "test" / "test.csv", *(output / "train" / name for name in names)]
    shard_rows = [read_rows(output / "train" / name) for name in names]
    assert [len(rows) for rows in shard_rows] == sizes
    assert [row for rows in shard_rows for row in rows] == [VALUES[index : index + 3] for index in range(10)]
    joined = b"".join((output / "train" / name).read_bytes() for name in names)
    assert joined == (tmp_path / "plain" / "train" / "train.csv").read_bytes()
    assert (output / "test" / "test.csv").read_bytes() == (tmp_path / "plain" / "test" / "test.csv").read_bytes()
    assert f"labelled anomalous; train in {shards} files\n" in capsys.readouterr().out


def test_one_shard_is_the_unsharded_train_csv(tmp_path):
    source = example_source(tmp_path)
    assert run_nyc(source, tmp_path / "plain", "--shingle", 3) == 0
    assert run_nyc(source, tmp_path / "one", "--shingle", 3, "--shards", 1) == 0

    for name in ("plain", "one"):
        assert [path.name for path in files_under(tmp_path / name)] == ["test.csv", "train.csv"]
    for split in ("train", "test"):
        path = f"{split}/{split}.csv"
        assert (tmp_path / "plain" / path).read_bytes() == (tmp_path / "one" / path).read_bytes()


def test_more_shards_than_shingles_is_an_error(tmp_path, output, capsys):
    source = example_source(tmp_path)

    code = run_nyc(source, output, "--shingle", 3, "--shards", 11, "--baseline", "test:f1")

    assert_fails_in_process(code, capsys, output, str(source), "--shards 11 is more than the 10 train shingles")


def test_shards_must_be_positive(tmp_path, output, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_nyc(example_source(tmp_path), output, "--shards", 0)

    assert exit_info.value.code == 2
    assert "nyc_taxi: error: --shards must be at least 1" in capsys.readouterr().err
    assert files_under(output) == []


def test_baseline_is_the_f1_of_flagging_every_test_shingle(tmp_path, output, capsys):
    assert run_nyc(example_source(tmp_path), output, "--shingle", 3, "--baseline", "test:f1") == 0

    assert [path.name for path in files_under(output)] == ["baseline.json", "test.csv", "train.csv"]
    # 9 of the 10 test shingles are labelled 1: always 1 has precision 9/10, recall 1, F1 2 * 0.9 / 1.9 = 18/19.
    assert [row[0] for row in read_rows(output / "test" / "test.csv")] == ["0"] + ["1"] * 9
    document = json.loads((output / "baseline" / "baseline.json").read_text())
    assert document == {
        "metric": "test:f1",
        "value": pytest.approx(18 / 19, rel=1e-12),
        "model": "always 1",
        "split": "test",
        "records": 10,
    }
    assert capsys.readouterr().out.endswith("nyc_taxi: baseline test:f1 0.947368 (always 1 on test, 10 rows)\n")


def test_baseline_counts_the_labels_of_every_point(tmp_path, output):
    # 2014-11-02 17:30 .. 21:00 with --shingle 1: 17:30 .. 19:00 (at most 24 hours after the marathon point) are
    # labelled 1, 4 of 8: F1 2 * 0.5 / 1.5 = 2/3.
    source = write_series(tmp_path / "nyc_taxi.csv", stamps("2014-11-02 17:30:00", 8), [str(v) for v in range(8)])

    assert run_nyc(source, output, "--shingle", 1, "--shards", 3, "--baseline", "test:f1") == 0

    document = json.loads((output / "baseline" / "baseline.json").read_text())
    assert (document["value"], document["records"]) == (pytest.approx(2 / 3, rel=1e-12), 8)
    assert [path.name for path in files_under(output / "train")] == [f"train-0000{n}.csv" for n in range(3)]


def test_without_baseline_no_baseline_folder_appears_and_the_outputs_are_the_same(tmp_path):
    source = example_source(tmp_path)
    assert run_nyc(source, tmp_path / "plain", "--shingle", 3) == 0
    assert run_nyc(source, tmp_path / "with", "--shingle", 3, "--baseline", "test:f1") == 0

    assert not (tmp_path / "plain" / "baseline").exists()
    for split in ("train", "test"):
        path = f"{split}/{split}.csv"
        assert (tmp_path / "plain" / path).read_bytes() == (tmp_path / "with" / path).read_bytes()


@pytest.mark.parametrize(
    ("metric", "reason"),
    [
        ("test:precision", "no baseline for this metric"),
        ("train:f1", "no baseline for this metric"),
        ("validation:f1", "the validation split is not written (written: train, test)"),
        ("f1", "not of the form CHANNEL:NAME"),
    ],
)
def test_an_unsupported_baseline_metric_exits_2_without_output(tmp_path, output, capsys, metric, reason):
    with pytest.raises(SystemExit) as exit_info:
        run_nyc(example_source(tmp_path), output, "--shingle", 3, "--baseline", metric)

    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"nyc_taxi: error: --baseline {metric}: {reason}; supported: test:f1\n" in err
    assert files_under(output) == []


def test_shards_and_baseline_run_through_the_dispatcher(tmp_path):
    result = run_processing("nyc_taxi", "--input", example_source(tmp_path), "--output-dir", tmp_path / "out",
                            "--shingle", 3, "--shards", 2, "--baseline", "test:f1")  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert [len(read_rows(out / "train" / f"train-0000{n}.csv")) for n in range(2)] == [5, 5]
    assert json.loads((out / "baseline" / "baseline.json").read_text())["value"] == pytest.approx(18 / 19)
