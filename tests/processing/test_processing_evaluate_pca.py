"""processing/evaluate_pca.py on small generated data with known principal components.

Most tests call main() directly; one runs the script in a subprocess the way the job's entry point does.
"""

import json
from pathlib import Path

import evaluate_pca
import numpy as np
import pytest
from processing_testlib import assert_fails_in_process, assert_input_error, files_under, run_processing

ROWS = 300
FEATURES = 12
SCALES = (6.0, 3.0, 1.5)  # standard deviations of the strong directions; noise is small next to them
NOISE = 0.2


@pytest.fixture(scope="module")
def data() -> np.ndarray:
    """Rows with a known covariance: three strong random directions plus small isotropic noise, off-centre."""
    rng = np.random.default_rng(21)
    directions, _ = np.linalg.qr(rng.normal(size=(FEATURES, len(SCALES))))
    scores = rng.normal(size=(ROWS, len(SCALES))) * np.array(SCALES)
    return 10.0 + scores @ directions.T + rng.normal(0, NOISE, size=(ROWS, FEATURES))


def principal_components(data: np.ndarray, count: int) -> np.ndarray:
    """The top `count` components (rows, orthonormal), from the SVD of the centred data."""
    _, _, vt = np.linalg.svd(data - data.mean(axis=0), full_matrices=False)
    return vt[:count]


def expected_ratio(data: np.ndarray, count: int) -> float:
    """Sum of the top `count` eigenvalues of the population covariance over its trace."""
    eigenvalues = np.sort(np.linalg.eigvalsh(np.cov(data, rowvar=False, bias=True)))[::-1]
    return float(eigenvalues[:count].sum() / eigenvalues.sum())


def random_directions_ratio(data: np.ndarray, count: int) -> float:
    """The variance share of `count` seeded random orthonormal directions, through the covariance's trace."""
    directions, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((data.shape[1], count)))
    covariance = np.cov(data, rowvar=False, bias=True)
    return float(np.trace(directions.T @ covariance @ directions) / np.trace(covariance))


def project(data: np.ndarray, components: np.ndarray, subtract_mean: bool = True) -> np.ndarray:
    """What the transform returns: (x - mean) @ components.T, or x @ components.T without mean subtraction."""
    return ((data - data.mean(axis=0)) if subtract_mean else data) @ components.T


def write_test_csv(path: Path, data: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(",".join(map(repr, row)) + "\n" for row in data.tolist()))
    return path


def write_projections(path: Path, projections: np.ndarray, per_line: int | None = None) -> Path:
    """JSON Lines as with Accept application/jsonlines, or per_line rows per line in the application/json layout."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = projections.tolist()
    if per_line is None:
        lines = [json.dumps({"projection": row}) for row in rows]
    else:
        batches = [rows[start : start + per_line] for start in range(0, len(rows), per_line)]
        lines = [json.dumps({"projections": [{"projection": row} for row in batch]}) for batch in batches]
    path.write_text("".join(line + "\n" for line in lines))
    return path


@pytest.fixture
def job(tmp_path, data):
    """A job's folders: one test file, its projections on the top 3 components, an existing empty output folder."""
    write_test_csv(tmp_path / "test" / "test.csv", data)
    write_projections(tmp_path / "projections" / "test.csv.out", project(data, principal_components(data, 3)))
    (tmp_path / "output").mkdir()
    return tmp_path


def evaluate(job: Path) -> int:
    return evaluate_pca.main(
        [
            "--test-dir",
            str(job / "test"),
            "--projections-dir",
            str(job / "projections"),
            "--output-dir",
            str(job / "output"),
        ]
    )


def read_report(job: Path) -> dict:
    assert files_under(job / "output") == [job / "output" / "evaluation.json"]
    return json.loads((job / "output" / "evaluation.json").read_text())


def ratio_of(job: Path) -> float:
    return read_report(job)["pca_metrics"]["explained_variance_ratio"]["value"]


def assert_fails(job: Path, capsys, *fragments: str) -> str:
    """Exit code 2, one `error:` line naming every fragment, and nothing in the output folder."""
    return assert_fails_in_process(evaluate(job), capsys, job / "output", *fragments)


# --- the metric ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 3, 5])
@pytest.mark.parametrize("subtract_mean", [True, False])
def test_ratio_is_the_share_of_the_top_eigenvalues(job, data, capsys, count, subtract_mean):
    projections = project(data, principal_components(data, count), subtract_mean)
    write_projections(job / "projections" / "test.csv.out", projections)

    assert evaluate(job) == 0

    report = read_report(job)
    baseline = random_directions_ratio(data, count)
    assert report == {
        "pca_metrics": {
            "explained_variance_ratio": {"value": pytest.approx(expected_ratio(data, count), rel=1e-9)},
            "num_components": {"value": count},
            "test_rows": {"value": ROWS},
        },
        "baseline": {
            "metric": "explained_variance_ratio",
            "value": pytest.approx(baseline, rel=1e-9),
            "model": f"{count} random orthonormal directions (seed 0)",
            "split": "test",
            "records": ROWS,
        },
    }
    assert type(report["pca_metrics"]["explained_variance_ratio"]["value"]) is float
    assert type(report["pca_metrics"]["num_components"]["value"]) is int
    assert type(report["baseline"]["value"]) is float
    assert capsys.readouterr().out == (
        f"evaluate_pca: {ROWS} test rows, {FEATURES} features, {count} components; "
        f"explained_variance_ratio {expected_ratio(data, count):.6g}; "
        f"baseline {baseline:.6g}: {count} random orthonormal directions (seed 0)\n"
    )


def test_the_strong_directions_explain_almost_everything(job, data):
    assert evaluate(job) == 0
    assert 0.99 < ratio_of(job) < 1.0


def test_all_components_explain_everything(job, data):
    write_projections(job / "projections" / "test.csv.out", project(data, principal_components(data, FEATURES)))

    assert evaluate(job) == 0
    assert ratio_of(job) == pytest.approx(1.0, abs=1e-12)
    assert ratio_of(job) <= 1.0


def test_other_orthonormal_directions_explain_less(job, data):
    count = 3
    directions, _ = np.linalg.qr(np.random.default_rng(5).normal(size=(FEATURES, count)))
    write_projections(job / "projections" / "test.csv.out", project(data, directions.T))

    assert evaluate(job) == 0

    covariance = np.cov(data, rowvar=False, bias=True)
    independent = np.trace(directions.T @ covariance @ directions) / np.trace(covariance)
    assert ratio_of(job) == pytest.approx(independent, rel=1e-9)
    assert ratio_of(job) < expected_ratio(data, count) - 0.05


def test_rounding_just_above_one_is_clipped(job, data):
    projections = project(data, principal_components(data, FEATURES)) * (1 + 2e-5)  # variance ratio ~1.00004
    write_projections(job / "projections" / "test.csv.out", projections)

    assert evaluate(job) == 0
    assert ratio_of(job) == 1.0


def test_float32_projections_printed_like_the_algorithm(job, data):
    projections = project(data, principal_components(data, FEATURES)).astype(np.float32)
    lines = "".join('{"projection": [' + ", ".join(f"{value:.7g}" for value in row) + "]}\n" for row in projections)
    (job / "projections" / "test.csv.out").write_text(lines)

    assert evaluate(job) == 0
    assert ratio_of(job) == pytest.approx(1.0, abs=1e-5)


def test_more_variance_than_the_data_fails(job, data, capsys):
    projections = project(data, principal_components(data, FEATURES)) * 1.01
    write_projections(job / "projections" / "test.csv.out", projections)

    line = assert_fails(job, capsys, f"the projections in {job / 'projections'} have 1.0201 times the variance")
    assert f"test rows in {job / 'test'}" in line


# --- layouts and files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("per_line", [1, 7, ROWS])
def test_json_response_layout_is_flattened(job, data, per_line):
    write_projections(job / "projections" / "test.csv.out", project(data, principal_components(data, 3)), per_line)

    assert evaluate(job) == 0
    assert ratio_of(job) == pytest.approx(expected_ratio(data, 3), rel=1e-9)
    assert read_report(job)["pca_metrics"]["test_rows"] == {"value": ROWS}


def test_layouts_may_be_mixed_and_blank_lines_are_skipped(job, data):
    projections = project(data, principal_components(data, 2)).tolist()
    lines = [json.dumps({"projections": [{"projection": row} for row in projections[:10]]}), ""]
    lines += [json.dumps({"projection": row}) for row in projections[10:]]
    (job / "projections" / "test.csv.out").write_text("\n".join(lines) + "\n\n\n")

    assert evaluate(job) == 0
    assert ratio_of(job) == pytest.approx(expected_ratio(data, 2), rel=1e-9)


def test_multiple_files_are_matched_in_order(job, data):
    components = principal_components(data, 3)
    for folder in ("test", "projections"):
        for path in (job / folder).iterdir():
            path.unlink()
    bounds = {"part-a.csv": (0, 100), "part-b.csv": (100, 250), "part-c.csv": (250, ROWS)}
    for name, (start, stop) in bounds.items():
        write_test_csv(job / "test" / name, data[start:stop])
        write_projections(job / "projections" / f"{name}.out", project(data, components)[start:stop])
    (job / "test" / ".manifest").write_text("not,numbers\n")
    (job / "projections" / ".manifest").write_text("not json\n")

    assert evaluate(job) == 0
    assert ratio_of(job) == pytest.approx(expected_ratio(data, 3), rel=1e-9)
    assert read_report(job)["pca_metrics"]["test_rows"] == {"value": ROWS}


def test_projection_files_named_otherwise_are_matched_by_total_rows(job, data):
    (job / "projections" / "test.csv.out").unlink()
    projections = project(data, principal_components(data, 3))
    write_projections(job / "projections" / "batch-1.jsonl", projections[:120])
    write_projections(job / "projections" / "batch-2.jsonl", projections[120:])

    assert evaluate(job) == 0
    assert ratio_of(job) == pytest.approx(expected_ratio(data, 3), rel=1e-9)


def test_output_folder_is_created(job):
    (job / "output").rmdir()
    assert evaluate(job) == 0
    assert read_report(job)["pca_metrics"]["num_components"] == {"value": 3}


def test_runs_as_a_processing_job_entry_point(job, data):
    """End to end in a fresh interpreter, through the dispatcher as the job runs it."""
    args = ["--test-dir", job / "test", "--projections-dir", job / "projections", "--output-dir", job / "output"]

    def run(*extra):
        return run_processing("evaluate_pca", *args, *extra)

    result = run()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"evaluate_pca: {ROWS} test rows, {FEATURES} features, 3 components;")
    assert ratio_of(job) == pytest.approx(expected_ratio(data, 3), rel=1e-9)

    (job / "output" / "evaluation.json").unlink()
    (job / "projections" / "test.csv.out").write_text('{"projection": [1.0, 2.0]}\nnot json\n')
    assert_input_error(run(), f"{job / 'projections' / 'test.csv.out'}: row 2: not JSON")
    assert files_under(job / "output") == []


# --- bad projections ----------------------------------------------------------------------------------------------


def replace_line(path: Path, number: int, text: str) -> Path:
    lines = path.read_text().splitlines()
    lines[number - 1] = text
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("text", ["{oops", '{"projection": [1.0, 2.0]', "1.0,2.0,3.0"])
def test_line_that_is_not_json_fails(job, capsys, text):
    path = replace_line(job / "projections" / "test.csv.out", 3, text)
    assert_fails(job, capsys, f"{path}: row 3: not JSON")


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"scores": [1.0, 2.0, 3.0]}', "expected an object with 'projection' (or 'projections'), got an object"),
        ("[1.0, 2.0, 3.0]", "expected an object with 'projection' (or 'projections'), got a list"),
        ("null", "expected an object with 'projection' (or 'projections'), got null"),
        ('{"projection": "1.0,2.0,3.0"}', "field 'projection': expected a list of numbers, got a string"),
        ('{"projection": {"values": [1.0]}}', "field 'projection': expected a list of numbers, got an object"),
        ('{"projection": []}', "field 'projection': empty projection"),
    ],
)
def test_line_without_a_projection_fails(job, capsys, text, message):
    path = replace_line(job / "projections" / "test.csv.out", 4, text)
    assert_fails(job, capsys, f"{path}: row 4: {message}")


@pytest.mark.parametrize(
    "value, shown",
    [('"0.5"', '"0.5"'), ("null", "null"), ("true", "true"), ("[0.5]", "[0.5]"), ('{"x": 1}', '{"x": 1}')],
)
def test_non_numeric_value_fails(job, capsys, value, shown):
    path = replace_line(job / "projections" / "test.csv.out", 5, f'{{"projection": [1.0, {value}, 3.0]}}')
    assert_fails(job, capsys, f"{path}: row 5: field 'projection': value 2 is not a number: {shown}")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999", "1" + "0" * 400])
def test_non_finite_value_fails(job, capsys, value):
    path = replace_line(job / "projections" / "test.csv.out", 6, f'{{"projection": [1.0, 2.0, {value}]}}')
    assert_fails(job, capsys, f"{path}: row 6: field 'projection': value 3 is not finite")


@pytest.mark.parametrize("value", ["1e39", "-1e200", "1e308"])
def test_test_value_beyond_float32_fails(job, capsys, value):
    # Such values overflowed the variances to infinity (a ratio of 0) or NaN; the algorithm reads float32 anyway.
    path = job / "test" / "test.csv"
    lines = path.read_text().splitlines()
    cells = lines[3].split(",")
    cells[1] = value
    replace_line(path, 4, ",".join(cells))
    assert_fails(job, capsys, f"{path}: row 4: field 'column 2': number beyond the float32 range", repr(value))


@pytest.mark.parametrize("values", ["[1.0, 2.0]", "[1.0, 2.0, 3.0, 4.0]"])
def test_projections_of_different_lengths_fail(job, capsys, values):
    path = replace_line(job / "projections" / "test.csv.out", 7, f'{{"projection": {values}}}')
    count = values.count(",") + 1
    expected = f"expected 3 values (as in the first projection, in {path}), got {count}"
    assert_fails(job, capsys, f"{path}: row 7: field 'projection': {expected}")


def test_different_lengths_across_files_fail(job, data, capsys):
    write_test_csv(job / "test" / "test2.csv", data[:5])
    first = job / "projections" / "test.csv.out"
    second = write_projections(job / "projections" / "test2.csv.out", project(data[:5], principal_components(data, 2)))
    assert_fails(
        job,
        capsys,
        f"{second}: row 1: field 'projection': expected 3 values (as in the first projection, in {first}), got 2",
    )


@pytest.mark.parametrize(
    "item, field, message",
    [
        ('{"projection": [1.0, "x", 3.0]}', "projections[1].projection", "value 2 is not a number"),
        ('{"projection": [1.0, 2.0]}', "projections[1].projection", "expected 3 values"),
        ("[1.0, 2.0, 3.0]", "projections[1]", "expected an object with 'projection', got a list"),
        ('{"values": [1.0, 2.0, 3.0]}', "projections[1]", "expected an object with 'projection', got an object"),
    ],
)
def test_bad_item_in_the_json_layout_fails(job, data, capsys, item, field, message):
    path = write_projections(job / "projections" / "test.csv.out", project(data, principal_components(data, 3)), 10)
    good = '{"projection": [1.0, 2.0, 3.0]}'
    replace_line(path, 2, f'{{"projections": [{good}, {item}, {good}]}}')
    assert_fails(job, capsys, f"{path}: row 2: field '{field}': {message}")


def test_projections_that_are_not_a_list_fail(job, capsys):
    path = replace_line(job / "projections" / "test.csv.out", 1, '{"projections": {"projection": [1.0]}}')
    assert_fails(job, capsys, f"{path}: row 1: field 'projections': expected a list, got an object")


def test_projection_file_that_is_not_utf8_fails(job, capsys):
    path = job / "projections" / "test.csv.out"
    path.write_bytes(b'{"projection": [1.0, 2.0, 3.0]}\n\xff\xfe\n')
    assert_fails(job, capsys, f"{path}: not UTF-8 text (byte 32)")


# --- row counts -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("change", [-1, 1])
def test_projection_count_differing_from_test_rows_fails(job, data, capsys, change):
    projections = project(data, principal_components(data, 3))
    projections = projections[:-1] if change < 0 else np.vstack([projections, projections[:1]])
    path = write_projections(job / "projections" / "test.csv.out", projections)

    message = f"{path}: {ROWS + change} projection rows, but its input {job / 'test' / 'test.csv'} has {ROWS} test rows"
    assert_fails(job, capsys, message)


def test_total_count_differing_from_test_rows_fails(job, data, capsys):
    (job / "projections" / "test.csv.out").unlink()
    write_projections(job / "projections" / "output.jsonl", project(data[:-2], principal_components(data, 3)))

    message = f"{ROWS - 2} projection rows in {job / 'projections'}, but {ROWS} test rows in {job / 'test'}"
    assert_fails(job, capsys, message)


def test_counts_are_checked_file_by_file(job, data, capsys):
    # The totals agree, but the rows are in the wrong files.
    components = principal_components(data, 3)
    for folder in ("test", "projections"):
        for path in (job / folder).iterdir():
            path.unlink()
    write_test_csv(job / "test" / "a.csv", data[:100])
    write_test_csv(job / "test" / "b.csv", data[100:])
    write_projections(job / "projections" / "a.csv.out", project(data, components)[:101])
    write_projections(job / "projections" / "b.csv.out", project(data, components)[101:])

    message = (
        f"{job / 'projections' / 'a.csv.out'}: 101 projection rows, but its input {job / 'test' / 'a.csv'} has 100"
    )
    assert_fails(job, capsys, message)


# --- empty inputs -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", ["test", "projections"])
def test_folder_without_files_fails(job, capsys, folder):
    for path in (job / folder).iterdir():
        path.unlink()
    assert_fails(job, capsys, f"{job / folder}: folder has no input files")


@pytest.mark.parametrize("folder", ["test", "projections"])
def test_missing_folder_fails(job, capsys, folder):
    for path in (job / folder).iterdir():
        path.unlink()
    (job / folder).rmdir()
    assert_fails(job, capsys, f"{job / folder}: no such file or folder")


def test_empty_test_file_fails(job, capsys):
    (job / "test" / "test.csv").write_text("\n")
    assert_fails(job, capsys, f"{job / 'test' / 'test.csv'}: no data rows")


@pytest.mark.parametrize("text", ["", "\n\n", "  \n"])
def test_projection_file_without_rows_fails(job, capsys, text):
    (job / "projections" / "test.csv.out").write_text(text)
    assert_fails(job, capsys, f"{job / 'projections' / 'test.csv.out'}: no projection rows")


def test_json_layout_with_no_projections_at_all_fails(job, capsys):
    (job / "projections" / "test.csv.out").write_text('{"projections": []}\n')
    assert_fails(job, capsys, f"{job / 'projections' / 'test.csv.out'}: no projection rows")


# --- bad test rows ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("change", [-1, 1])
def test_test_row_with_another_column_count_fails(job, capsys, change):
    path = job / "test" / "test.csv"
    cells = path.read_text().splitlines()[2].split(",")
    replace_line(path, 3, ",".join(cells[:-1] if change < 0 else [*cells, "1.0"]))

    assert_fails(
        job, capsys, f"{path}: row 3: expected {FEATURES} columns (as in row 1 of {path}), got {FEATURES + change}"
    )


def test_column_count_is_checked_across_files(job, data, capsys):
    first = job / "test" / "test.csv"
    second = write_test_csv(job / "test" / "test2.csv", data[:4, :-1])
    assert_fails(
        job, capsys, f"{second}: row 1: expected {FEATURES} columns (as in row 1 of {first}), got {FEATURES - 1}"
    )


@pytest.mark.parametrize("cell", ["oops", "nan", "inf", "", "1_000", "0x10"])
def test_non_numeric_cell_fails_naming_file_row_and_column(job, capsys, cell):
    path = job / "test" / "test.csv"
    cells = path.read_text().splitlines()[4].split(",")
    cells[3] = cell
    replace_line(path, 5, ",".join(cells))

    assert_fails(job, capsys, f"{path}: row 5: field 'column 4': not a number: {cell!r}")


def test_blank_line_between_test_rows_fails(job, capsys):
    path = replace_line(job / "test" / "test.csv", 8, "")
    assert_fails(job, capsys, f"{path}: row 8: expected {FEATURES} columns")


def test_single_test_row_fails(job, data, capsys):
    write_test_csv(job / "test" / "test.csv", data[:1])
    write_projections(job / "projections" / "test.csv.out", project(data[:1], principal_components(data, 3)))
    assert_fails(job, capsys, f"{job / 'test'}: need at least 2 test rows to measure variance, got 1")


def test_test_rows_without_variance_fail(job, data, capsys):
    write_test_csv(job / "test" / "test.csv", np.tile(data[:1], (5, 1)))
    write_projections(job / "projections" / "test.csv.out", np.zeros((5, 3)))
    assert_fails(job, capsys, f"{job / 'test'}: the 5 test rows are all equal: no variance to explain")


def test_more_components_than_features_fails(job, data, capsys):
    write_projections(job / "projections" / "test.csv.out", np.zeros((ROWS, FEATURES + 1)))
    message = f"have {FEATURES + 1} components, more than the {FEATURES} features of the test rows in {job / 'test'}"
    assert_fails(job, capsys, f"the projections in {job / 'projections'} {message}")


# --- the baseline ---------------------------------------------------------------------------------------------------


def write_job(job: Path, data: np.ndarray, projections: np.ndarray) -> Path:
    write_test_csv(job / "test" / "test.csv", data)
    write_projections(job / "projections" / "test.csv.out", projections)
    return job


def baseline_of(job: Path) -> dict:
    return read_report(job)["baseline"]


def test_baseline_of_isotropic_rows_is_k_over_d(job):
    # Rows +-e_i in d = 3: mean 0, every direction has variance 2/6 = 1/3, the total is 1. Any 2 orthonormal
    # directions keep 2/3, and so does the model projecting onto the first two axes.
    data = np.vstack([np.eye(3), -np.eye(3)])
    write_job(job, data, data[:, :2])
    assert evaluate(job) == 0
    assert ratio_of(job) == pytest.approx(2 / 3, rel=1e-12)
    assert baseline_of(job) == {
        "metric": "explained_variance_ratio",
        "value": pytest.approx(2 / 3, rel=1e-12),
        "model": "2 random orthonormal directions (seed 0)",
        "split": "test",
        "records": 6,
    }


def test_baseline_with_all_the_components_keeps_everything(job, data):
    write_projections(job / "projections" / "test.csv.out", project(data, principal_components(data, FEATURES)))
    assert evaluate(job) == 0
    assert baseline_of(job)["value"] == pytest.approx(1.0, abs=1e-12)
    assert baseline_of(job)["value"] <= 1.0


def test_random_directions_capture_about_k_over_d_of_a_single_axis(job):
    # All the variance lies along feature 0 of d = 200: the right component keeps all of it; k = 20 random
    # orthonormal directions keep the squared length of e_0's projection onto their span, about k / d = 0.1.
    rows, width, count = 50, 200, 20
    data = np.zeros((rows, width))
    data[:, 0] = np.linspace(-3.0, 5.0, rows)
    model = np.zeros((width, count))
    model[0, 0] = 1.0  # the first principal component, e_0, then any other orthonormal directions
    model[1:count, 1:] = np.eye(count - 1)
    write_job(job, data, data @ model)
    assert evaluate(job) == 0
    assert ratio_of(job) == pytest.approx(1.0, abs=1e-12)
    baseline = baseline_of(job)
    assert baseline["value"] == pytest.approx(0.1, abs=0.05)
    directions, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((width, count)))
    assert baseline["value"] == pytest.approx(float(np.sum(directions[0] ** 2)), rel=1e-9)
    assert (baseline["model"], baseline["records"]) == ("20 random orthonormal directions (seed 0)", rows)


def test_the_trained_model_beats_the_baseline(job, data):
    assert evaluate(job) == 0
    assert baseline_of(job)["value"] < 0.6 < 0.99 < ratio_of(job)
    assert baseline_of(job)["value"] == pytest.approx(random_directions_ratio(data, 3), rel=1e-9)


def test_a_failed_evaluation_writes_no_baseline(job, data, capsys):
    write_projections(job / "projections" / "test.csv.out", project(data, principal_components(data, 3))[:-1])
    assert_fails(job, capsys, "projection rows")
