"""processing/census.py (counties -> scaled features for PCA) and processing/census_components.py (PCA
projections -> top components for K-Means)."""

import csv
import io
import json
from pathlib import Path

import census
import census_components
import numpy as np
import pytest
from processing_testlib import assert_fails_in_process, files_under
from recordio_reader import read_dense

HEADER = ",".join(census.FIELDS)


def county_rows(count: int, seed: int = 0) -> list[list[str]]:
    """Rows of the real layout: unique CensusIds, quoted names with commas and spaces, counts and percentages."""
    rng = np.random.default_rng(seed)
    rows = []
    for index in range(count):
        state = ["Alabama", "New York", "District of Columbia"][index % 3]
        county = f"County {index}" if index % 4 else f"Name, with comma {index}"
        numbers = [str(int(rng.integers(100, 100_000))) for _ in range(3)]  # TotalPop, Men, Women
        numbers += [f"{rng.uniform(0, 100):.1f}" for _ in census.FEATURES[3:]]
        rows.append([str(1001 + index), state, county, *numbers])
    return rows


def write_census(path: Path, rows: list[list[str]], header: str = HEADER) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = io.StringIO()
    text.write(header + "\n")
    csv.writer(text, lineterminator="\n").writerows(rows)
    path.write_text(text.getvalue())
    return path


def run_census(source: Path, output: Path) -> int:
    return census.main(["--input", str(source), "--output-dir", str(output)])


def expected_scaled(rows: list[list[str]]) -> np.ndarray:
    values = np.array([[float(cell) for cell in row[3:]] for row in rows])
    low, high = values.min(axis=0), values.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    return ((values - low) / span).astype(np.float32)


class TestCensus:
    @pytest.fixture
    def output_splits(self) -> tuple[str, ...]:
        return ("train", "features", "ids")

    def test_scales_each_column_to_0_1_and_writes_recordio_csv_and_ids_in_order(self, tmp_path, output, capsys):
        rows = county_rows(30)
        source = write_census(tmp_path / "Census_Data_for_SageMaker.csv", rows)

        assert run_census(source, output) == 0

        features, labels = read_dense((output / "train" / "train.recordio").read_bytes())
        assert labels is None
        assert features.shape == (30, 34)
        assert features.tobytes() == expected_scaled(rows).tobytes()
        np.testing.assert_array_equal(features.min(axis=0), np.zeros(34, np.float32))
        np.testing.assert_array_equal(features.max(axis=0), np.ones(34, np.float32))
        csv_rows = [line.split(",") for line in (output / "features" / "features.csv").read_text().splitlines()]
        assert np.array(csv_rows, dtype=np.float32).tobytes() == features.tobytes()
        ids = (output / "ids" / "ids.csv").read_text().splitlines()
        assert ids == [f"{row[1]}-{row[2]}" for row in rows]
        assert ids[:2] == ["Alabama-Name, with comma 0", "New York-County 1"]
        assert capsys.readouterr().out == (
            "census: read 30 rows from 1 file(s); dropped 0 with empty cells; "
            "wrote 30 counties x 34 scaled features (train recordio, features csv, ids)\n"
        )
        assert [path.name for path in files_under(output)] == ["features.csv", "ids.csv", "train.recordio"]

    def test_min_becomes_0_max_1_and_a_constant_column_0(self, tmp_path, output):
        rows = county_rows(3)
        for row, (total, income) in zip(rows, (("10", "5"), ("30", "5"), ("20", "5")), strict=True):
            row[3] = total  # TotalPop: 10, 30, 20 -> 0, 1, 0.5
            row[3 + census.FEATURES.index("Income")] = income  # constant -> 0
        source = write_census(tmp_path / "census.csv", rows)

        assert run_census(source, output) == 0

        features, _ = read_dense((output / "train" / "train.recordio").read_bytes())
        assert features[:, 0].tolist() == [0.0, 1.0, 0.5]
        assert features[:, census.FEATURES.index("Income")].tolist() == [0.0, 0.0, 0.0]
        first_column = [line.split(",")[0] for line in (output / "features" / "features.csv").read_text().splitlines()]
        assert first_column == ["0", "1", "0.5"]

    def test_rows_with_an_empty_cell_are_dropped_and_counted(self, tmp_path, output, capsys):
        rows = county_rows(8)
        rows[1][3 + census.FEATURES.index("ChildPoverty")] = ""
        rows[4][2] = "  "  # County
        rows[6][0] = ""  # CensusId
        source = write_census(tmp_path / "census.csv", rows)

        assert run_census(source, output) == 0

        kept = [rows[index] for index in (0, 2, 3, 5, 7)]
        features, _ = read_dense((output / "train" / "train.recordio").read_bytes())
        assert features.tobytes() == expected_scaled(kept).tobytes()  # min and max over the kept rows only
        assert (output / "ids" / "ids.csv").read_text() == "".join(f"{row[1]}-{row[2]}\n" for row in kept)
        assert "read 8 rows from 1 file(s); dropped 3 with empty cells; wrote 5 counties" in capsys.readouterr().out

    def test_columns_in_another_order_and_folders(self, tmp_path, output):
        rows = county_rows(6)
        order = list(reversed(range(len(census.FIELDS))))
        header = ",".join(census.FIELDS[index] for index in order)
        write_census(tmp_path / "raw" / "b.csv", [[row[index] for index in order] for row in rows[3:]], header)
        write_census(tmp_path / "raw" / "a.csv", rows[:3])

        assert run_census(tmp_path / "raw", output) == 0

        features, _ = read_dense((output / "train" / "train.recordio").read_bytes())
        assert features.tobytes() == expected_scaled(rows).tobytes()
        assert (output / "ids" / "ids.csv").read_text().splitlines() == [f"{row[1]}-{row[2]}" for row in rows]

    @pytest.mark.parametrize(
        ("edit", "fragments"),
        [
            (lambda rows: rows[2].append("12"), ["row 4", "expected 37 fields, got 38"]),
            (
                lambda rows: rows[2].__setitem__(census.FIELDS.index("Income"), "lots"),
                ["row 4", "field 'Income'", "not a number: 'lots'"],
            ),
            (
                lambda rows: rows[1].__setitem__(census.FIELDS.index("Black"), "nan"),
                ["row 3", "field 'Black'", "not a number: 'nan'"],
            ),
            (
                lambda rows: rows[3].__setitem__(0, "1001"),
                ["row 5", "field 'CensusId'", "duplicate CensusId 1001", "also in row 2"],
            ),
            (lambda rows: rows[0].__setitem__(0, "x1"), ["row 2", "field 'CensusId'", "not a number: 'x1'"]),
            (
                lambda rows: rows[1].__setitem__(census.FIELDS.index("Income"), "1e39"),
                ["row 3", "field 'Income'", "number beyond the float32 range", "'1e39'"],
            ),
            (
                lambda rows: rows[2].__setitem__(census.FIELDS.index("Poverty"), "-1e300"),
                ["row 4", "field 'Poverty'", "number beyond the float32 range"],
            ),
            (
                lambda rows: rows[0].__setitem__(census.FIELDS.index("TotalPop"), "-5"),
                ["row 2", "field 'TotalPop'", "negative value '-5'"],
            ),
            *(
                (
                    lambda rows, field=field: rows[3].__setitem__(census.FIELDS.index(field), "-1"),
                    ["row 5", f"field '{field}'", "negative value '-1'"],
                )
                for field in ("Men", "Women", "Citizen", "Employed")
            ),
            (lambda rows: [row.__setitem__(4, "") for row in rows], ["all 4 rows have an empty cell"]),
        ],
    )
    def test_bad_rows_fail_naming_file_row_and_field(self, tmp_path, output, capsys, edit, fragments):
        rows = county_rows(4)
        edit(rows)
        source = write_census(tmp_path / "census.csv", rows)

        assert_fails_in_process(run_census(source, output), capsys, output, str(source), *fragments)

    @pytest.mark.parametrize(
        ("header", "fragments"),
        [
            (HEADER.replace(",Walk", ""), ["missing Walk"]),
            (HEADER + ",Extra", ["unexpected 'Extra'"]),
            (HEADER.replace("Income,", "Incme,", 1), ["missing Income", "unexpected 'Incme'"]),
        ],
    )
    def test_wrong_columns_are_named(self, tmp_path, output, capsys, header, fragments):
        width = len(header.split(","))
        rows = [(row + ["1"])[:width] for row in county_rows(3)]
        source = write_census(tmp_path / "census.csv", rows, header)

        assert_fails_in_process(run_census(source, output), capsys, output, str(source), "row 1", *fragments)


# --- census_components ------------------------------------------------------------------------------------------


def write_projections(path: Path, projections: np.ndarray, layout: str = "jsonlines") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if layout == "jsonlines":
        lines = [json.dumps({"projection": row}) for row in projections.tolist()]
    else:  # application/json: all rows in one object, here split over two lines
        half = len(projections) // 2
        lines = [json.dumps({"projections": [{"projection": row} for row in part.tolist()]})
                 for part in (projections[:half], projections[half:])]  # fmt: skip
    path.write_text("\n".join(lines) + "\n")
    return path


def write_ids(path: Path, ids: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{county_id}\n" for county_id in ids))
    return path


def run_components(projections: Path, ids: Path, output: Path, *extra) -> int:
    arguments = ["--projections-dir", str(projections), "--ids-dir", str(ids), "--output-dir", str(output)]
    return census_components.main([*arguments, *map(str, extra)])


def pca_like_projections(count: int, variances: list[float], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(data, projections): data with independent directions of the given variances in a random rotation, and its
    projections onto the principal components (numpy SVD) ordered SMALLEST variance first, as the built-in PCA
    returns them."""
    rng = np.random.default_rng(seed)
    rotation, _ = np.linalg.qr(rng.normal(size=(len(variances), len(variances))))
    data = rng.normal(size=(count, len(variances))) * np.sqrt(variances) @ rotation.T
    centered = data - data.mean(axis=0)
    _, _, components = np.linalg.svd(centered, full_matrices=False)  # rows: largest singular value first
    return data, (centered @ components.T)[:, ::-1]


def read_counties_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text())))


class TestCensusComponents:
    @pytest.fixture
    def output_splits(self) -> tuple[str, ...]:
        return ("train", "test", "counties")

    def test_pca_component_selection_on_a_known_matrix(self, tmp_path, output, capsys):
        variances = [1.0, 100.0, 0.01, 25.0, 4.0, 0.25, 9.0]  # top 3: 100, 25, 9
        _, projections = pca_like_projections(500, variances)
        ids = [f"State-County {index}" for index in range(500)]
        source = write_projections(tmp_path / "projections" / "features.csv.out", projections)
        write_ids(tmp_path / "ids" / "ids.csv", ids)

        assert run_components(source.parent, tmp_path / "ids", output, "--keep", 3) == 0

        rows = read_counties_csv(output / "counties" / "counties.csv")
        assert rows[0] == ["id", "comp_1", "comp_2", "comp_3"]
        assert [row[0] for row in rows[1:]] == ids
        kept = np.array([row[1:] for row in rows[1:]], dtype=np.float64)
        np.testing.assert_allclose(kept, projections[:, [-1, -2, -3]], rtol=1e-6, atol=1e-6)
        # The kept columns carry the three largest variances, in descending order.
        np.testing.assert_allclose(kept.var(axis=0), [100.0, 25.0, 9.0], rtol=0.2)
        assert list(kept.var(axis=0)) == sorted(kept.var(axis=0), reverse=True)
        assert capsys.readouterr().out == (
            "census_components: read 500 projections of 7 components from 1 file(s); kept the top 3; "
            "wrote train 400, test 100 (recordio), counties 500 (csv)\n"
        )

    def test_recordio_splits_are_a_seeded_shuffle_of_the_kept_components(self, tmp_path, output):
        _, projections = pca_like_projections(53, [3.0, 1.0, 2.0, 5.0, 4.0, 6.0])
        source = write_projections(tmp_path / "projections" / "features.csv.out", projections, layout="json")
        write_ids(tmp_path / "ids" / "ids.csv", [f"c{index}" for index in range(53)])

        assert run_components(source.parent, tmp_path / "ids", output, "--test-fraction", "0.25", "--seed", 3) == 0

        train, train_labels = read_dense((output / "train" / "train.recordio").read_bytes())
        test, test_labels = read_dense((output / "test" / "test.recordio").read_bytes())
        assert train_labels is None and test_labels is None
        assert (len(train), len(test)) == (40, 13)  # floor(53 * 0.25) to test
        kept = projections[:, ::-1][:, :5].astype(np.float32)
        order = np.random.default_rng(3).permutation(53)
        assert train.tobytes() == kept[order[:40]].tobytes()
        assert test.tobytes() == kept[order[40:]].tobytes()

    def test_same_seed_same_bytes_another_seed_another_split(self, tmp_path):
        _, projections = pca_like_projections(40, [1.0, 2.0, 3.0, 4.0, 5.0])
        source = write_projections(tmp_path / "projections" / "features.csv.out", projections)
        write_ids(tmp_path / "ids" / "ids.csv", [f"c{index}" for index in range(40)])
        for name, seed in (("a", 1), ("b", 1), ("c", 2)):
            assert run_components(source.parent, tmp_path / "ids", tmp_path / name, "--seed", seed) == 0

        def contents(name):
            return [(tmp_path / name / s / f"{s}.recordio").read_bytes() for s in ("train", "test")]

        assert contents("a") == contents("b")
        assert contents("a") != contents("c")
        assert (tmp_path / "a" / "counties" / "counties.csv").read_bytes() == (
            tmp_path / "c" / "counties" / "counties.csv"
        ).read_bytes()

    def test_files_are_read_in_name_order_and_ids_with_commas_are_quoted(self, tmp_path, output):
        projections = np.arange(12, dtype=np.float64).reshape(4, 3)
        write_projections(tmp_path / "projections" / "b.csv.out", projections[2:])
        write_projections(tmp_path / "projections" / "a.csv.out", projections[:2])
        write_ids(tmp_path / "ids" / "ids.csv", ["A-One", "A-Two, three", "B-Four", "B-Five"])

        assert (
            run_components(tmp_path / "projections", tmp_path / "ids", output, "--keep", 2, "--test-fraction", "0.5")
            == 0
        )

        text = (output / "counties" / "counties.csv").read_text()
        assert text.splitlines() == ["id,comp_1,comp_2", "A-One,2,1", '"A-Two, three",5,4', "B-Four,8,7",
                                     "B-Five,11,10"]  # fmt: skip

    @pytest.mark.parametrize(
        ("lines", "ids", "extra", "fragments"),
        [
            (['{"projection": [1, 2, 3]}', "{oops"], 2, (), ["row 2", "not JSON"]),
            (['{"projection": [1, 2, 3]}', '{"score": [1]}'], 2, (), ["row 2", "missing 'projection'"]),
            (
                ['{"projection": [1, 2, 3]}', '{"projections": [{"projection": [1, 2, 3]}, {"x": 1}]}'],
                3,
                (),
                ["row 2", "field 'projections[1]'", "expected an object with 'projection'"],
            ),
            (
                ['{"projection": [1, 2, 3]}', '{"projection": [1, 2]}'],
                2,
                (),
                ["row 2", "field 'projection'", "expected 3 values", "got 2"],
            ),
            (['{"projection": [1, "a", 3]}'], 1, (), ["row 1", "field 'projection'", "value 2 is not a number"]),
            (['{"projection": [1, NaN, 3]}'], 1, (), ["row 1", "value 2 is not a finite float32"]),
            (['{"projection": [1, 1e300, 3]}'], 1, (), ["row 1", "value 2 is not a finite float32"]),
            (['{"projection": [1, 2, 3]}'] * 4, 4, ("--keep", 4), ["row 1", "--keep 4 is more than the 3 components"]),
            (['{"projection": [1, 2, 3]}'] * 4, 5, (), ["4 projections", "but 5 ids"]),
            (['{"projection": [1, 2, 3]}'] * 4, 3, (), ["4 projections", "but 3 ids"]),
            (['{"projection": [1, 2, 3]}'] * 4, 4, ("--test-fraction", "0.2"), ["4 rows give train 4, test 0"]),
        ],
    )
    def test_bad_input_fails_naming_file_and_line(self, tmp_path, output, capsys, lines, ids, extra, fragments):
        source = tmp_path / "projections" / "features.csv.out"
        source.parent.mkdir()
        source.write_text("\n".join(lines) + "\n")
        write_ids(tmp_path / "ids" / "ids.csv", [f"c{index}" for index in range(ids)])

        code = run_components(source.parent, tmp_path / "ids", output, "--keep", 2, *extra)

        line = assert_fails_in_process(code, capsys, output, *fragments)
        assert str(tmp_path / "projections") in line

    def test_an_empty_id_line_is_named(self, tmp_path, output, capsys):
        source = write_projections(tmp_path / "projections" / "features.csv.out", np.ones((3, 3)))
        ids = tmp_path / "ids" / "ids.csv"
        ids.parent.mkdir()
        ids.write_text("a\n\nc\n")

        code = run_components(source.parent, ids.parent, output, "--keep", 2)

        assert_fails_in_process(code, capsys, output, str(ids), "row 2", "empty id")

    # --- --baseline test:msd ------------------------------------------------------------------------------------

    def test_baseline_is_the_msd_of_one_cluster_at_the_test_mean(self, tmp_path, output, capsys):
        # A regular tetrahedron: every two vertices are at squared distance 8, so whichever 2 of the 4 go to test,
        # their mean is the midpoint, at squared distance 8 / 4 = 2 of each.
        projections = np.array([[1.0, 1.0, 1.0], [1.0, -1.0, -1.0], [-1.0, 1.0, -1.0], [-1.0, -1.0, 1.0]])
        source = write_projections(tmp_path / "projections" / "features.csv.out", projections)
        write_ids(tmp_path / "ids" / "ids.csv", ["a", "b", "c", "d"])

        code = run_components(source.parent, tmp_path / "ids", output, "--keep", 3, "--test-fraction", "0.5",
                              "--baseline", "test:msd")  # fmt: skip

        assert code == 0
        assert files_under(output) == [
            output / "baseline" / "baseline.json",
            output / "counties" / "counties.csv",
            output / "test" / "test.recordio",
            output / "train" / "train.recordio",
        ]
        document = json.loads((output / "baseline" / "baseline.json").read_text())
        assert document == {
            "metric": "test:msd",
            "value": 2.0,
            "model": "one cluster at the mean",
            "split": "test",
            "records": 2,
        }
        assert capsys.readouterr().out.endswith(
            "census_components: baseline test:msd 2 (one cluster at the mean on test, 2 rows)\n"
        )

    def test_baseline_is_computed_on_the_float32_test_records_k_means_reads(self, tmp_path, output):
        _, projections = pca_like_projections(61, [0.3, 7.0, 1.1, 2.9, 0.7, 5.3, 0.01])
        source = write_projections(tmp_path / "projections" / "features.csv.out", projections)
        write_ids(tmp_path / "ids" / "ids.csv", [f"c{index}" for index in range(61)])

        assert run_components(source.parent, tmp_path / "ids", output, "--seed", 4, "--baseline", "test:msd") == 0

        test, _ = read_dense((output / "test" / "test.recordio").read_bytes())
        assert test.shape == (12, 5)  # floor(61 * 0.2) counties, the 5 kept components
        points = test.astype(np.float64).tolist()
        mean = [sum(point[column] for point in points) / len(points) for column in range(5)]
        msd = sum(sum((value - center) ** 2 for value, center in zip(point, mean, strict=True)) for point in points)
        msd /= len(points)
        document = json.loads((output / "baseline" / "baseline.json").read_text())
        assert (document["value"], document["records"]) == (pytest.approx(msd, rel=1e-12), 12)
        # Not the float64 projections: they differ from the written float32 records in the 8th digit.
        kept = projections[:, ::-1][:, :5][np.random.default_rng(4).permutation(61)[49:]]
        unrounded = float(((kept - kept.mean(axis=0)) ** 2).sum(axis=1).mean())
        assert document["value"] != pytest.approx(unrounded, rel=1e-12)
        assert document["value"] == pytest.approx(unrounded, rel=1e-6)

    def test_without_baseline_no_baseline_folder_appears_and_the_outputs_are_the_same(self, tmp_path):
        _, projections = pca_like_projections(30, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
        source = write_projections(tmp_path / "projections" / "features.csv.out", projections)
        write_ids(tmp_path / "ids" / "ids.csv", [f"c{index}" for index in range(30)])
        assert run_components(source.parent, tmp_path / "ids", tmp_path / "plain") == 0
        assert run_components(source.parent, tmp_path / "ids", tmp_path / "with", "--baseline", "test:msd") == 0

        plain = files_under(tmp_path / "plain")
        assert [path.relative_to(tmp_path / "plain") for path in plain] == [
            Path("counties/counties.csv"),
            Path("test/test.recordio"),
            Path("train/train.recordio"),
        ]
        for path in plain:
            assert path.read_bytes() == (tmp_path / "with" / path.relative_to(tmp_path / "plain")).read_bytes()

    @pytest.mark.parametrize(
        ("metric", "reason"),
        [
            ("test:ssd", "no baseline for this metric"),
            ("train:msd", "no baseline for this metric"),
            ("validation:msd", "the validation split is not written (written: train, test)"),
            ("msd", "not of the form CHANNEL:NAME"),
        ],
    )
    def test_an_unsupported_baseline_metric_exits_2_without_output(self, tmp_path, output, capsys, metric, reason):
        source = write_projections(tmp_path / "projections" / "features.csv.out", np.ones((5, 5)))
        write_ids(tmp_path / "ids" / "ids.csv", list("abcde"))

        with pytest.raises(SystemExit) as exit_info:
            run_components(source.parent, tmp_path / "ids", output, "--baseline", metric)

        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert f"census_components: error: --baseline {metric}: {reason}; supported: test:msd\n" in err
        assert files_under(output) == []

    def test_bad_input_with_baseline_leaves_no_output(self, tmp_path, output, capsys):
        source = write_projections(tmp_path / "projections" / "features.csv.out", np.ones((4, 3)))
        write_ids(tmp_path / "ids" / "ids.csv", list("abc"))

        code = run_components(source.parent, tmp_path / "ids", output, "--keep", 2, "--baseline", "test:msd")

        assert_fails_in_process(code, capsys, output, "4 projections", "but 3 ids")
