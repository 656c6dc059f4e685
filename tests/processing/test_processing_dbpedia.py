"""processing/dbpedia.py: dbpedia_csv.tar.gz -> BlazingText `__label__Class tokens...` lines.

The archives are built in tmp_path with tarfile in the real layout (dbpedia_csv/{classes.txt,readme.txt,test.csv,
train.csv}, CSV fields quoted as in the original file).
"""

import csv
import io
import json
import os
import tarfile
from collections import Counter
from pathlib import Path

import dbpedia
import pytest
from processing_testlib import BOMB_SIZE, assert_fails_in_process, assert_input_error, files_under, run_processing
from shared.tokenize import tokenize

CLASSES = [
    "Company",
    "EducationalInstitution",
    "Artist",
    "Athlete",
    "OfficeHolder",
    "MeanOfTransportation",
    "Building",
    "NaturalPlace",
    "Village",
    "Animal",
    "Plant",
    "Album",
    "Film",
    "WrittenWork",
]


@pytest.fixture
def output_splits() -> tuple[str, ...]:
    return ("train", "validation")


def documents(count: int, offset: int = 0) -> list[tuple[str, str, str]]:
    return [
        (str(1 + (offset + index) % 14), f"Title {offset + index}", f' An "abstract", number {index}, isn\'t it?')
        for index in range(count)
    ]


def to_csv(rows) -> bytes:
    text = io.StringIO()
    csv.writer(text, quoting=csv.QUOTE_MINIMAL, lineterminator="\n").writerows(rows)
    return text.getvalue().encode()


def make_archive(path: Path, members: dict[str, bytes | str], compress: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz" if compress else "w") as archive:
        for name, content in members.items():
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def members(train=None, test=None, classes=None) -> dict[str, bytes | str]:
    return {
        "dbpedia_csv/classes.txt": "\n".join(CLASSES) + "\n" if classes is None else classes,
        "dbpedia_csv/readme.txt": "DBPedia Ontology Classification Dataset (test stand-in)\n",
        "dbpedia_csv/test.csv": to_csv(documents(30, 1000) if test is None else test),
        "dbpedia_csv/train.csv": to_csv(documents(100) if train is None else train),
    }


def archive(tmp_path: Path, **kwargs) -> Path:
    return make_archive(tmp_path / "dbpedia_csv.tar.gz", members(**kwargs))


def run_dbpedia(source, output, *args) -> int:
    return dbpedia.main(["--input", str(source), "--output-dir", str(output), *map(str, args)])


def read_lines(output: Path, split: str) -> list[str]:
    text = (output / split / f"{split}.txt").read_text(encoding="utf-8")
    assert text.endswith("\n")
    return text.split("\n")[:-1]


def expected_line(row: tuple[str, str, str]) -> str:
    return f"__label__{CLASSES[int(row[0]) - 1]} " + " ".join(tokenize(f"{row[1]} {row[2]}".lower()))


# --- tokenizer -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("hello, world!", ["hello", ",", "world", "!"]),
        ("don't o'neill rock'n'roll", ["don't", "o'neill", "rock'n'roll"]),
        ("well-known x86-64 -dash- a--b", ["well-known", "x86-64", "-", "dash", "-", "a", "--", "b"]),
        ("3.14 1,000,000 12:30 1/2 1990s 2005.", ["3.14", "1,000,000", "12:30", "1/2", "1990s", "2005", "."]),
        ('"quoted" (paren) [b] {c}', ['"', "quoted", '"', "(", "paren", ")", "[", "b", "]", "{", "c", "}"]),
        ("u.s. wait... dogs' 'tis", ["u", ".", "s", ".", "wait", "...", "dogs", "'", "'", "tis"]),
        ("zürich, são paulo – 東京", ["zürich", ",", "são", "paulo", "–", "東京"]),
        ("snake_case __label__x $5 50%", ["snake", "_", "case", "_", "_", "label", "_", "_", "x", "$", "5", "50", "%"]),
        ("  tabs\tand\nnew\u00a0lines  ", ["tabs", "and", "new", "lines"]),
        ("", []),
        ("the ’curly’ isn’t", ["the", "’", "curly", "’", "isn’t"]),
    ],
)
def test_tokenizer(text, tokens):
    assert tokenize(text) == tokens
    assert all(token and not any(character.isspace() for character in token) for token in tokenize(text))


# --- output --------------------------------------------------------------------------------------------------


def test_label_lines_with_class_names_and_lower_cased_tokens(tmp_path, output, capsys):
    train = [
        ("1", "E. D. Abbott Ltd", ' Abbott of Farnham, "E D Abbott" Limited was a British coachbuilding business.'),
        ("14", "The Book", " A novel (1999) by someone; it isn't short."),
        ("10", "Zürich Owl", "  "),
    ]
    test = [("8", "Mount X", " A mountain, 3,000 m high."), ("13", "", " Film only in the abstract.")]
    source = archive(tmp_path, train=train, test=test)

    assert run_dbpedia(source, output, "--train-fraction", 1.0) == 0

    assert files_under(output) == [output / "train" / "train.txt", output / "validation" / "validation.txt"]
    assert sorted(read_lines(output, "train")) == sorted(map(expected_line, train))
    assert "__label__Company e . d . abbott ltd abbott of farnham , \" e d abbott \" limited was a british " \
        "coachbuilding business ." in read_lines(output, "train")  # fmt: skip
    assert "__label__WrittenWork the book a novel ( 1999 ) by someone ; it isn't short ." in read_lines(output, "train")
    assert "__label__Animal zürich owl" in read_lines(output, "train")
    assert sorted(read_lines(output, "validation")) == [
        "__label__Film film only in the abstract .",
        "__label__NaturalPlace mount x a mountain , 3,000 m high .",
    ]
    assert capsys.readouterr().out == (
        f"dbpedia: read {source}: 14 classes, train.csv 3 rows, test.csv 2 rows; "
        "wrote train 3 (fraction 1.0, seed 0), validation 2\n"
    )


def test_every_class_maps_to_its_line_of_classes_txt(tmp_path, output):
    rows = [(str(index), f"doc {index}", " text") for index in range(1, 15)]
    assert run_dbpedia(archive(tmp_path, train=rows, test=rows), output, "--train-fraction", 1) == 0
    for split in ("train", "validation"):
        labels = {line.split(" ")[0]: line.split(" ")[2] for line in read_lines(output, split)}
        assert labels == {f"__label__{name}": str(index) for index, name in enumerate(CLASSES, start=1)}


def test_members_in_any_order_and_a_folder_input(tmp_path, output):
    ordered = members()
    reordered = {name: ordered[name] for name in reversed(ordered)}  # classes.txt last
    make_archive(tmp_path / "data" / "dbpedia_csv.tar.gz", reordered)
    (tmp_path / "data" / "notes.md").write_text("not an archive")
    assert run_dbpedia(tmp_path / "data", output, "--train-fraction", 1) == 0
    assert sorted(read_lines(output, "train")) == sorted(map(expected_line, documents(100)))


def test_train_fraction_keeps_a_seeded_random_share(tmp_path, output):
    source = archive(tmp_path)
    assert run_dbpedia(source, output) == 0  # default 0.2
    kept = read_lines(output, "train")
    assert len(kept) == 20 and len(set(kept)) == 20
    everything = set(map(expected_line, documents(100)))
    assert set(kept) <= everything
    assert len(read_lines(output, "validation")) == 30  # all of test.csv, whatever the fraction
    assert run_dbpedia(source, tmp_path / "half", "--train-fraction", 0.5) == 0
    assert len(read_lines(tmp_path / "half", "train")) == 50
    assert run_dbpedia(source, tmp_path / "other", "--seed", 1) == 0
    assert set(read_lines(tmp_path / "other", "train")) != set(kept)


def test_shuffle_is_seeded(tmp_path):
    source = archive(tmp_path)
    outputs = {}
    for name, seed in (("a", 0), ("b", 0), ("c", 1)):
        assert run_dbpedia(source, tmp_path / name, "--seed", seed, "--train-fraction", 1) == 0
        outputs[name] = [(tmp_path / name / s / f"{s}.txt").read_bytes() for s in ("train", "validation")]
    assert outputs["a"] == outputs["b"]
    assert outputs["a"][0] != outputs["c"][0] and outputs["a"][1] != outputs["c"][1]
    assert read_lines(tmp_path / "a", "train") != [expected_line(row) for row in documents(100)]  # not file order
    assert sorted(read_lines(tmp_path / "a", "validation")) == sorted(map(expected_line, documents(30, 1000)))


def test_validation_has_one_line_per_test_row(tmp_path, output):
    test = documents(77, 500)
    assert run_dbpedia(archive(tmp_path, test=test), output, "--train-fraction", 0.1) == 0
    assert len(read_lines(output, "validation")) == 77
    assert len(read_lines(output, "train")) == 10


def test_multi_line_quoted_abstract_becomes_one_line(tmp_path, output):
    train = [("3", 'A "quoted" title', ' first line,\nsecond line ""x""'), *documents(3)]
    assert run_dbpedia(archive(tmp_path, train=train), output, "--train-fraction", 1) == 0
    assert '__label__Artist a " quoted " title first line , second line " " x " "' in read_lines(output, "train")


def test_dispatcher_runs_the_script(tmp_path, output):
    source = archive(tmp_path)
    result = run_processing("dbpedia", "--input", source, "--output-dir", output)
    assert result.returncode == 0, result.stderr
    assert len(read_lines(output, "train")) == 20


# --- bad input -----------------------------------------------------------------------------------------------

TRAIN = "dbpedia_csv/train.csv"
TEST = "dbpedia_csv/test.csv"


@pytest.mark.parametrize(
    ("change", "fragments"),
    [
        ({"train": [*documents(3), ("1", "only two")]}, [TRAIN, "row 4", "expected 3 fields, got 2"]),
        ({"test": [*documents(2), ("1", "a", "b", "c")]}, [TEST, "row 3", "expected 3 fields, got 4"]),
        ({"train": [("x", "t", "a")]}, [TRAIN, "row 1", "field 'class'", "not a number"]),
        ({"train": [("1.5", "t", "a")]}, [TRAIN, "row 1", "field 'class'"]),
        ({"train": [*documents(5), ("15", "t", "a")]}, [TRAIN, "row 6", "field 'class'", "15 is outside 1..14"]),
        ({"test": [("0", "t", "a")]}, [TEST, "row 1", "field 'class'", "0 is outside 1..14"]),
        ({"train": [*documents(2), ("2", " ", "  ")]}, [TRAIN, "row 3", "field 'abstract'", "empty document"]),
        ({"classes": ""}, ["dbpedia_csv/classes.txt", "no class names"]),
        ({"classes": "\n\n"}, ["dbpedia_csv/classes.txt", "no class names"]),
        ({"classes": "A\n\nB\n"}, ["dbpedia_csv/classes.txt", "row 2", "non-empty"]),
        ({"classes": "A\nB C\n"}, ["dbpedia_csv/classes.txt", "row 2", "without spaces"]),
        ({"classes": "A\nA\n"}, ["dbpedia_csv/classes.txt", "row 2", "duplicate"]),
        ({"train": []}, [TRAIN, "no data rows"]),
    ],
)
def test_bad_rows_name_member_row_and_field(tmp_path, output, capsys, change, fragments):
    source = archive(tmp_path, **change)
    code = run_dbpedia(source, output, "--train-fraction", 1)
    assert_fails_in_process(code, capsys, output, f"error: {source}:", *fragments)


def test_class_above_a_classes_txt_that_comes_last_is_still_refused(tmp_path, output, capsys):
    ordered = members(train=[("3", "t", "a"), ("1", "t", "a"), ("9", "t", "a"), ("4", "t", "a")], classes="A\nB\nC\n")
    source = make_archive(tmp_path / "x.tar.gz", {name: ordered[name] for name in reversed(ordered)})
    code = run_dbpedia(source, output)
    assert_fails_in_process(code, capsys, output, TRAIN, "row 3", "field 'class'", "class index 9 is outside 1..3")


def test_bad_utf8_and_bad_csv(tmp_path, output, capsys):
    bad = members()
    bad["dbpedia_csv/test.csv"] = b'1,"ok"," fine"\n2,"caf\xe9"," x"\n'
    code = run_dbpedia(make_archive(tmp_path / "u.tar.gz", bad), output)
    assert_fails_in_process(code, capsys, output, TEST, "not UTF-8")
    bad["dbpedia_csv/test.csv"] = b'1,"ok"," fine"\n2,"open quote," x\n'
    code = run_dbpedia(make_archive(tmp_path / "c.tar.gz", bad), output)
    assert_fails_in_process(code, capsys, output, TEST, "row 2", "bad CSV")


@pytest.mark.parametrize("member", [TRAIN, "dbpedia_csv/classes.txt", "dbpedia_csv/readme.txt"])
def test_a_tar_bomb_stops_at_max_bytes(tmp_path, output, capsys, member):
    # 4 MiB of zeros, a few KB in the archive; the limit counts every member, read or skipped
    source = make_archive(tmp_path / "dbpedia_csv.tar.gz", {**members(), member: bytes(BOMB_SIZE)})
    assert source.stat().st_size < 50_000

    code = run_dbpedia(source, output, "--max-bytes", 1_000_000)

    line = assert_fails_in_process(code, capsys, output, f"error: {source}: decompressed data exceeds 1,000,000 bytes")
    assert member in line


def test_the_byte_limit_counts_the_members_data(tmp_path, output, capsys):
    parts = members()
    size = sum(len(content.encode() if isinstance(content, str) else content) for content in parts.values())
    source = make_archive(tmp_path / "dbpedia_csv.tar.gz", parts)
    assert_fails_in_process(run_dbpedia(source, output, "--max-bytes", size - 1), capsys, output, "exceeds")
    assert run_dbpedia(source, output, "--max-bytes", size) == 0


@pytest.mark.parametrize(
    ("length", "extra", "limit"), [(1_100_000, (), 1_000_000), (2000, ("--max-line-length", 1000), 1000)]
)
def test_a_line_longer_than_the_limit_fails_naming_member_and_row(tmp_path, output, capsys, length, extra, limit):
    source = archive(tmp_path, train=[*documents(2), ("3", "Long", "x" * length), *documents(2)])
    code = run_dbpedia(source, output, *extra)
    assert_fails_in_process(code, capsys, output, f"{source}:{TRAIN}: row 3: line longer than {limit:,} characters")


@pytest.mark.parametrize("where", ["title", "abstract"])
def test_a_nul_byte_fails_naming_member_and_row(tmp_path, output, capsys, where):
    bad = ("5", "Ti\0tle", "abstract") if where == "title" else ("5", "Title", "an ab\0stract")
    source = archive(tmp_path, test=[*documents(3), bad, *documents(2)])
    code = run_dbpedia(source, output)
    assert_fails_in_process(code, capsys, output, f"{source}:{TEST}: row 4: NUL character")


@pytest.mark.parametrize("missing", ["dbpedia_csv/classes.txt", TRAIN, TEST])
def test_missing_member(tmp_path, output, capsys, missing):
    parts = members()
    del parts[missing]
    source = make_archive(tmp_path / "dbpedia_csv.tar.gz", parts)
    assert_fails_in_process(run_dbpedia(source, output), capsys, output, str(source), f"missing member '{missing}'")


def test_not_gzip_corrupt_and_truncated_archives(tmp_path, output, capsys):
    plain = tmp_path / "plain.tar.gz"
    plain.write_text("1,a,b\n")
    assert_fails_in_process(run_dbpedia(plain, output), capsys, output, str(plain), "not a valid tar.gz")
    uncompressed = make_archive(tmp_path / "raw.tar.gz", members(), compress=False)
    assert_fails_in_process(run_dbpedia(uncompressed, output), capsys, output, "not a valid tar.gz")
    good = archive(tmp_path).read_bytes()
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(good[: len(good) // 2])  # ends between members: the stream just stops there
    assert_fails_in_process(run_dbpedia(truncated, output), capsys, output, str(truncated), "missing member")
    # cut inside train.csv (the last member; random text, so that the cut lands in its data)
    noisy = [(str(1 + i % 14), f"t{i}", " " + os.urandom(60).hex()) for i in range(300)]
    good = archive(tmp_path, train=noisy).read_bytes()
    truncated.write_bytes(good[: len(good) * 3 // 4])
    assert_fails_in_process(run_dbpedia(truncated, output), capsys, output, str(truncated), "not a valid tar.gz")
    corrupt = tmp_path / "corrupt.tar.gz"
    corrupt.write_bytes(good[:30] + bytes(b ^ 0x5A for b in good[30:200]) + good[200:])
    assert_fails_in_process(run_dbpedia(corrupt, output), capsys, output, str(corrupt), "not a valid tar.gz")


def test_folder_without_or_with_several_archives(tmp_path, output, capsys):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "readme.txt").write_text("x")
    assert_fails_in_process(run_dbpedia(tmp_path / "data", output), capsys, output, "found 0")
    make_archive(tmp_path / "data" / "a.tar.gz", members())
    make_archive(tmp_path / "data" / "b.tar.gz", members())
    assert_fails_in_process(run_dbpedia(tmp_path / "data", output), capsys, output, "found 2")


def test_failure_leaves_no_output_and_no_staging(tmp_path, capsys):
    source = archive(tmp_path, test=[*documents(3), ("99", "t", "a")])
    target = tmp_path / "fresh" / "out"
    assert run_dbpedia(source, target) == 2
    assert not (tmp_path / "fresh").exists()
    assert "row 4" in capsys.readouterr().err


def test_bad_arguments_exit_2_via_the_dispatcher(tmp_path, output):
    source = archive(tmp_path)
    for fraction in ("0", "1.5", "-0.1"):
        result = run_processing("dbpedia", "--input", source, "--output-dir", output, "--train-fraction", fraction)
        assert result.returncode == 2
    assert files_under(output) == []


def test_fraction_keeping_no_rows_is_an_error(tmp_path, output, capsys):
    source = archive(tmp_path, train=documents(2))
    code = run_dbpedia(source, output, "--train-fraction", 0.1)
    assert_fails_in_process(code, capsys, output, TRAIN, "keeps none")


def test_cli_error_line(tmp_path, output):
    source = archive(tmp_path, train=[("abc", "t", "a")])
    result = run_processing("dbpedia", "--input", source, "--output-dir", output)
    assert_input_error(result, TRAIN, "row 1", "field 'class'")


# --- --baseline validation:accuracy ----------------------------------------------------------------------------


def majority_by_hand(lines: list[str]) -> tuple[str, int]:
    """(label, count) of the most frequent `__label__<class>` of the lines; on a tie, the class first in CLASSES."""
    counts = Counter(line.split(" ")[0] for line in lines)
    label = min(counts, key=lambda name: (-counts[name], CLASSES.index(name.removeprefix("__label__"))))
    return label, counts[label]


@pytest.mark.parametrize(
    ("classes", "label", "count"),
    [
        (["3", "3", "3", "1", "14", "1", "7"], "__label__Artist", 3),  # 3 Artists of 7
        (["9", "2", "2", "9", "5"], "__label__EducationalInstitution", 2),  # tie of classes 2 and 9: the first, 2
    ],
)
def test_baseline_is_the_majority_accuracy_of_the_validation_labels(tmp_path, capsys, classes, label, count):
    test = [(index, f"title {number}", " an abstract") for number, index in enumerate(classes)]
    source = archive(tmp_path, test=test)

    assert run_dbpedia(source, tmp_path / "plain", "--train-fraction", 0.5) == 0
    assert run_dbpedia(source, tmp_path / "with", "--train-fraction", 0.5, "--baseline", "validation:accuracy") == 0

    assert majority_by_hand(read_lines(tmp_path / "with", "validation")) == (label, count)  # the file's own labels
    baseline = json.loads((tmp_path / "with" / "baseline" / "baseline.json").read_text())
    assert baseline == {
        "metric": "validation:accuracy",
        "value": pytest.approx(count / len(classes), rel=1e-12),
        "model": f"always {label}",
        "split": "validation",
        "records": len(classes),
    }
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"dbpedia: baseline validation:accuracy {count / len(classes):.6g} (always {label} on validation, "
        f"{len(classes)} rows)"
    )
    assert not (tmp_path / "plain" / "baseline").exists()
    for split in ("train", "validation"):  # the splits do not change with --baseline
        path = Path(split) / f"{split}.txt"
        assert (tmp_path / "with" / path).read_bytes() == (tmp_path / "plain" / path).read_bytes()
    assert len(files_under(tmp_path / "with")) == 3


def test_baseline_through_the_dispatcher(tmp_path, output):
    source = archive(tmp_path)  # test.csv: 30 documents of classes 1 + (1000 + i) % 14: 7..14, 1..14, 1..8
    result = run_processing("dbpedia", "--input", source, "--output-dir", output, "--baseline", "validation:accuracy")
    assert result.returncode == 0, result.stderr
    baseline = json.loads((output / "baseline" / "baseline.json").read_text())
    # classes 7 and 8 occur 3 times, every other twice: 3/30, the first of the two, class 7
    assert (baseline["value"], baseline["model"]) == (pytest.approx(0.1), "always __label__Building")


@pytest.mark.parametrize(
    ("metric", "reason"),
    [
        ("test:accuracy", "the test split is not written (written: train, validation)"),
        ("train:accuracy", "no baseline for this metric"),
        ("validation:f1", "no baseline for this metric"),
        ("accuracy", "not of the form CHANNEL:NAME"),
    ],
)
def test_an_unsupported_baseline_exits_2_without_output(tmp_path, output, metric, reason):
    result = run_processing("dbpedia", "--input", archive(tmp_path), "--output-dir", output, "--baseline", metric)
    assert result.returncode == 2
    assert f"dbpedia: error: --baseline {metric}: {reason}; supported: validation:accuracy\n" in result.stderr
    assert files_under(output) == []


def test_bad_input_leaves_no_baseline(tmp_path, output, capsys):
    source = archive(tmp_path, test=[*documents(3), ("99", "t", "a")])
    code = run_dbpedia(source, output, "--baseline", "validation:accuracy")
    assert_fails_in_process(code, capsys, output, TEST, "row 4", "class index 99 is outside 1..14")
    assert not (output / "baseline").exists()
