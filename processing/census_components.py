"""The step between PCA and K-Means on the census counties: keeps the top components, splits the counties.

Inputs:
  --projections-dir  the PCA batch transform's output of census' features.csv (it writes features.csv.out), files
                     read in name order. JSON Lines as the developer guide's "PCA Response Formats" page documents
                     them: one `{"projection": [f1, ..., fk]}` per line; a line in the application/json layout,
                     `{"projections": [{"projection": [...]}, ...]}`, is flattened into its rows. Blank lines are
                     skipped (a miscount still fails the check against the ids).
  --ids-dir          census' ids/ output: one county id per line, in the order of features.csv.

The built-in PCA returns each projection with its components ordered from the SMALLEST to the largest variance
(the reverse of scikit-learn's order). So the last --keep values of each projection are kept, reversed: column 1
(comp_1) is the component of largest variance, column --keep the smallest one kept.

Output:
  train/train.recordio, test/test.recordio  the kept components, dense float32 RecordIO-protobuf without label, for
                                            K-Means: a seeded shuffle of the counties, floor(n * --test-fraction)
                                            of them to test, the rest to train, at least one in each;
  counties/counties.csv                     every county in input order, header `id,comp_1,...,comp_K`, for people
                                            to read (and to join with K-Means' cluster assignments);
  baseline/baseline.json                    with --baseline test:msd (the only metric supported; see
                                            shared.baselines), for the pipeline's quality gate: K-Means' test:msd
                                            of one cluster at the mean of the test records (the mean squared
                                            distance of each test record, as written in test.recordio, to that
                                            mean): "one cluster at the mean"; its "records" counts the test records.
"""

import argparse
import csv
import os
from collections.abc import Sequence

import numpy as np
from shared.baselines import OUTPUT as BASELINE_OUTPUT
from shared.baselines import Baseline, check_metric, one_cluster_msd
from shared.cli import run
from shared.errors import InputError
from shared.inputs import list_input_files, read_text
from shared.outputs import staged_outputs
from shared.projections import read_projections
from shared.tabular import (
    format_values,
    fraction,
    parse_train_test_args,
    shuffled_splits,
    split_counts,
    train_test_sizes,
    write_recordio,
)

DEFAULT_KEEP = 5
SPLITS = ("train", "test")
BASELINE_METRIC = "test:msd"  # the one metric --baseline computes


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    projection_files = list_input_files(args.projections_dir)
    ids = read_ids(list_input_files(args.ids_dir))
    projections, _, first = read_projections(projection_files, float32=True)
    if args.keep > projections.shape[1]:
        message = f"--keep {args.keep} is more than the {projections.shape[1]} components of the projections"
        raise InputError(message, file=first[0], row=first[1], field="projection")
    if len(projections) != len(ids):
        raise InputError(
            f"{len(projections)} projections in {args.projections_dir} but {len(ids)} ids in {args.ids_dir}: "
            "the transform's output must have one projection per county",
            file=args.projections_dir,
        )
    kept = top_components(projections, args.keep)
    sizes = dict(zip(SPLITS, train_test_sizes(len(kept), args.test_fraction, source=args.projections_dir), strict=True))
    indices = shuffled_splits(len(kept), sizes, args.seed)
    baseline = None
    if args.baseline is not None:
        test = kept[indices["test"]].astype(np.float32)  # the values K-Means reads: test.recordio holds float32
        baseline = Baseline(args.baseline, *one_cluster_msd(test), "test", len(test))
    names = (*SPLITS, "counties") + ((BASELINE_OUTPUT,) if baseline is not None else ())
    outputs = {name: os.path.join(args.output_dir, name) for name in names}
    with staged_outputs(outputs) as staging:
        for split, rows in indices.items():
            write_recordio(os.path.join(staging[split], f"{split}.recordio"), kept[rows])
        write_counties(os.path.join(staging["counties"], "counties.csv"), ids, kept)
        if baseline is not None:
            baseline.write(staging[BASELINE_OUTPUT])
    print(
        f"census_components: read {len(kept)} projections of {projections.shape[1]} components from "
        f"{len(projection_files)} file(s); kept the top {args.keep}; wrote {split_counts(sizes)} (recordio), "
        f"counties {len(kept)} (csv)"
    )
    if baseline is not None:
        print(baseline.summary("census_components"))
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="census_components", description=__doc__.splitlines()[0])
    parser.add_argument("--projections-dir", required=True, help="the PCA batch transform's output (JSON Lines)")
    parser.add_argument("--ids-dir", required=True, help="census' ids/ output (one id per line)")
    parser.add_argument("--output-dir", required=True, help="gets train/, test/ and counties/ subfolders")
    parser.add_argument(
        "--keep", type=int, default=DEFAULT_KEEP, help="components kept, largest first (default: %(default)s)"
    )
    parser.add_argument("--baseline", metavar="METRIC", help="also write baseline/baseline.json; only test:msd")
    args = parse_train_test_args(parser, argv, test=fraction("0.2"), seed=0)
    if args.keep < 1:
        parser.error("--keep must be at least 1")
    check_metric(parser, args.baseline, (BASELINE_METRIC,), SPLITS)
    return args


def top_components(projections: np.ndarray, keep: int) -> np.ndarray:
    """The last `keep` columns (the largest components, as PCA orders them smallest first), largest first."""
    return np.ascontiguousarray(projections[:, projections.shape[1] - keep :][:, ::-1])


def read_ids(files: Sequence[str]) -> list[str]:
    """The ids of all files in order, one per line; trailing blank lines are ignored, an empty id inside is not."""
    ids = []
    for path in files:
        lines = read_text(path).split("\n")  # not splitlines(): see shared.inputs.read_csv_rows
        while lines and not lines[-1].strip():
            lines.pop()
        for number, line in enumerate(lines, start=1):
            county_id = line.rstrip("\r")
            if not county_id.strip():
                raise InputError("empty id", file=path, row=number)
            ids.append(county_id)
    if not ids:
        raise InputError("no ids", file=files[0] if len(files) == 1 else os.path.dirname(files[0]))
    return ids


def write_counties(path: str, ids: Sequence[str], kept: np.ndarray) -> None:
    """Header id,comp_1..comp_K, then one row per county; ids quoted by the csv module where they need it."""
    texts = format_values(kept).tolist()
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["id", *(f"comp_{number}" for number in range(1, kept.shape[1] + 1))])
        writer.writerows([county_id, *row] for county_id, row in zip(ids, texts, strict=True))
