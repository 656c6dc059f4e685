"""Evaluation of a built-in PCA model: the share of the held-out data's variance its components capture.

The PCA algorithm emits no objective metric, so the pipeline gates on held-out data instead: a batch transform
projects the test rows (CSV, one image per row, no label, no header) with the trained model, and this script
compares the variance of those projections with the variance of the test rows themselves:

    explained_variance_ratio = sum_j var(projection_j) / sum_i var(x_i)

over the k components j and the d features i, both on the held-out rows, with population variances (ddof=0).
PCA projects onto orthonormal components, so the numerator is the variance kept in their span and the ratio is in
[0, 1]. The transform subtracts the training mean (subtract_mean=true) or not; variances ignore such a constant
offset, so the ratio is the same either way. Rows are matched by count only: variances do not depend on row
order, so the pairing of test and projection files matters only for the error messages.

Projection files (the transform writes `NAME.out` for each input file `NAME`) are JSON Lines as the developer
guide's "PCA Response Formats" page documents them: Accept application/jsonlines gives one `{"projection":
[f1, ..., fk]}` object per line; a line in the application/json layout, `{"projections": [{"projection": [...]},
...]}`, is flattened into its rows. Blank lines are skipped: a multi-record transform may leave some between
assembled batches, and a row that is really missing still fails the row-count check.

Writes OUTPUT_DIR/evaluation.json with explained_variance_ratio, num_components and test_rows, and the trivial
baseline for the pipeline's gate, a top-level "baseline" object with the fields of shared/baselines.py's
baseline.json: {"metric": "explained_variance_ratio", "value": ..., "model": "3 random orthonormal directions
(seed 0)" (for k = 3), "split": "test", "records": the number of test rows}. The model that learned nothing is k
orthonormal directions drawn at random in the d-dimensional feature space, k the number of components of the
projections: a seeded (numpy default_rng(0)) standard-normal d x k matrix orthonormalized with numpy.linalg.qr.
Its value is the ratio above for the test rows projected onto those directions. Random directions keep k / d of
the variance on average (exactly k / d for isotropic data, all of it when k = d); PCA's k components keep the most
any k directions can. The pipeline's gate reads baseline.value.
"""

import argparse
import dataclasses
import os
from collections.abc import Sequence

import numpy as np
from shared.baselines import Baseline
from shared.cli import run
from shared.errors import InputError
from shared.inputs import list_input_files, read_csv_rows
from shared.numbers import parse_float32
from shared.outputs import staged_outputs, write_json
from shared.projections import read_projections

REPORT_FILE = "evaluation.json"
BASELINE_METRIC = "explained_variance_ratio"
BASELINE_SEED = 0
TRANSFORM_SUFFIX = ".out"  # batch transform output name: input file name + ".out"
MIN_ROWS = 2  # a variance needs two rows to be anything but zero
# The ratio of exact projections is at most 1. Rounding (the algorithm computes in float32 and prints its
# projections as decimal text) can push a ratio of all components a little above; such excursions are clipped to
# 1.0. Above 1 + this tolerance the projections hold more variance than the data: they cannot be these rows
# projected onto orthonormal components.
RATIO_TOLERANCE = 1e-4


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    test_files = list_input_files(args.test_dir)
    projection_files = list_input_files(args.projections_dir)
    features, test_counts = read_test_rows(test_files)
    if len(features) < MIN_ROWS:
        raise InputError(
            f"need at least {MIN_ROWS} test rows to measure variance, got {len(features)}", file=args.test_dir
        )
    projections, projection_counts, _ = read_projections(projection_files)
    check_row_counts(test_counts, projection_counts, args.test_dir, args.projections_dir)
    ratio = explained_variance_ratio(features, projections, args.test_dir, args.projections_dir)
    baseline = random_directions_baseline(features, projections.shape[1])
    report = {**pca_report(ratio, projections.shape[1], len(features)), "baseline": dataclasses.asdict(baseline)}
    with staged_outputs({"evaluation": args.output_dir}) as staging:
        write_json(os.path.join(staging["evaluation"], REPORT_FILE), report)
    print(
        f"evaluate_pca: {len(features)} test rows, {features.shape[1]} features, {projections.shape[1]} components; "
        f"explained_variance_ratio {ratio:.6g}; baseline {baseline.value:.6g}: {baseline.model}"
    )
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="evaluate_pca", description=__doc__.splitlines()[0])
    parser.add_argument("--test-dir", required=True, help="folder of the test CSV files the transform read (no label)")
    parser.add_argument(
        "--projections-dir", required=True, help="folder of the transform's output (JSON Lines projections)"
    )
    parser.add_argument("--output-dir", required=True, help=f"gets {REPORT_FILE}")
    return parser.parse_args(argv)


def read_test_rows(files: list[str]) -> tuple[np.ndarray, list[tuple[str, int]]]:
    """Feature matrix of all files, and each file's row count; every row must have as many columns as the first.

    Converted file by file, so that only one file's cells are held as text at a time.
    """
    blocks = []
    counts = []
    width = None  # (columns, file of the first row) once the first row is read
    for path in files:
        rows = read_csv_rows(path)
        if width is None:
            width = (len(rows[0][1]), path)
        block = np.empty((len(rows), width[0]), dtype=np.float64)
        for index, (number, cells) in enumerate(rows):
            if len(cells) != width[0]:
                message = f"expected {width[0]} columns (as in row 1 of {width[1]}), got {len(cells)}"
                raise InputError(message, file=path, row=number)
            block[index] = [parse_cell(text, path, number, column) for column, text in enumerate(cells, start=1)]
        blocks.append(block)
        counts.append((path, len(rows)))
    return np.concatenate(blocks), counts


def parse_cell(text: str, path: str, number: int, column: int) -> float:
    try:
        return parse_float32(text)  # the algorithm reads float32; and the variances of larger values overflow
    except ValueError as exc:
        raise InputError(str(exc), file=path, row=number, field=f"column {column}") from None


def check_row_counts(
    test_counts: list[tuple[str, int]], projection_counts: list[tuple[str, int]], test_dir: str, projections_dir: str
) -> None:
    """One projection per test row. When the projection files are named like the transform names them (test file
    name + '.out'), each pair is checked, which locates a mismatch; otherwise only the totals are compared.
    """
    projected = {os.path.basename(path): (path, count) for path, count in projection_counts}
    expected_names = [os.path.basename(path) + TRANSFORM_SUFFIX for path, _ in test_counts]
    if sorted(expected_names) == sorted(projected):
        for (test_path, test_count), name in zip(test_counts, expected_names, strict=True):
            projection_path, projection_count = projected[name]
            if projection_count != test_count:
                message = f"{projection_count} projection rows, but its input {test_path} has {test_count} test rows"
                raise InputError(message, file=projection_path)
    test_total = sum(count for _, count in test_counts)
    projection_total = sum(count for _, count in projection_counts)
    if projection_total != test_total:
        raise InputError(
            f"{projection_total} projection rows in {projections_dir}, but {test_total} test rows in {test_dir}"
        )


def explained_variance_ratio(
    features: np.ndarray, projections: np.ndarray, test_dir: str, projections_dir: str
) -> float:
    """Variance of the projections over the total variance of the test rows, clipped to at most 1.0."""
    rows, width = features.shape
    components = projections.shape[1]
    if components > width:
        raise InputError(
            f"the projections in {projections_dir} have {components} components, "
            f"more than the {width} features of the test rows in {test_dir}"
        )
    if total_variance(features) == 0.0:
        raise InputError(f"the {rows} test rows are all equal: no variance to explain", file=test_dir)
    ratio = variance_ratio(features, projections)
    if ratio > 1.0 + RATIO_TOLERANCE:
        raise InputError(
            f"the projections in {projections_dir} have {ratio:.6g} times the variance of the test rows in "
            f"{test_dir}: more than all of it, so they are not these rows projected onto orthonormal components"
        )
    return min(ratio, 1.0)


def total_variance(matrix: np.ndarray) -> float:
    """Sum of the columns' population variances."""
    return float(np.var(matrix, axis=0).sum())


def variance_ratio(features: np.ndarray, projections: np.ndarray) -> float:
    """explained_variance_ratio, unclipped: the projections' total variance over the test rows'."""
    return total_variance(projections) / total_variance(features)


def random_directions_baseline(features: np.ndarray, components: int) -> Baseline:
    """The ratio kept by `components` random orthonormal directions (seeded), PCA's model that learned nothing."""
    width = features.shape[1]
    rng = np.random.default_rng(BASELINE_SEED)
    directions, _ = np.linalg.qr(rng.standard_normal((width, components)))  # width x components, orthonormal
    value = min(variance_ratio(features, features @ directions), 1.0)  # at most 1 but for rounding
    model = f"{components} random orthonormal directions (seed {BASELINE_SEED})"
    return Baseline(BASELINE_METRIC, value, model, "test", len(features))


def pca_report(ratio: float, components: int, rows: int) -> dict:
    return {
        "pca_metrics": {
            "explained_variance_ratio": {"value": float(ratio)},
            "num_components": {"value": int(components)},
            "test_rows": {"value": int(rows)},
        }
    }
