"""processing/movielens.py: ml-100k.zip (ua.base, ua.test) -> shuffled JSON Lines for Object2Vec.

The zips are built in tmp_path in the real layout. The script reads local files only: the pipeline's Download step
(fetch.py) fetched and checked the zip.
"""

import json
import urllib.request
import zipfile
from pathlib import Path

import movielens
import numpy as np
import pytest
from processing_testlib import (
    assert_fails_in_process,
    assert_input_error,
    files_under,
    install_fake_https,
    run_processing,
)


@pytest.fixture
def output_splits() -> tuple[str, ...]:
    return ("train", "validation")


def ratings(count: int, seed: int = 0) -> list[tuple[int, int, int, int]]:
    rng = np.random.default_rng(seed)
    return [
        (int(rng.integers(1, 944)), int(rng.integers(1, 1683)), int(rng.integers(1, 6)), 874724710 + index)
        for index in range(count)
    ]


def tsv(rows) -> str:
    return "".join("\t".join(map(str, row)) + "\n" for row in rows)


def make_zip(path: Path, members: dict[str, str | bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ml-100k/README", "MovieLens 100K, a test stand-in\n")
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def ml100k(path: Path, train=None, validation=None) -> Path:
    train = ratings(40, seed=1) if train is None else train
    validation = ratings(12, seed=2) if validation is None else validation
    return make_zip(path, {"ml-100k/ua.base": tsv(train), "ml-100k/ua.test": tsv(validation)})


def run_movielens(source, output, *args) -> int:
    return movielens.main(["--input", str(source), "--output-dir", str(output), *map(str, args)])


def read_jsonl(path: Path) -> list[dict]:
    text = path.read_text()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def as_rows(records: list[dict]) -> list[tuple[int, int, int]]:
    return [(record["in0"][0], record["in1"][0], record["label"]) for record in records]


def test_writes_every_rating_as_compact_json_lines(tmp_path, output, capsys):
    train = ratings(40, seed=1) + [(943, 1682, 5, 893286638)]
    validation = ratings(12, seed=2) + [(7, 1700, 1, 0)]
    source = ml100k(tmp_path / "ml-100k.zip", train, validation)

    assert run_movielens(source, output) == 0

    assert files_under(output) == [output / "train" / "train.jsonl", output / "validation" / "validation.jsonl"]
    for split, rows in (("train", train), ("validation", validation)):
        text = (output / split / f"{split}.jsonl").read_text()
        records = read_jsonl(output / split / f"{split}.jsonl")
        assert sorted(as_rows(records)) == sorted((u, i, r) for u, i, r, _ in rows)
        assert text == "".join(json.dumps(record, separators=(",", ":")) + "\n" for record in records)
        assert all(list(record) == ["in0", "in1", "label"] and type(record["label"]) is int for record in records)
    assert capsys.readouterr().out == (
        f"movielens: read {source}; wrote train 41, validation 13 (jsonl); "
        "vocabulary sizes: users 944 (max user id + 1), items 1701 (max item id + 1)\n"
    )


def test_shuffle_is_seeded(tmp_path):
    source = ml100k(tmp_path / "ml-100k.zip", ratings(200, seed=1), ratings(50, seed=2))
    outputs = {}
    for name, seed in (("a", 0), ("b", 0), ("c", 1)):
        assert run_movielens(source, tmp_path / name, "--seed", seed) == 0
        outputs[name] = [(tmp_path / name / s / f"{s}.jsonl").read_bytes() for s in ("train", "validation")]
    assert outputs["a"] == outputs["b"]
    assert outputs["a"][0] != outputs["c"][0]
    read_order = [(u, i, r) for u, i, r, _ in ratings(200, seed=1)]
    assert as_rows(read_jsonl(tmp_path / "a" / "train" / "train.jsonl")) != read_order  # shuffled, not as read


def test_folder_input_holding_the_zip(tmp_path, output):
    # the Download step's raw output: the zip, beside the SHA256SUMS fetch writes
    ml100k(tmp_path / "raw" / "ml-100k.zip")
    (tmp_path / "raw" / "SHA256SUMS").write_text("0" * 64 + "  ml-100k.zip\n")
    assert run_movielens(tmp_path / "raw", output) == 0
    assert len(read_jsonl(output / "train" / "train.jsonl")) == 40


def test_reads_no_url_and_opens_no_connection(output, capsys, monkeypatch):
    # the step runs with network isolation: a URL is a path that does not exist, never a download
    https = install_fake_https(monkeypatch)
    url = "https://files.grouplens.org/datasets/movielens/ml-100k.zip"
    https.routes[url] = b"never served"
    monkeypatch.setattr(urllib.request, "urlopen", None)  # any use of urllib's opener fails loudly
    fails(capsys, url, output, f"error: {url}: no such file or folder")
    assert https.requested == []


# --- bad input --------------------------------------------------------------------------------------------------


def fails(capsys, source, output, *fragments) -> str:
    return assert_fails_in_process(run_movielens(source, output), capsys, output, *fragments)


@pytest.mark.parametrize(
    ("bad_line", "fragment"),
    [
        ("1\t2\t3", "row 3: expected 4 fields, got 3"),
        ("1\t2\t3\t4\t5", "row 3: expected 4 fields, got 5"),
        ("1 2 3 4", "row 3: expected 4 fields, got 1"),
        ("u1\t2\t3\t4", "row 3: field 'user_id': not a number: 'u1'"),
        ("1\t2.5\t3\t4", "row 3: field 'item_id': not a non-negative integer: '2.5'"),
        ("-1\t2\t3\t4", "row 3: field 'user_id': not a non-negative integer: '-1'"),
        ("99999999999\t2\t3\t4", "row 3: field 'user_id': id 99999999999 is larger than 2147483647"),
        ("1\t2\t0\t4", "row 3: field 'rating': rating 0 is outside 1..5"),
        ("1\t2\t6\t4", "row 3: field 'rating': rating 6 is outside 1..5"),
        ("1\t2\t3.5\t4", "row 3: field 'rating': not a non-negative integer: '3.5'"),
        ("1\t2\t3\tyesterday", "row 3: field 'timestamp': not a number"),
        ("", "row 3: expected 4 fields, got 1"),
    ],
)
@pytest.mark.parametrize("member", ["ml-100k/ua.base", "ml-100k/ua.test"])
def test_bad_rows_fail_naming_member_row_and_field(tmp_path, output, capsys, member, bad_line, fragment):
    good = tsv(ratings(4))
    lines = good.splitlines()
    members = {"ml-100k/ua.base": good, "ml-100k/ua.test": good}
    members[member] = "\n".join([*lines[:2], bad_line, *lines[2:]]) + "\n"
    source = make_zip(tmp_path / "ml-100k.zip", members)
    fails(capsys, source, output, f"error: {source}:{member}: {fragment}")


def test_valid_rows_off_the_fast_path_are_read(tmp_path, output):
    source = make_zip(
        tmp_path / "ml-100k.zip", {"ml-100k/ua.base": "007\t0042\t5\t1\r\n", "ml-100k/ua.test": "1\t2\t3\t4"}
    )
    assert run_movielens(source, output) == 0
    assert as_rows(read_jsonl(output / "train" / "train.jsonl")) == [(7, 42, 5)]


@pytest.mark.parametrize("member", ["ml-100k/ua.base", "ml-100k/ua.test"])
def test_missing_or_empty_member_fails(tmp_path, output, capsys, member):
    other = "ml-100k/ua.test" if member == "ml-100k/ua.base" else "ml-100k/ua.base"
    source = make_zip(tmp_path / "ml-100k.zip", {other: tsv(ratings(3))})
    fails(capsys, source, output, f"error: {source}: missing member '{member}'")
    source = make_zip(tmp_path / "empty.zip", {other: tsv(ratings(3)), member: "\n\n"})
    fails(capsys, source, output, f"error: {source}:{member}: no data rows")


def test_non_ascii_member_fails(tmp_path, output, capsys):
    source = make_zip(
        tmp_path / "ml-100k.zip", {"ml-100k/ua.base": b"1\t2\t3\t4\n\xe9", "ml-100k/ua.test": "1\t2\t3\t4"}
    )
    fails(capsys, source, output, f"error: {source}:ml-100k/ua.base: not ASCII text (byte 8)")


def test_corrupt_zips_fail(tmp_path, output, capsys):
    not_zip = tmp_path / "not.zip"
    not_zip.write_bytes(b"PK\x03\x04 this is no zip")
    fails(capsys, not_zip, output, f"error: {not_zip}: not a valid zip file")

    good = ml100k(tmp_path / "ml-100k.zip", ratings(500), ratings(50))
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo("ml-100k/ua.base")
    body = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[body + info.compress_size // 2] ^= 0xFF  # damage the compressed data: a CRC or deflate error on read
    corrupt = tmp_path / "corrupt.zip"
    corrupt.write_bytes(bytes(data))
    fails(capsys, corrupt, output, f"error: {corrupt}:ml-100k/ua.base: corrupt member")

    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[:-40])  # the central directory is cut off
    fails(capsys, truncated, output, f"error: {truncated}: not a valid zip file")


def test_missing_local_source_fails(tmp_path, output, capsys):
    fails(capsys, tmp_path / "nothing", output, f"error: {tmp_path / 'nothing'}: no such file or folder")
    fails(capsys, tmp_path, output, f"error: {tmp_path}: folder has no ml-100k.zip")


@pytest.mark.parametrize("arguments", [("--seed", "-1"), ("--sha256", "0" * 64), ("--source", "x")])
def test_bad_arguments_exit_2_without_output(tmp_path, output, capsys, arguments):
    source = ml100k(tmp_path / "ml-100k.zip")
    with pytest.raises(SystemExit) as exit_info:
        run_movielens(source, output, *arguments)
    assert exit_info.value.code == 2
    assert "movielens: error:" in capsys.readouterr().err
    assert files_under(output) == []


def test_bad_input_in_a_subprocess_gives_one_error_line_and_exit_2(tmp_path, output):
    source = make_zip(tmp_path / "ml-100k.zip", {"ml-100k/ua.base": "1\t2\t9\t4\n", "ml-100k/ua.test": "1\t2\t3\t4"})
    result = run_processing("movielens", "--input", source, "--output-dir", output)
    assert_input_error(result, f"{source}:ml-100k/ua.base: row 1: field 'rating': rating 9 is outside 1..5")
    assert files_under(output) == []


# --- --baseline validation:mean_squared_error ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("validation_ratings", "value", "model"),
    [
        ([1, 2, 4, 5], 2.5, "always the mean, 3"),  # squared errors 4, 1, 1, 4
        ([5, 5, 5, 4], 0.1875, "always the mean, 4.75"),  # 3 * 0.0625 + 0.5625, over 4
        ([3, 3, 3], 0.0, "always the mean, 3"),
    ],
)
def test_baseline_is_the_mse_of_always_the_validation_mean(tmp_path, capsys, validation_ratings, value, model):
    validation = [(user, 10 + user, rating, 0) for user, rating in enumerate(validation_ratings, start=1)]
    source = ml100k(tmp_path / "ml-100k.zip", validation=validation)

    assert run_movielens(source, tmp_path / "plain") == 0
    assert run_movielens(source, tmp_path / "with", "--baseline", "validation:mean_squared_error") == 0

    written = [record["label"] for record in read_jsonl(tmp_path / "with" / "validation" / "validation.jsonl")]
    assert sorted(written) == sorted(validation_ratings)
    assert json.loads((tmp_path / "with" / "baseline" / "baseline.json").read_text()) == {
        "metric": "validation:mean_squared_error",
        "value": value,
        "model": model,
        "split": "validation",
        "records": len(validation_ratings),
    }
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"movielens: baseline validation:mean_squared_error {value:.6g} ({model} on validation, "
        f"{len(validation_ratings)} rows)"
    )
    assert not (tmp_path / "plain" / "baseline").exists()
    for split in ("train", "validation"):  # the splits do not change with --baseline
        path = Path(split) / f"{split}.jsonl"
        assert (tmp_path / "with" / path).read_bytes() == (tmp_path / "plain" / path).read_bytes()
    assert len(files_under(tmp_path / "with")) == 3


def test_baseline_through_the_dispatcher(tmp_path, output):
    source = ml100k(tmp_path / "ml-100k.zip", validation=[(1, 1, 1, 0), (2, 2, 5, 0)])  # mean 3, errors 2 and 2
    arguments = ("--output-dir", output, "--baseline", "validation:mean_squared_error")
    result = run_processing("movielens", "--input", source, *arguments)
    assert result.returncode == 0, result.stderr
    assert json.loads((output / "baseline" / "baseline.json").read_text())["value"] == 4.0


@pytest.mark.parametrize(
    ("metric", "reason"),
    [
        ("test:mean_squared_error", "the test split is not written (written: train, validation)"),
        ("train:mean_squared_error", "no baseline for this metric"),
        ("validation:mse", "no baseline for this metric"),
        ("mean_squared_error", "not of the form CHANNEL:NAME"),
    ],
)
def test_an_unsupported_baseline_exits_2_without_output(tmp_path, output, capsys, metric, reason):
    source = ml100k(tmp_path / "ml-100k.zip")
    with pytest.raises(SystemExit) as exit_info:
        run_movielens(source, output, "--baseline", metric)
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert f"movielens: error: --baseline {metric}: {reason}; supported: validation:mean_squared_error\n" in error
    assert files_under(output) == []


def test_bad_input_leaves_no_baseline(tmp_path, output, capsys):
    source = make_zip(tmp_path / "ml-100k.zip", {"ml-100k/ua.base": "1\t2\t3\t4\n", "ml-100k/ua.test": "1\t2\t7\t4"})
    code = run_movielens(source, output, "--baseline", "validation:mean_squared_error")
    assert_fails_in_process(code, capsys, output, "ml-100k/ua.test: row 1: field 'rating': rating 7 is outside 1..5")
    assert not (output / "baseline").exists()


def test_a_zip_bomb_member_stops_at_max_bytes(tmp_path, output, capsys):
    """4 MiB of zeros compress to a few KB: read whole, a real bomb would take the job's memory."""
    source = make_zip(tmp_path / "ml-100k.zip", {"ml-100k/ua.base": b"\0" * (4 << 20), "ml-100k/ua.test": "x"})
    assert source.stat().st_size < 20_000
    code = run_movielens(source, output, "--max-bytes", 1_000_000)
    assert_fails_in_process(
        code, capsys, output, f"{source}:ml-100k/ua.base: decompressed data exceeds 1,000,000 bytes"
    )


def test_the_default_member_limit_holds_the_real_files(tmp_path, output):
    """ua.base, the larger member, is about 1.8 MB; the default leaves ample room, a lowered limit does not."""
    source = ml100k(tmp_path / "ml-100k.zip")
    assert run_movielens(source, output) == 0
    assert movielens.MAX_MEMBER_BYTES > 30 * 1_800_000
