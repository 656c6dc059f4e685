"""Unit tests of processing/shared, imported as the zip does: top-level `shared`."""

import argparse
import json
import subprocess
import sys
from fractions import Fraction

import abalone
import numpy as np
import pytest
from processing_testlib import PROCESSING
from shared import baselines, tabular
from shared.baselines import Baseline
from shared.cli import run
from shared.errors import InputError
from shared.inputs import list_input_files, read_csv_rows
from shared.numbers import parse_count, parse_decimal, parse_float32, parse_non_negative
from shared.outputs import staged_outputs, write_json

ENV = {"PYTHONPATH": str(PROCESSING), "PYTHONDONTWRITEBYTECODE": "1"}


def test_input_error_formats_what_is_known():
    assert str(InputError("bad", file="/x/a.csv", row=7, field="sex")) == "/x/a.csv: row 7: field 'sex': bad"
    assert str(InputError("bad", file="/x/a.csv", row=7)) == "/x/a.csv: row 7: bad"
    assert str(InputError("bad", file="/x/a.csv")) == "/x/a.csv: bad"
    assert str(InputError("bad")) == "bad"


def test_run_reports_input_errors_on_one_line_with_exit_2(capsys):
    def failing(argv):
        raise InputError("two\nlines", file=argv[0], row=3)

    assert run(failing, ["/x/a.csv"]) == 2
    assert capsys.readouterr().err == "error: /x/a.csv: row 3: two lines\n"


def test_run_reports_missing_files_with_exit_2(capsys):
    def failing(argv):
        open(argv[0])  # noqa: SIM115

    assert run(failing, ["/no/such/file"]) == 2
    assert capsys.readouterr().err == "error: /no/such/file: No such file or directory\n"


def test_run_passes_exit_code_and_lets_bugs_through():
    assert run(lambda argv: 0, []) == 0

    def buggy(argv):
        raise KeyError("bug")

    with pytest.raises(KeyError):
        run(buggy, [])


def test_unexpected_errors_give_a_traceback_and_exit_1(tmp_path):
    script = "import sys; from shared.cli import run; sys.exit(run(lambda argv: 1 / 0, []))"
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=ENV,
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "ZeroDivisionError" in result.stderr


@pytest.mark.parametrize(("text", "value"), [("0.455", 0.455), ("15", 15.0), ("-1.5e-3", -0.0015), (".5", 0.5)])
def test_parse_decimal_accepts_decimals(text, value):
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["", "abc", "nan", "inf", "1_000", "0x10", "1e999", "1.2.3", "- 1"])
def test_parse_decimal_rejects_the_rest(text):
    with pytest.raises(ValueError, match=r"not a number|out of range"):
        parse_decimal(text)


@pytest.mark.parametrize("text", ["3.4028234e38", "-3.4e38", "0", "1e-50"])
def test_parse_float32_accepts_the_float32_range(text):
    assert parse_float32(text) == float(text)


@pytest.mark.parametrize("text", ["1e39", "-1e39", "3.41e38", "1e300"])
def test_parse_float32_refuses_numbers_float32_turns_into_infinity(text):
    with pytest.raises(ValueError, match=rf"number beyond the float32 range .*: '{text}'"):
        parse_float32(text)


def test_parse_non_negative():
    assert parse_non_negative("0") == 0
    assert parse_non_negative("12.5") == 12.5
    with pytest.raises(ValueError, match="negative value '-1'"):
        parse_non_negative("-1")
    with pytest.raises(ValueError, match="float32 range"):
        parse_non_negative("1e39")


def test_parse_count():
    assert parse_count("0") == 0
    assert parse_count("29") == 29
    with pytest.raises(ValueError, match="not a non-negative integer"):
        parse_count("-1")
    with pytest.raises(ValueError, match="not a non-negative integer"):
        parse_count("15.0")
    with pytest.raises(ValueError, match="not a number"):
        parse_count("x")


def test_list_input_files(tmp_path):
    for name in ("b.csv", "a.csv", ".hidden"):
        (tmp_path / name).write_text("1\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.csv").write_text("1\n")

    assert list_input_files(str(tmp_path)) == [str(tmp_path / "a.csv"), str(tmp_path / "b.csv")]
    assert list_input_files(str(tmp_path / "b.csv")) == [str(tmp_path / "b.csv")]
    (tmp_path / "sub" / ".hidden").write_text("1\n")
    (tmp_path / "sub" / "deeper").mkdir()
    with pytest.raises(InputError, match="folder has no input files"):
        list_input_files(str(tmp_path / "sub" / "deeper"))
    assert list_input_files(str(tmp_path / "sub")) == [str(tmp_path / "sub" / "c.csv")]
    with pytest.raises(InputError, match="no such file or folder"):
        list_input_files(str(tmp_path / "missing"))


def test_read_csv_rows_numbers_lines_and_drops_trailing_blank_ones(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbfa, b\r\n\r\nc\x0cd,e\n\n  \n")

    assert read_csv_rows(str(path)) == [(1, ["a", "b"]), (2, [""]), (3, ["c\x0cd", "e"])]


def test_read_csv_rows_rejects_empty_and_binary_files(tmp_path):
    (tmp_path / "empty.csv").write_text(" \n\n")
    (tmp_path / "binary.csv").write_bytes(b"1,2\n\xff\xfe\n")
    with pytest.raises(InputError, match="no data rows"):
        read_csv_rows(str(tmp_path / "empty.csv"))
    with pytest.raises(InputError, match="not UTF-8 text"):
        read_csv_rows(str(tmp_path / "binary.csv"))


def test_staged_outputs_move_files_into_existing_and_new_folders(tmp_path):
    (tmp_path / "out" / "a").mkdir(parents=True)
    outputs = {"a": str(tmp_path / "out" / "a"), "b": str(tmp_path / "out" / "b")}

    with staged_outputs(outputs) as staging:
        assert set(staging) == {"a", "b"}
        for name, folder in staging.items():
            assert not folder.startswith(outputs[name])  # staged outside the real output folder
            with open(f"{folder}/{name}.txt", "w") as file:
                file.write(name)
        assert not (tmp_path / "out" / "b").exists()  # nothing published before the block ends

    assert sorted(path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*")) == [
        "out", "out/a", "out/a/a.txt", "out/b", "out/b/b.txt",
    ]  # fmt: skip
    assert (tmp_path / "out" / "b" / "b.txt").read_text() == "b"


def test_staged_outputs_leave_nothing_on_failure(tmp_path):
    (tmp_path / "existing").mkdir()
    outputs = {"a": str(tmp_path / "existing"), "b": str(tmp_path / "new" / "deeper" / "b")}

    with pytest.raises(RuntimeError), staged_outputs(outputs) as staging:
        for folder in staging.values():
            with open(f"{folder}/part.csv", "w") as file:
                file.write("partial")
        raise RuntimeError("failed half-way")

    assert [path.name for path in tmp_path.rglob("*")] == ["existing"]


@pytest.mark.parametrize(
    ("total", "train", "validation", "sizes"),
    [(4177, "0.7", "0.15", (2923, 626, 628)), (100, "0.29", "0.29", (29, 29, 42)), (3, "1/3", "1/3", (1, 1, 1))],
)
def test_split_sizes_use_exact_fractions(total, train, validation, sizes):
    assert abalone.split_sizes(total, Fraction(train), Fraction(validation), source="x") == sizes


def test_split_sizes_need_a_row_per_split():
    with pytest.raises(InputError, match="input too small: 5 rows give train 3, validation 0, test 2"):
        abalone.split_sizes(5, Fraction("0.7"), Fraction("0.15"), source="x")


def test_write_json_ends_in_a_newline_and_refuses_nan(tmp_path):
    write_json(tmp_path / "a.json", {"b": 1, "a": [1.5]})
    assert (tmp_path / "a.json").read_bytes() == b'{\n  "b": 1,\n  "a": [\n    1.5\n  ]\n}\n'
    write_json(tmp_path / "c.json", {"x": "\u00e9"}, indent=None)
    assert (tmp_path / "c.json").read_bytes() == b'{"x": "\\u00e9"}\n'
    with pytest.raises(ValueError, match="not JSON compliant"):
        write_json(tmp_path / "d.json", {"x": float("nan")})


# --- shared.tabular: baselines beside the splits --------------------------------------------------------------


def write_indices(folder, split, rows):
    with open(f"{folder}/{split}.txt", "w") as file:
        file.write(" ".join(map(str, rows.tolist())))


SIZES = {"train": 6, "validation": 2, "test": 2}


def test_write_shuffled_splits_writes_the_baseline_of_the_rows_of_its_split(tmp_path):
    seen = []

    def baseline(indices):
        seen.append({split: rows.tolist() for split, rows in indices.items()})
        return Baseline("test:thing", 0.25, "always 1", "test", len(indices["test"]))

    written = tabular.write_shuffled_splits(str(tmp_path / "out"), SIZES, 3, write_indices, baseline)

    order = np.random.default_rng(3).permutation(10).tolist()
    assert seen == [{"train": order[:6], "validation": order[6:8], "test": order[8:]}]
    assert written == Baseline("test:thing", 0.25, "always 1", "test", 2)
    assert json.loads((tmp_path / "out" / "baseline" / "baseline.json").read_text()) == {
        "metric": "test:thing", "value": 0.25, "model": "always 1", "split": "test", "records": 2,
    }  # fmt: skip
    assert (tmp_path / "out" / "test" / "test.txt").read_text() == " ".join(map(str, order[8:]))


def test_split_label_baseline_takes_the_labels_of_the_rows_of_its_split():
    order = np.random.default_rng(3).permutation(10)
    labels = np.zeros(10)
    labels[order[8]] = 1  # the test split (the last 2 of the order) holds one 1 and one 0; the rest are all 0
    callback = tabular.split_label_baseline("test:binary_f_beta", labels)

    # always 1 on the test split: precision 1/2, recall 1, F1 2/3
    expected = Baseline("test:binary_f_beta", pytest.approx(2 / 3), "always 1", "test", 2)
    assert callback(tabular.shuffled_splits(10, SIZES, 3)) == expected
    assert tabular.split_label_baseline(None, labels) is None


def test_without_a_baseline_nothing_changes(tmp_path):
    for name, extra in (("plain", ()), ("none", (None,))):
        assert tabular.write_shuffled_splits(str(tmp_path / name), SIZES, 3, write_indices, *extra) is None
    for name in ("plain", "none"):
        assert sorted(path.name for path in (tmp_path / name).iterdir()) == ["test", "train", "validation"]
    for split in SIZES:
        assert (tmp_path / "plain" / split / f"{split}.txt").read_bytes() == (
            tmp_path / "none" / split / f"{split}.txt"
        ).read_bytes()


def test_a_failing_baseline_leaves_no_split_either(tmp_path):
    def baseline(indices):
        raise InputError("no labels to count")

    with pytest.raises(InputError):
        tabular.write_shuffled_splits(str(tmp_path / "out"), SIZES, 3, write_indices, baseline)

    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("metric", "labels", "value", "model"),
    [
        ("validation:binary_classification_accuracy", [0, 0, 1, 0], 0.75, "always 0"),
        ("test:accuracy", [2, 5, 5, 2, 5], 0.6, "always 5"),
        ("validation:binary_f_beta", [0, 0, 1, 0], 0.4, "always 1"),  # precision 1/4, recall 1
        ("validation:merror", [2, 5, 5, 2, 5], 0.4, "always 5"),
        ("validation:mean_squared_error", [1.0, 2.0, 3.0, 6.0], 3.5, "always the mean, 3"),
        ("test:mse", [2.0, 4.0], 1.0, "always the mean, 3"),
    ],
)
def test_label_baseline_gives_the_trivial_model_of_each_metric(metric, labels, value, model):
    baseline = baselines.of_labels(metric, np.array(labels))
    assert baseline == Baseline(metric, pytest.approx(value), model, metric.split(":")[0], len(labels))


def test_check_baseline_metric_says_why_and_what_is_supported(capsys):
    parser = argparse.ArgumentParser(prog="demo")
    supported = ("test:accuracy",)
    baselines.check_metric(parser, None, supported, ("train", "test"))
    baselines.check_metric(parser, "test:accuracy", supported, ("train", "test"))
    for metric, reason in (
        ("validation:accuracy", "the validation split is not written (written: train, test)"),
        ("test:f1", "no baseline for this metric"),
        ("accuracy", "not of the form CHANNEL:NAME"),
    ):
        with pytest.raises(SystemExit) as exit_info:
            baselines.check_metric(parser, metric, supported, ("train", "test"))
        assert exit_info.value.code == 2
        error = capsys.readouterr().err
        assert f"demo: error: --baseline {metric}: {reason}; supported: test:accuracy\n" in error, error
