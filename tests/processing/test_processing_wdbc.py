"""processing/wdbc.py: UCI breast cancer (wdbc.data) -> seeded train/validation/test for Linear Learner."""

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import wdbc
from processing_testlib import assert_fails_in_process, assert_input_error, files_under, run_processing
from recordio_reader import read_dense
from shared import tabular
from shared.errors import InputError

SPLITS = ("train", "validation", "test")
REAL_ROW = (
    "842302,M,17.99,10.38,122.8,1001,0.1184,0.2776,0.3001,0.1471,0.2419,0.07871,1.095,0.9053,8.589,153.4,"
    "0.006399,0.04904,0.05373,0.01587,0.03003,0.006193,25.38,17.33,184.6,2019,0.1622,0.6656,0.7119,0.2654,"
    "0.4601,0.1189"
)  # the first row of the real file


def wdbc_lines(count: int, seed: int = 0) -> list[str]:
    """Rows in the raw layout: unique ids, M and B, 30 values of the real data's magnitudes and precisions."""
    rng = np.random.default_rng(seed)
    ids = 8000 + 997 * rng.permutation(count) + rng.integers(0, 997, count)  # unique
    lines = []
    for index in range(count):
        values = [f"{rng.uniform(0, 10 ** (index % 4)):.{1 + (index + column) % 6}f}" for column in range(30)]
        lines.append(",".join([str(ids[index]), "MB"[index % 3 == 0], *values]))
    return lines


def write_wdbc(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def raw(line: str) -> tuple[float, np.ndarray]:
    """(label, float32 features) a raw line should become."""
    _, diagnosis, *values = line.split(",")
    return {"M": 1.0, "B": 0.0}[diagnosis], np.array([np.float32(value) for value in values], dtype=np.float32)


def run_wdbc(source: Path, output: Path, *extra) -> int:
    return wdbc.main(["--input", str(source), "--output-dir", str(output), *map(str, extra)])


def expected_splits(lines: list[str], seed: int, sizes) -> dict[str, list[str]]:
    order = np.random.default_rng(seed).permutation(len(lines)).tolist()
    splits, start = {}, 0
    for split, size in zip(SPLITS, sizes, strict=True):
        splits[split] = [lines[index] for index in order[start : start + size]]
        start += size
    return splits


def test_recordio_has_label_1_for_malignant_and_the_30_features(tmp_path, output, capsys):
    lines = wdbc_lines(40)
    source = write_wdbc(tmp_path / "wdbc.data", lines)

    assert run_wdbc(source, output, "--format", "recordio") == 0

    for split, expected in expected_splits(lines, 42, (32, 4, 4)).items():
        features, labels = read_dense((output / split / f"{split}.recordio").read_bytes())
        np.testing.assert_array_equal(labels, [raw(line)[0] for line in expected])
        assert features.tobytes() == np.array([raw(line)[1] for line in expected]).tobytes()
    assert capsys.readouterr().out == (
        "wdbc: read 40 rows from 1 file(s); wrote train 32, validation 4, test 4 (recordio)\n"
    )
    assert [path.name for path in files_under(output)] == ["test.recordio", "train.recordio", "validation.recordio"]


def test_csv_is_label_first_without_the_id(tmp_path, output):
    lines = [REAL_ROW, *wdbc_lines(19)]
    source = write_wdbc(tmp_path / "wdbc.csv", lines)

    assert run_wdbc(source, output, "--format", "csv", "--seed", "1") == 0

    for split, expected in expected_splits(lines, 1, (16, 2, 2)).items():
        text = (output / split / f"{split}.csv").read_text()
        assert text.endswith("\n")
        rows = [line.split(",") for line in text.splitlines()]
        assert [row[0] for row in rows] == ["1" if line.split(",")[1] == "M" else "0" for line in expected]
        written = np.array([[np.float32(cell) for cell in row[1:]] for row in rows], dtype=np.float32)
        assert written.tobytes() == np.array([raw(line)[1] for line in expected]).tobytes()
    csv_rows = [line for split in SPLITS for line in (output / split / f"{split}.csv").read_text().splitlines()]
    # The real row's numbers come back as written, '1001' for 1001 included: float32 shortest text.
    assert "1," + REAL_ROW.split(",", 2)[2] in csv_rows


def test_real_size_splits_80_10_10(tmp_path, output):
    source = write_wdbc(tmp_path / "wdbc.data", wdbc_lines(569))

    assert run_wdbc(source, output, "--format", "csv") == 0

    counts = [len((output / split / f"{split}.csv").read_text().splitlines()) for split in SPLITS]
    assert counts == [455, 56, 58]  # floor(569 * 0.8), floor(569 * 0.1), the rest


def test_fractions_and_folders(tmp_path, output):
    folder = tmp_path / "raw"
    write_wdbc(folder / "b.data", wdbc_lines(10, seed=2))
    write_wdbc(folder / "a.data", wdbc_lines(10, seed=1))

    arguments = ("--format", "recordio", "--train-fraction", "0.5", "--validation-fraction", "0.25", "--seed", "0")
    assert run_wdbc(folder, output, *arguments) == 0

    lines = wdbc_lines(10, seed=1) + wdbc_lines(10, seed=2)
    for split, expected in expected_splits(lines, 0, (10, 5, 5)).items():
        features, labels = read_dense((output / split / f"{split}.recordio").read_bytes())
        np.testing.assert_array_equal(labels, [raw(line)[0] for line in expected])
        assert features.tobytes() == np.array([raw(line)[1] for line in expected]).tobytes()


def test_same_seed_gives_identical_bytes_and_another_seed_another_order(tmp_path):
    source = write_wdbc(tmp_path / "wdbc.data", wdbc_lines(50))
    for fmt in ("recordio", "csv"):
        for name, seed in (("a", 7), ("b", 7), ("c", 8)):
            assert run_wdbc(source, tmp_path / fmt / name, "--format", fmt, "--seed", seed) == 0

        def contents(name, fmt=fmt):
            return [(tmp_path / fmt / name / split / f"{split}.{fmt}").read_bytes() for split in SPLITS]

        assert contents("a") == contents("b")
        assert contents("a") != contents("c")
    csv_lines = {
        name: sorted(b"".join((tmp_path / "csv" / name / s / f"{s}.csv").read_bytes() for s in SPLITS).splitlines())
        for name in "ac"
    }
    assert csv_lines["a"] == csv_lines["c"]  # the same rows, in another order


def test_the_job_entry_point_runs_it(tmp_path, output):
    source = write_wdbc(tmp_path / "wdbc.data", wdbc_lines(30))

    result = run_processing("wdbc", "--input", source, "--output-dir", output, "--format", "recordio")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "wdbc: read 30 rows from 1 file(s); wrote train 24, validation 3, test 3 (recordio)\n"


# --- bad input ----------------------------------------------------------------------------------------------


def fails(capsys, source, output, *fragments, args=("--format", "csv")) -> str:
    return assert_fails_in_process(run_wdbc(source, output, *args), capsys, output, *fragments)


def with_cell(index: int, value: str, line: str = REAL_ROW) -> str:
    cells = line.split(",")
    cells[index] = value
    return ",".join(cells)


@pytest.mark.parametrize(
    ("bad_line", "fragment"),
    [
        (REAL_ROW + ",1", "row 3: expected 32 fields, got 33"),
        (REAL_ROW.rsplit(",", 1)[0], "row 3: expected 32 fields, got 31"),
        ("", "row 3: expected 32 fields, got 1"),
        (with_cell(1, "X"), "row 3: field 'diagnosis': unknown diagnosis 'X' (expected M or B)"),
        (with_cell(1, "m"), "row 3: field 'diagnosis': unknown diagnosis 'm'"),
        (with_cell(0, "abc"), "row 3: field 'id': not a number: 'abc'"),
        (with_cell(0, "-5"), "row 3: field 'id': not a non-negative integer: '-5'"),
        (with_cell(2, "abc"), "row 3: field 'radius_mean': not a number: 'abc'"),
        (with_cell(11, "nan"), "row 3: field 'fractal_dimension_mean': not a number: 'nan'"),
        (with_cell(13, ""), "row 3: field 'texture_se': not a number: ''"),
        (with_cell(22, "1e39"), "row 3: field 'radius_worst': out of float32 range: '1e39'"),
        (with_cell(31, "?"), "row 3: field 'fractal_dimension_worst': not a number: '?'"),
    ],
)
def test_bad_rows_fail_naming_file_row_and_field(tmp_path, output, capsys, bad_line, fragment):
    lines = wdbc_lines(22)
    source = write_wdbc(tmp_path / "wdbc.data", lines[:2] + [bad_line] + lines[2:])

    fails(capsys, source, output, f"error: {source}: {fragment}")


def test_feature_names_are_mean_se_worst_of_the_ten_measurements():
    assert len(wdbc.FEATURES) == 30
    assert wdbc.FEATURES[:3] == ("radius_mean", "texture_mean", "perimeter_mean")
    assert wdbc.FEATURES[7:12] == (
        "concave_points_mean",
        "symmetry_mean",
        "fractal_dimension_mean",
        "radius_se",
        "texture_se",
    )
    assert wdbc.FEATURES[-1] == "fractal_dimension_worst"


def test_duplicate_ids_name_both_rows(tmp_path, output, capsys):
    lines = wdbc_lines(20)
    lines[12] = with_cell(0, lines[4].split(",")[0], lines[12])
    source = write_wdbc(tmp_path / "wdbc.data", lines)

    duplicate = lines[4].split(",")[0]
    fails(capsys, source, output, f"error: {source}: row 13: field 'id': duplicate id {duplicate}, also in row 5")


def test_duplicate_ids_across_files_name_both_files(tmp_path, output, capsys):
    folder = tmp_path / "raw"
    first = write_wdbc(folder / "a.data", wdbc_lines(10))
    write_wdbc(folder / "b.data", wdbc_lines(5, seed=1) + [wdbc_lines(10)[2]])

    fails(capsys, folder, output, f"{folder / 'b.data'}: row 6: field 'id': duplicate id", f"also in {first} row 3")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "no data rows"),
        ("\n".join(wdbc_lines(9)) + "\n", "input too small: 9 rows give train 7, validation 0, test 2"),
    ],
)
def test_empty_or_too_small_input_fails(tmp_path, output, capsys, content, message):
    source = tmp_path / "wdbc.data"
    source.write_text(content)

    fails(capsys, source, output, f"error: {source}: {message}")


def test_bad_input_in_a_subprocess_gives_one_error_line_and_exit_2(tmp_path, output):
    source = write_wdbc(tmp_path / "wdbc.data", [*wdbc_lines(20), with_cell(1, "Q")])

    result = run_processing("wdbc", "--input", source, "--output-dir", output, "--format", "recordio")

    assert_input_error(result, f"error: {source}: row 21: field 'diagnosis': unknown diagnosis 'Q' (expected M or B)")
    assert files_under(output) == []


@pytest.mark.parametrize(
    "arguments",
    [
        ("--format", "libsvm"),
        ("--format", "csv", "--train-fraction", "0"),
        ("--format", "csv", "--validation-fraction", "1"),
        ("--format", "csv", "--train-fraction", "0.9", "--validation-fraction", "0.1"),
        ("--format", "csv", "--seed", "-1"),
        (),
    ],
)
def test_bad_arguments_exit_2_without_output(tmp_path, output, capsys, arguments):
    source = write_wdbc(tmp_path / "wdbc.data", wdbc_lines(20))

    with pytest.raises(SystemExit) as exit_info:
        run_wdbc(source, output, *arguments)

    assert exit_info.value.code == 2
    assert "wdbc: error:" in capsys.readouterr().err
    assert files_under(output) == []


# --- shared.tabular splitting (abalone uses it too) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "train", "validation", "sizes"),
    [(569, "0.8", "0.1", (455, 56, 58)), (100, "0.29", "0.29", (29, 29, 42)), (3, "1/3", "1/3", (1, 1, 1))],
)
def test_split_sizes_use_exact_fractions(total, train, validation, sizes):
    assert tabular.split_sizes(total, Fraction(train), Fraction(validation), source="x") == sizes


def test_abalone_uses_the_shared_split_helpers():
    import abalone

    assert abalone.split_sizes is tabular.split_sizes
    assert abalone.fraction is tabular.fraction


def test_shuffled_splits_cut_one_seeded_permutation_in_order():
    splits = tabular.shuffled_splits(10, {"train": 6, "validation": 3, "test": 1}, seed=4)
    order = np.random.default_rng(4).permutation(10)
    assert list(splits) == ["train", "validation", "test"]
    np.testing.assert_array_equal(np.concatenate(list(splits.values())), order)
    assert [len(indices) for indices in splits.values()] == [6, 3, 1]


def test_split_sizes_need_a_row_per_split():
    with pytest.raises(InputError, match="input too small: 5 rows give train 4, validation 0, test 1"):
        tabular.split_sizes(5, Fraction("0.8"), Fraction("0.1"), source="x")


# --- --baseline ---------------------------------------------------------------------------------------------


def expected_baseline(metric: str, lines: list[str]) -> dict:
    """The baseline of a split's raw lines, by hand: m malignant (label 1) rows among n."""
    n = len(lines)
    m = sum(line.split(",")[1] == "M" for line in lines)
    if metric.endswith(":binary_f_beta"):  # always 1: precision m / n, recall 1
        precision = m / n
        value, model = 2 * precision / (precision + 1), "always 1"
    else:  # the majority label; on a tie, the smaller one, 0
        value, model = max(m, n - m) / n, "always 1" if m > n - m else "always 0"
    return {"metric": metric, "value": pytest.approx(value, rel=1e-12), "model": model,
            "split": metric.split(":")[0], "records": n}  # fmt: skip


@pytest.mark.parametrize(
    "metric",
    [
        "validation:binary_classification_accuracy",
        "test:binary_classification_accuracy",
        "validation:binary_f_beta",
        "test:binary_f_beta",
    ],
)
def test_baseline_is_the_best_constant_model_on_the_metrics_split(tmp_path, metric):
    lines = wdbc_lines(50)
    source = write_wdbc(tmp_path / "wdbc.data", lines)
    arguments = ("--format", "csv", "--train-fraction", "0.6", "--validation-fraction", "0.2")

    assert run_wdbc(source, tmp_path / "plain", *arguments) == 0
    assert run_wdbc(source, tmp_path / "with", *arguments, "--baseline", metric) == 0

    split_lines = expected_splits(lines, 42, (30, 10, 10))[metric.split(":")[0]]
    malignant = sum(line.split(",")[1] == "M" for line in split_lines)
    assert 0 < malignant < 10  # both labels in the split (in test, 5 of each: a tie, always 0)
    baseline = json.loads((tmp_path / "with" / "baseline" / "baseline.json").read_text())
    assert baseline == expected_baseline(metric, split_lines)
    assert not (tmp_path / "plain" / "baseline").exists()
    for split in SPLITS:  # the splits do not change with --baseline
        path = Path(split) / f"{split}.csv"
        assert (tmp_path / "with" / path).read_bytes() == (tmp_path / "plain" / path).read_bytes()
    assert len(files_under(tmp_path / "with")) == 4


def test_baseline_of_a_hand_made_validation_split(tmp_path, output, capsys):
    # 20 rows, fractions 0.5 and 0.25: 5 validation rows, which of them the seed decides; make all rows but the
    # validation ones benign, and 3 of the 5 malignant: accuracy of always 1 = 3/5
    lines = [with_cell(1, "B", line) for line in wdbc_lines(20)]
    validation = expected_splits(list(range(20)), 0, (10, 5, 5))["validation"]
    for index in validation[:3]:
        lines[index] = with_cell(1, "M", lines[index])
    source = write_wdbc(tmp_path / "wdbc.data", lines)
    arguments = ("--format", "recordio", "--train-fraction", "0.5", "--validation-fraction", "0.25", "--seed", "0")

    assert run_wdbc(source, output, *arguments, "--baseline", "validation:binary_classification_accuracy") == 0

    assert json.loads((output / "baseline" / "baseline.json").read_text()) == {
        "metric": "validation:binary_classification_accuracy",
        "value": 0.6,
        "model": "always 1",
        "split": "validation",
        "records": 5,
    }
    assert capsys.readouterr().out.splitlines()[-1] == (
        "wdbc: baseline validation:binary_classification_accuracy 0.6 (always 1 on validation, 5 rows)"
    )


@pytest.mark.parametrize(
    ("metric", "reason"),
    [
        ("train:binary_classification_accuracy", "no baseline for this metric"),
        ("validation:accuracy", "no baseline for this metric"),
        ("validation:objective_loss", "no baseline for this metric"),
        ("holdout:binary_f_beta", "the holdout split is not written (written: train, validation, test)"),
        ("binary_f_beta", "not of the form CHANNEL:NAME"),
    ],
)
def test_an_unsupported_baseline_exits_2_without_output(tmp_path, output, capsys, metric, reason):
    source = write_wdbc(tmp_path / "wdbc.data", wdbc_lines(20))

    with pytest.raises(SystemExit) as exit_info:
        run_wdbc(source, output, "--format", "csv", "--baseline", metric)

    assert exit_info.value.code == 2
    supported = (
        "validation:binary_classification_accuracy, validation:binary_f_beta, test:binary_classification_accuracy, "
        "test:binary_f_beta"
    )
    assert f"wdbc: error: --baseline {metric}: {reason}; supported: {supported}\n" in capsys.readouterr().err
    assert files_under(output) == []


def test_bad_input_leaves_no_baseline(tmp_path, output):
    source = write_wdbc(tmp_path / "wdbc.data", [*wdbc_lines(20), with_cell(1, "Q")])

    result = run_processing(
        "wdbc", "--input", source, "--output-dir", output, "--format", "csv", "--baseline", "validation:binary_f_beta"
    )

    assert_input_error(result, f"error: {source}: row 21: field 'diagnosis': unknown diagnosis 'Q'")
    assert files_under(output) == []
    assert not (output / "baseline").exists()
