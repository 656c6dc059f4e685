"""processing/chicago.py: Chicago Speed Camera Violations CSV -> daily per-address DeepAR JSON Lines train/test."""

import csv
import io
import json
import math
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import chicago
import pytest
from processing_testlib import (
    CHICAGO_HEADER,
    assert_fails_in_process,
    files_under,
    read_series_splits,
    run_processing,
)

SPLITS = ("train", "test")
REAL_ROW = (
    "7738 S WESTERN",
    "CHI065",
    "07/08/2014",
    "65",
    "1161851.14400349",
    "1853249.61690135",
    "41.75235814",
    "-87.68292581",
    "(41.75235814, -87.68292581)",
)  # the shape of a row of the portal export


@pytest.fixture
def output_splits() -> tuple[str, ...]:
    return SPLITS


def camera_row(address: str, day: date, violations, camera: str = "CHI001") -> list[str]:
    latitude, longitude = 41.7 + len(address) / 1000, -87.6 - len(address) / 1000
    return [
        address,
        camera,
        day.strftime("%m/%d/%Y"),
        str(violations),
        "1161851.1",
        "1853249.6",
        f"{latitude:.8f}",
        f"{longitude:.8f}",
        f"({latitude:.8f}, {longitude:.8f})",
    ]


def write_csv(path: Path, rows: list[list[str]], header=CHICAGO_HEADER) -> Path:
    """As the portal writes it: csv quoting (the LOCATION cell holds a comma), CRLF line ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), newline="")
    return path


def run_chicago(source: Path, output: Path, *extra) -> int:
    return chicago.main(["--input", str(source), "--output-dir", str(output), *map(str, extra)])


def example_rows() -> list[list[str]]:
    """Three addresses over 01/30/2021 .. 02/12/2021 (14 days), out of order, with gaps and a two-camera address."""
    first = date(2021, 1, 30)
    rows = [
        camera_row("B ST", first + timedelta(days=13), 4),  # the last day
        camera_row("A AVE", first + timedelta(days=2), 10, "CHI010"),
        camera_row("A AVE", first + timedelta(days=2), 5, "CHI011"),  # same address and day: summed
        camera_row("C RD", first + timedelta(days=5), 0),
        camera_row("A AVE", first + timedelta(days=3), 7),
        camera_row("B ST", first, 1),  # the first day
        camera_row("C RD", first + timedelta(days=6), 3),
    ]
    return rows


def test_series_are_daily_per_address_zero_filled_over_the_global_range(tmp_path, output, capsys):
    source = write_csv(tmp_path / "speed.csv", example_rows())

    assert run_chicago(source, output, "--prediction-length", 4) == 0

    train, test = read_series_splits(output)
    assert {record["start"] for record in train + test} == {"2021-01-30 00:00:00"}
    assert [record["target"] for record in test] == [
        [0, 0, 15, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],  # A AVE: two cameras summed on day 2
        [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4],  # B ST
        [0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0],  # C RD
    ]  # sorted by address
    assert [record["target"] for record in train] == [record["target"][:10] for record in test]
    assert list(train[0]) == ["start", "target"]
    out = capsys.readouterr().out
    assert "read 7 rows from 1 file(s): 3 addresses, 14 days (2021-01-30 to 2021-02-12)" in out


def test_lines_are_compact_json_with_integer_targets(tmp_path, output):
    assert run_chicago(write_csv(tmp_path / "speed.csv", example_rows()), output, "--prediction-length", 12) == 0

    lines = (output / "train" / "train.json").read_text().split("\n")
    assert lines[:3] == [
        '{"start":"2021-01-30 00:00:00","target":[0,0]}',
        '{"start":"2021-01-30 00:00:00","target":[1,0]}',
        '{"start":"2021-01-30 00:00:00","target":[0,0]}',
    ]
    assert lines[3:] == [""]


def random_rows(count: int, seed: int = 0) -> list[list[str]]:
    import numpy as np

    rng = np.random.default_rng(seed)
    addresses = [f"{number} {street}" for number, street in zip(rng.integers(100, 9999, 12), "NSEW" * 3, strict=True)]
    first = date(2019, 12, 20)
    return [
        camera_row(addresses[rng.integers(12)], first + timedelta(days=int(rng.integers(60))), rng.integers(0, 90))
        for _ in range(count)
    ]


def test_per_address_sums_and_values_match_the_input(tmp_path, output):
    rows = random_rows(600)
    assert run_chicago(write_csv(tmp_path / "speed.csv", rows), output) == 0

    train, test = read_series_splits(output)
    expected: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for address, _, day, violations, *_ in rows:
        month, dom, year = map(int, day.split("/"))
        expected[address][date(year, month, dom)] += int(violations)
    addresses = sorted(expected)
    first = min(day for days in expected.values() for day in days)
    last = max(day for days in expected.values() for day in days)
    length = (last - first).days + 1
    assert len(test) == len(train) == len(addresses)
    for address, train_record, test_record in zip(addresses, train, test, strict=True):
        assert test_record["start"] == train_record["start"] == f"{first.isoformat()} 00:00:00"
        assert len(test_record["target"]) == length
        assert train_record["target"] == test_record["target"][: length - 30]
        assert sum(test_record["target"]) == sum(expected[address].values())
        assert test_record["target"] == [expected[address].get(first + timedelta(days=i), 0) for i in range(length)]


def test_columns_are_found_by_name_in_any_order_and_extra_columns_are_ignored(tmp_path, output):
    rows = example_rows()
    order = [8, 3, 1, 2, 0, 4, 5, 6, 7]
    reordered = [[row[i] for i in order] for row in rows]
    source = write_csv(tmp_path / "a.csv", reordered, [CHICAGO_HEADER[i] for i in order])
    assert run_chicago(source, tmp_path / "a", "--prediction-length", 4) == 0
    assert run_chicago(write_csv(tmp_path / "b.csv", rows), tmp_path / "b", "--prediction-length", 4) == 0

    for split in SPLITS:
        path = f"{split}/{split}.json"
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes()


def test_a_folder_of_exports_is_combined_and_output_is_deterministic(tmp_path, output):
    rows = random_rows(300, seed=1)
    write_csv(tmp_path / "in" / "part1.csv", rows[:120])
    write_csv(tmp_path / "in" / "part2.csv", rows[120:])
    assert run_chicago(tmp_path / "in", output) == 0
    assert run_chicago(write_csv(tmp_path / "all.csv", rows), tmp_path / "again") == 0

    for split in SPLITS:
        path = f"{split}/{split}.json"
        assert (output / path).read_bytes() == (tmp_path / "again" / path).read_bytes()


def test_byte_order_mark_lf_line_ends_and_trailing_blank_lines_are_accepted(tmp_path, output):
    text = ",".join(CHICAGO_HEADER) + "\n" + "\n".join(",".join(f'"{cell}"' for cell in row) for row in example_rows())
    source = tmp_path / "speed.csv"
    source.write_bytes(b"\xef\xbb\xbf" + text.encode() + b"\n\n\n")

    assert run_chicago(source, output, "--prediction-length", 4) == 0
    assert len(read_series_splits(output)[1]) == 3


def test_exactly_prediction_length_plus_one_days_is_enough(tmp_path, output):
    rows = [camera_row("A", date(2020, 2, 28), 1), camera_row("A", date(2020, 3, 1), 2)]  # leap year: 3 days

    assert run_chicago(write_csv(tmp_path / "speed.csv", rows), output, "--prediction-length", 2) == 0
    train, test = read_series_splits(output)
    assert train == [{"start": "2020-02-28 00:00:00", "target": [1]}]
    assert test == [{"start": "2020-02-28 00:00:00", "target": [1, 0, 2]}]


def with_cell(field: str, value: str) -> list[list[str]]:
    rows = example_rows()
    rows[2][CHICAGO_HEADER.index(field)] = value  # data row 3: line 4 of the file
    return rows


def two_cameras_adding_up_to(total: int) -> list[list[str]]:
    """example_rows, the two cameras of A AVE on one day (data rows 2 and 3) counting `total` violations."""
    rows = example_rows()
    rows[1][CHICAGO_HEADER.index("VIOLATIONS")] = str(total // 2)
    rows[2][CHICAGO_HEADER.index("VIOLATIONS")] = str(total - total // 2)
    return rows


@pytest.mark.parametrize(
    ("rows", "fragments"),
    [
        (with_cell("VIOLATION DATE", "2021-02-01"), ("row 4", "field 'VIOLATION DATE'", "not a MM/DD/YYYY date")),
        (with_cell("VIOLATION DATE", "02/30/2021"), ("row 4", "field 'VIOLATION DATE'", "'02/30/2021'")),
        (with_cell("VIOLATION DATE", "2/1/2021"), ("row 4", "field 'VIOLATION DATE'")),
        (with_cell("VIOLATION DATE", ""), ("row 4", "field 'VIOLATION DATE'")),
        (with_cell("VIOLATIONS", "-3"), ("row 4", "field 'VIOLATIONS'", "not a non-negative integer")),
        (with_cell("VIOLATIONS", "2.5"), ("row 4", "field 'VIOLATIONS'", "not a non-negative integer")),
        (with_cell("VIOLATIONS", "many"), ("row 4", "field 'VIOLATIONS'", "not a number")),
        (with_cell("VIOLATIONS", ""), ("row 4", "field 'VIOLATIONS'")),
        # int64 overflowed on these (a traceback); DeepAR reads targets as float32, exact up to 2**24
        (with_cell("VIOLATIONS", "9" * 20), ("row 4", "field 'VIOLATIONS'", "more than 16,777,216")),
        (with_cell("VIOLATIONS", "16777217"), ("row 4", "field 'VIOLATIONS'", "A AVE on 2021-02-01 add up to")),
        (two_cameras_adding_up_to(2**24 + 1), ("row 4", "field 'VIOLATIONS'", "add up to 16,777,217, more than")),
        (with_cell("ADDRESS", ""), ("row 4", "field 'ADDRESS'", "empty address")),
        (with_cell("ADDRESS", "   "), ("row 4", "field 'ADDRESS'", "empty address")),
        ([*example_rows()[:4], ["too", "short"]], ("row 6", "expected 9 fields (as the header), got 2")),
        ([], ("speed.csv", "no data rows")),
    ],
)
def test_bad_rows_exit_2_naming_file_row_and_field(tmp_path, output, capsys, rows, fragments):
    source = write_csv(tmp_path / "speed.csv", rows)

    code = run_chicago(source, output, "--prediction-length", 4)

    line = assert_fails_in_process(code, capsys, output, str(source), *fragments)
    assert line.startswith(f"error: {source}: ")


@pytest.mark.parametrize("missing", ["ADDRESS", "VIOLATION DATE", "VIOLATIONS"])
def test_a_missing_column_is_named(tmp_path, output, capsys, missing):
    header = [name if name != missing else name.lower() for name in CHICAGO_HEADER]  # names are case-sensitive
    source = write_csv(tmp_path / "speed.csv", example_rows(), header)

    code = run_chicago(source, output)

    assert_fails_in_process(code, capsys, output, str(source), "row 1", f"field '{missing}'", f"no column '{missing}'")


def test_too_few_days_for_the_prediction_length(tmp_path, output, capsys):
    source = write_csv(tmp_path / "speed.csv", example_rows())  # 14 days

    code = run_chicago(source, output, "--prediction-length", 14)

    assert_fails_in_process(code, capsys, output, str(source), "14 day(s) of data (2021-01-30 to 2021-02-12)", "15")


def test_a_blank_line_between_rows_is_an_error(tmp_path, output, capsys):
    source = write_csv(tmp_path / "speed.csv", example_rows())
    lines = source.read_bytes().split(b"\r\n")
    source.write_bytes(b"\r\n".join([*lines[:3], b"", *lines[3:]]))

    code = run_chicago(source, output)

    assert_fails_in_process(code, capsys, output, str(source), "row 4", "blank line")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"", "empty file"), (b"\xff\xfeA\x00", "not UTF-8"), (",".join(CHICAGO_HEADER).encode() + b"\n", "no data rows")],
)
def test_unreadable_files_exit_2(tmp_path, output, capsys, content, fragment):
    source = tmp_path / "speed.csv"
    source.write_bytes(content)

    assert_fails_in_process(run_chicago(source, output), capsys, output, str(source), fragment)


def test_a_missing_input_exits_2(tmp_path, output, capsys):
    assert_fails_in_process(run_chicago(tmp_path / "nope.csv", output), capsys, output, "nope.csv", "no such file")


def test_a_bad_row_in_the_second_file_of_a_folder_names_that_file(tmp_path, output, capsys):
    write_csv(tmp_path / "in" / "a.csv", example_rows())
    bad = write_csv(tmp_path / "in" / "b.csv", with_cell("VIOLATIONS", "x"))

    code = run_chicago(tmp_path / "in", output)

    assert_fails_in_process(code, capsys, output, str(bad), "row 4", "field 'VIOLATIONS'")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [(("--prediction-length", "0"), "must be a positive integer"), (("--prediction-length", "x"), "invalid int")],
)
def test_bad_arguments_exit_2_without_output(tmp_path, output, capsys, arguments, message):
    source = write_csv(tmp_path / "speed.csv", example_rows())
    with pytest.raises(SystemExit) as exit_info:
        run_chicago(source, output, *arguments)

    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "chicago: error:" in err and message in err
    assert files_under(output) == []


def test_the_real_row_shape_parses(tmp_path, output):
    rows = [list(REAL_ROW), [*REAL_ROW[:2], "07/09/2014", "12", *REAL_ROW[4:]]]

    assert run_chicago(write_csv(tmp_path / "speed.csv", rows), output, "--prediction-length", 1) == 0
    assert read_series_splits(output)[1] == [{"start": "2014-07-08 00:00:00", "target": [65, 12]}]


def test_runs_through_the_dispatcher(tmp_path):
    source = write_csv(tmp_path / "speed.csv", example_rows())
    result = run_processing("chicago", "--input", source, "--output-dir", tmp_path / "out", "--prediction-length", 4)
    assert result.returncode == 0, result.stderr
    assert len(read_series_splits(tmp_path / "out")[1]) == 3


# --- --baseline test:RMSE ---------------------------------------------------------------------------------------


def weekly_rows() -> list[list[str]]:
    """One address over 21 days: 5 violations every 7th day, else 1, and 2 on the last day."""
    first = date(2021, 3, 1)
    values = [5 if day % 7 == 0 else 1 for day in range(21)]
    values[20] = 2
    return [camera_row("W AVE", first + timedelta(days=day), value) for day, value in enumerate(values)]


@pytest.mark.parametrize(
    ("rows", "prediction", "value", "model", "records"),
    [
        # example_rows, last 4 of 14 days forecast. A AVE ..0,0 | 0,0,0,0; B ST ..0,0 | 0,0,0,4; C RD ..0,0 | 0,0,0,0.
        # Last value (0 each): squared errors 16 (B ST's 4) over 12 points. The week before (days 3..9: A AVE
        # 7,0,0,0, B ST 0,0,0,0, C RD 0,0,0,3) errs by 49 + 16 + 9: the last value wins.
        (example_rows(), 4, math.sqrt(16 / 12), "last value", 12),
        # weekly_rows, last 7 of 21 days: actual 5,1,1,1,1,1,2. The week before, 5,1,1,1,1,1,1, errs by 1 on the
        # last day; the last value, 1, errs by 16 and 1.
        (weekly_rows(), 7, math.sqrt(1 / 7), "seasonal naive (season 7)", 7),
        # Its first 14 days, the last 7 forecast: exactly one week of history, enough; it repeats exactly.
        (weekly_rows()[:14], 7, 0.0, "seasonal naive (season 7)", 7),
        # example_rows, last 8 days: 6 days of history, less than a week: the last value only, 0 for each address,
        # errs by 16 (B ST's 4) and 9 (C RD's 3 on day 6) over 24 points.
        (example_rows(), 8, math.sqrt(25 / 24), "last value", 24),
    ],
)
def test_baseline_is_the_better_of_last_value_and_last_week(tmp_path, output, capsys, rows, prediction, value,
                                                            model, records):  # fmt: skip
    source = write_csv(tmp_path / "speed.csv", rows)

    assert run_chicago(source, output, "--prediction-length", prediction, "--baseline", "test:RMSE") == 0

    assert files_under(output) == [
        output / "baseline" / "baseline.json",
        output / "test" / "test.json",
        output / "train" / "train.json",
    ]
    document = json.loads((output / "baseline" / "baseline.json").read_text())
    assert document == {
        "metric": "test:RMSE",
        "value": pytest.approx(value, rel=1e-12),
        "model": model,
        "split": "test",
        "records": records,
    }
    assert capsys.readouterr().out.endswith(
        f"chicago: baseline test:RMSE {value:.6g} ({model} on test, {records} forecast points)\n"
    )


def test_without_baseline_the_outputs_are_the_same_and_no_baseline_folder_appears(tmp_path):
    source = write_csv(tmp_path / "speed.csv", random_rows(200, seed=2))
    assert run_chicago(source, tmp_path / "plain") == 0
    assert run_chicago(source, tmp_path / "with", "--baseline", "test:RMSE") == 0

    assert not (tmp_path / "plain" / "baseline").exists()
    assert (tmp_path / "with" / "baseline" / "baseline.json").is_file()
    for split in SPLITS:
        path = f"{split}/{split}.json"
        assert (tmp_path / "plain" / path).read_bytes() == (tmp_path / "with" / path).read_bytes()


@pytest.mark.parametrize(
    ("metric", "reason"),
    [
        ("test:mean_wQuantileLoss", "no baseline for this metric"),
        ("validation:RMSE", "the validation split is not written (written: train, test)"),
        ("RMSE", "not of the form CHANNEL:NAME"),
    ],
)
def test_an_unsupported_baseline_metric_exits_2_without_output(tmp_path, output, capsys, metric, reason):
    source = write_csv(tmp_path / "speed.csv", example_rows())
    with pytest.raises(SystemExit) as exit_info:
        run_chicago(source, output, "--prediction-length", 4, "--baseline", metric)

    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"chicago: error: --baseline {metric}: {reason}; supported: test:RMSE\n" in err
    assert files_under(output) == []


def test_bad_input_with_baseline_leaves_no_baseline(tmp_path, output, capsys):
    source = write_csv(tmp_path / "speed.csv", with_cell("VIOLATIONS", "x"))

    code = run_chicago(source, output, "--prediction-length", 4, "--baseline", "test:RMSE")

    assert_fails_in_process(code, capsys, output, str(source), "row 4", "field 'VIOLATIONS'")
    assert not (output / "baseline").exists()


def test_baseline_runs_through_the_dispatcher(tmp_path):
    source = write_csv(tmp_path / "speed.csv", weekly_rows())
    result = run_processing("chicago", "--input", source, "--output-dir", tmp_path / "out", "--prediction-length", 7,
                            "--baseline", "test:RMSE")  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads((tmp_path / "out" / "baseline" / "baseline.json").read_text())
    assert (document["value"], document["model"]) == (pytest.approx(math.sqrt(1 / 7)), "seasonal naive (season 7)")
