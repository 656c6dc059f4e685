"""processing/wmt.py: WMT17 en-de (corpus.tc.*.gz, newstest2014.tc.*) -> vocabularies and RecordIO for Seq2Seq.

The corpus files are small stand-ins written in tmp_path in the real layout; records are decoded with the
independent reader in recordio_reader.py, which checks the layout of the SageMaker Seq2Seq example's writer
(aws/amazon-sagemaker-examples, introduction_to_amazon_algorithms/seq2seq_translation_en-de/create_vocab_proto.py:
features "source" and "target", Int32Tensors, no label), and where protobuf is installed against Records built
the way that writer builds them.
"""

import gzip
import io
import json
import struct
import tarfile
from pathlib import Path

import pytest
import wmt
from processing_testlib import (
    BOMB_SIZE,
    assert_fails_in_process,
    assert_input_error,
    files_under,
    gzip_bomb,
    run_processing,
)
from recordio_reader import read_records, read_seq2seq

TRAIN_EN = ["the cat sat", "the dog ran", "a cat", "the end"]
TRAIN_DE = ["die Katze saß", "der Hund lief", "eine Katze", "das Ende"]
DEV_EN = ["the cat ran", "a bird"]
DEV_DE = ["die Katze lief", "ein Vogel"]


@pytest.fixture
def output_splits() -> tuple[str, ...]:
    return ("train", "validation", "vocab")


def write_lines(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(line + "\n" for line in lines).encode()
    path.write_bytes(gzip.compress(data, mtime=0) if path.name.endswith(".gz") else data)
    return path


def corpus(folder: Path, train_en=TRAIN_EN, train_de=TRAIN_DE, dev_en=DEV_EN, dev_de=DEV_DE, dev_gz=False) -> Path:
    suffix = ".gz" if dev_gz else ""
    write_lines(folder / "corpus.tc.en.gz", train_en)
    write_lines(folder / "corpus.tc.de.gz", train_de)
    write_lines(folder / f"newstest2014.tc.en{suffix}", dev_en)
    write_lines(folder / f"newstest2014.tc.de{suffix}", dev_de)
    return folder


def run_wmt(source, output, *args) -> int:
    inputs = source if isinstance(source, list) else [source]
    argv = [item for path in inputs for item in ("--input", str(path))]
    return wmt.main([*argv, "--output-dir", str(output), *map(str, args)])


def vocab(output: Path, side: str) -> dict[str, int]:
    return json.loads((output / "vocab" / f"vocab.{side}.json").read_text(encoding="utf-8"))


def pairs(path: Path) -> list[tuple[list[int], list[int]]]:
    """(source ids, target ids) of each record; read_seq2seq fails on any other layout."""
    return read_seq2seq(path.read_bytes())


def encode(vocabulary: dict[str, int], line: str) -> list[int]:
    return [vocabulary.get(token, 1) for token in line.split()]


def test_writes_vocabularies_and_records(tmp_path, output, capsys):
    source = corpus(tmp_path / "data")
    assert run_wmt(source, output) == 0

    assert files_under(output) == [
        output / "train" / "train.rec",
        output / "validation" / "val.rec",
        output / "vocab" / "vocab.src.json",
        output / "vocab" / "vocab.trg.json",
    ]
    src, trg = vocab(output, "src"), vocab(output, "trg")
    # counts: the 3, cat 2, then ties in code point order
    assert list(src.items()) == [("<pad>", 0), ("<unk>", 1), ("<s>", 2), ("</s>", 3), ("the", 4), ("cat", 5),
                                 ("a", 6), ("dog", 7), ("end", 8), ("ran", 9), ("sat", 10)]  # fmt: skip
    assert list(trg)[:5] == ["<pad>", "<unk>", "<s>", "</s>", "Katze"]
    assert list(trg)[5:] == sorted(list(trg)[5:])  # all other German tokens occur once: sorted by code point
    assert "saß" in trg
    assert pairs(output / "train" / "train.rec") == [
        (encode(src, en), encode(trg, de)) for en, de in zip(TRAIN_EN, TRAIN_DE, strict=True)
    ]
    assert pairs(output / "validation" / "val.rec") == [
        ([4, 5, 9], [trg["die"], trg["Katze"], trg["lief"]]),
        ([6, 1], [1, 1]),
    ]
    assert capsys.readouterr().out == (
        "wmt: train read 4 pairs, kept 4, skipped 0 empty and 0 too long; "
        "validation read 2 pairs, kept 2 (0 longer than the max length), skipped 0 empty; "
        "vocabulary sizes: source 11, target 13 (max length 100)\n"
    )


def test_records_have_exactly_the_source_and_target_features_and_no_label(tmp_path, output):
    # Seq2Seq reads features["source"] and features["target"] (the example's list_to_record_bytes); the earlier
    # features["values"] / label["values"] layout fails here.
    assert run_wmt(corpus(tmp_path / "data"), output) == 0
    for path in (output / "train" / "train.rec", output / "validation" / "val.rec"):
        records = read_records(path.read_bytes())
        assert records
        for record in records:
            assert set(record["features"]) == {"source", "target"}
            assert record["label"] == {}
            for tensor in record["features"].values():
                assert tensor["dtype"] == "int32" and tensor["keys"] == [] and tensor["shape"] == []
        data, position = path.read_bytes(), 0
        while position < len(data):  # framing as the example's write_recordio: magic, plain length (cflag 0)
            magic, length = struct.unpack_from("<II", data, position)
            assert magic == 0xCED7230A and length >> 29 == 0
            position += 8 + length + (-length % 4)


def test_records_equal_the_seq2seq_examples_records(tmp_path, output):
    pytest.importorskip("google.protobuf")
    import protobuf_record

    record_class = protobuf_record.record_class()
    assert run_wmt(corpus(tmp_path / "data"), output) == 0
    src, trg = vocab(output, "src"), vocab(output, "trg")
    expected = b""
    for en, de in zip(DEV_EN, DEV_DE, strict=True):  # list_to_record_bytes and write_recordio, step by step
        record = record_class()
        record.features["source"].int32_tensor.values.extend(encode(src, en))
        record.features["target"].int32_tensor.values.extend(encode(trg, de))
        payload = record.SerializeToString(deterministic=True)  # map entries in key order
        expected += struct.pack("<II", 0xCED7230A, len(payload)) + payload + b"\0" * (-len(payload) % 4)
    assert (output / "validation" / "val.rec").read_bytes() == expected


def test_vocab_size_caps_and_special_tokens_are_not_counted_again(tmp_path, output):
    source = corpus(tmp_path / "data", train_en=["<unk> x x y z z z", "<s> y"], train_de=["a b", "c"])
    assert run_wmt(source, output, "--vocab-size", 6) == 0
    assert vocab(output, "src") == {"<pad>": 0, "<unk>": 1, "<s>": 2, "</s>": 3, "z": 4, "x": 5}
    train = pairs(output / "train" / "train.rec")
    assert train[0][0] == [1, 5, 5, 1, 4, 4, 4]  # y is unknown: beyond the vocabulary size
    assert train[1][0] == [2, 1]


def test_max_pairs_reads_only_the_first_lines(tmp_path, output, capsys):
    # the German file is shorter: not noticed, it is never read to its end
    source = corpus(tmp_path / "data", train_de=TRAIN_DE[:3])
    assert run_wmt(source, output, "--max-pairs", 2) == 0
    assert len(pairs(output / "train" / "train.rec")) == 2
    assert set(vocab(output, "src")) == {"<pad>", "<unk>", "<s>", "</s>", "the", "cat", "sat", "dog", "ran"}
    assert "train read 2 pairs, kept 2" in capsys.readouterr().out


def test_training_skips_long_and_empty_pairs_validation_only_empty_ones(tmp_path, output, capsys):
    train_en = ["a b c", "a b", "", "a", "x y"]
    train_de = ["d e", "d e f", "d", "  ", "z"]
    dev_en, dev_de = ["x y x", "", "y", "x"], ["z", "z", "z z z", "z"]
    source = corpus(tmp_path / "data", train_en=train_en, train_de=train_de, dev_en=dev_en, dev_de=dev_de)
    assert run_wmt(source, output, "--max-length", 2) == 0
    src, trg = vocab(output, "src"), vocab(output, "trg")
    assert "c" not in src and "f" not in trg  # only kept training pairs are counted
    assert pairs(output / "train" / "train.rec") == [([src["x"], src["y"]], [trg["z"]])]
    x, y, z = src["x"], src["y"], trg["z"]
    # the validation set is kept whole, pairs longer than --max-length included: only the empty pair is left out
    assert pairs(output / "validation" / "val.rec") == [([x, y, x], [z]), ([y], [z, z, z]), ([x], [z])]
    out = capsys.readouterr().out
    assert "train read 5 pairs, kept 1, skipped 2 empty and 2 too long" in out
    assert "validation read 4 pairs, kept 3 (2 longer than the max length), skipped 1 empty" in out


def test_a_long_pair_is_trained_on_only_when_short_enough_but_always_validated(tmp_path, output):
    long_en, long_de = " ".join(["the"] * 7), " ".join(["die"] * 7)
    source = corpus(tmp_path / "data", train_en=[*TRAIN_EN, long_en], train_de=[*TRAIN_DE, long_de],
                    dev_en=[long_en, *DEV_EN], dev_de=[long_de, *DEV_DE])  # fmt: skip
    assert run_wmt(source, tmp_path / "short", "--max-length", 6) == 0
    assert run_wmt(source, tmp_path / "long", "--max-length", 7) == 0
    assert len(pairs(tmp_path / "short" / "train" / "train.rec")) == 4
    assert len(pairs(tmp_path / "long" / "train" / "train.rec")) == 5
    for folder in ("short", "long"):
        validation = pairs(tmp_path / folder / "validation" / "val.rec")
        assert len(validation) == 3 and len(validation[0][0]) == len(validation[0][1]) == 7


def test_records_written_in_batches_equal_one_batch(tmp_path, monkeypatch):
    source = corpus(tmp_path / "data", train_en=TRAIN_EN * 3, train_de=TRAIN_DE * 3)
    assert run_wmt(source, tmp_path / "one") == 0
    monkeypatch.setattr(wmt, "BATCH", 5)
    assert run_wmt(source, tmp_path / "batched") == 0
    for path in ("train/train.rec", "validation/val.rec", "vocab/vocab.src.json", "vocab/vocab.trg.json"):
        assert (tmp_path / "one" / path).read_bytes() == (tmp_path / "batched" / path).read_bytes()
    assert len(pairs(tmp_path / "one" / "train" / "train.rec")) == 12


def test_files_given_directly_with_gzipped_dev_set(tmp_path, output):
    folder = corpus(tmp_path / "data", dev_gz=True)
    files = sorted(folder.iterdir())
    assert run_wmt(files[:2], output, "--input", files[2], "--input", files[3]) == 0
    assert len(pairs(output / "validation" / "val.rec")) == 2


def test_runs_through_the_dispatcher(tmp_path):
    result = run_processing("wmt", "--input", tmp_path / "missing", "--output-dir", tmp_path / "out")
    assert_input_error(result, "no such file or folder")


# --- bad input --------------------------------------------------------------------------------------------------


def test_train_line_count_mismatch_names_both_files_and_counts(tmp_path, output, capsys):
    source = corpus(tmp_path / "data", train_de=TRAIN_DE + ["extra", "more"])
    en, de = source / "corpus.tc.en.gz", source / "corpus.tc.de.gz"
    code = run_wmt(source, output)
    assert_fails_in_process(code, capsys, output, f"error: line count mismatch: {en} has 4 lines, {de} has 6")


def test_dev_line_count_mismatch(tmp_path, output, capsys):
    source = corpus(tmp_path / "data", dev_en=DEV_EN + ["one more"])
    en, de = source / "newstest2014.tc.en", source / "newstest2014.tc.de"
    code = run_wmt(source, output)
    assert_fails_in_process(code, capsys, output, f"line count mismatch: {en} has 3 lines, {de} has 2")


def test_missing_file(tmp_path, output, capsys):
    source = corpus(tmp_path / "data")
    (source / "newstest2014.tc.de").unlink()
    code = run_wmt(source, output)
    assert_fails_in_process(code, capsys, output, "no newstest2014.tc.de or newstest2014.tc.de.gz in the input")
    missing = tmp_path / "nothing"
    assert_fails_in_process(run_wmt(missing, output), capsys, output, f"error: {missing}: no such file or folder")


def test_both_plain_and_gzip_forms_are_ambiguous(tmp_path, output, capsys):
    source = corpus(tmp_path / "data")
    write_lines(source / "corpus.tc.en", TRAIN_EN)
    assert_fails_in_process(run_wmt(source, output), capsys, output, "more than one corpus.tc.en[.gz]")


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"not gzip at all\n", "corrupt gzip file"),
        (gzip.compress(b"the cat sat\n" * 50)[:-12], "corrupt gzip file"),
        (gzip.compress("caf\xe9\n".encode("latin-1")), "not UTF-8 text"),
    ],
)
def test_corrupt_input(tmp_path, output, capsys, data, fragment):
    source = corpus(tmp_path / "data")
    (source / "corpus.tc.en.gz").write_bytes(data)
    code = run_wmt(source, output)
    assert_fails_in_process(code, capsys, output, f"error: {source / 'corpus.tc.en.gz'}: {fragment}")


def test_a_leading_byte_order_mark_is_not_part_of_the_first_token(tmp_path, output):
    plain = corpus(tmp_path / "plain")
    assert run_wmt(plain, output) == 0
    expected = {path.relative_to(output): path.read_bytes() for path in files_under(output)}
    assert "the" in vocab(output, "src")

    marked = corpus(tmp_path / "marked")
    for name, lines in (("corpus.tc.en.gz", TRAIN_EN), ("corpus.tc.de.gz", TRAIN_DE), ("newstest2014.tc.de", DEV_DE)):
        write_lines(marked / name, ["\ufeff" + lines[0], *lines[1:]])
    second = tmp_path / "second"
    for folder in output_folders(second):
        folder.mkdir(parents=True)
    assert run_wmt(marked, second) == 0
    assert {path.relative_to(second): path.read_bytes() for path in files_under(second)} == expected


def test_a_gzip_bomb_stops_at_max_bytes(tmp_path, output, capsys):
    source = corpus(tmp_path / "data")
    bomb = gzip_bomb(source / "corpus.tc.en.gz", b"the cat sat\n" * (BOMB_SIZE // 12))  # short lines: only bytes count
    gzip_bomb(source / "corpus.tc.de.gz", b"die Katze\n" * (BOMB_SIZE // 10))
    assert bomb.stat().st_size < 50_000
    code = run_wmt(source, output, "--max-bytes", 1_000_000)
    assert_fails_in_process(code, capsys, output, f"error: {bomb}: decompressed data exceeds 1,000,000 bytes")


def test_the_byte_limit_counts_plain_files_too(tmp_path, output, capsys):
    source = corpus(tmp_path / "data", dev_de=[DEV_DE[0] + " lang" * 20, DEV_DE[1]])  # the largest file
    dev = source / "newstest2014.tc.de"
    size = dev.stat().st_size
    code = run_wmt(source, output, "--max-bytes", size - 1)
    assert_fails_in_process(code, capsys, output, f"error: {dev}: decompressed data exceeds {size - 1:,} bytes")
    assert run_wmt(source, tmp_path / "ok", "--max-bytes", size) == 0


def test_a_zero_bomb_is_one_line_too_long(tmp_path, output, capsys):
    source = corpus(tmp_path / "data")
    bomb = gzip_bomb(source / "corpus.tc.de.gz")
    code = run_wmt(source, output)
    assert_fails_in_process(code, capsys, output, f"error: {bomb}: row 1: line longer than 100,000 characters")


def test_a_line_longer_than_max_line_length_names_file_and_row(tmp_path, output, capsys):
    source = corpus(tmp_path / "data", dev_de=[DEV_DE[0], DEV_DE[1], "x" * 21])
    write_lines(source / "newstest2014.tc.en", [*DEV_EN, "y"])
    assert run_wmt(source, tmp_path / "ok", "--max-line-length", 21) == 0
    capsys.readouterr()
    code = run_wmt(source, output, "--max-line-length", 20)
    message = f"error: {source / 'newstest2014.tc.de'}: row 3: line longer than 20 characters"
    assert_fails_in_process(code, capsys, output, message)


def test_a_bomb_in_dev_tgz_stops_at_max_bytes(tmp_path, output, capsys):
    folder = tmp_path / "data"
    write_lines(folder / "corpus.tc.en.gz", TRAIN_EN)
    write_lines(folder / "corpus.tc.de.gz", TRAIN_DE)
    archive = folder / "dev.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (("dev/newstest2014.tc.en", bytes(BOMB_SIZE)), ("dev/newstest2014.tc.de", b"x\n")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    code = run_wmt(folder, output, "--max-bytes", 1_000_000)
    assert_fails_in_process(code, capsys, output, f"error: {archive}: decompressed data exceeds 1,000,000 bytes")
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".wmt-dev-")] == []


def test_no_usable_pairs(tmp_path, output, capsys):
    source = corpus(tmp_path / "data", train_en=["", "a"], train_de=["b", ""])
    code = run_wmt(source, output)
    assert_fails_in_process(code, capsys, output, "no usable pairs (read 2 pairs, kept 0, skipped 2 empty")
    source = corpus(tmp_path / "dev", dev_en=["a b", "", "c"], dev_de=["", "d", " "])
    code = run_wmt(source, output)
    assert_fails_in_process(code, capsys, output, f"error: {source / 'newstest2014.tc.en'}: no usable pairs",
                            "read 3 pairs, kept 0 (0 longer than the max length), skipped 3 empty")  # fmt: skip
    source = corpus(tmp_path / "long-dev", dev_en=["a " * 5], dev_de=["b"])  # long, but validated all the same
    assert run_wmt(source, output, "--max-length", 4) == 0
    assert len(pairs(output / "validation" / "val.rec")) == 1


@pytest.mark.parametrize("args", [["--max-pairs", "-1"], ["--vocab-size", "4"], ["--max-length", "0"]])
def test_bad_arguments_are_usage_errors(tmp_path, output, args):
    with pytest.raises(SystemExit) as exit_info:
        run_wmt(corpus(tmp_path / "data"), output, *args)
    assert exit_info.value.code == 2
    assert files_under(output) == []


# --- the dev set inside the release's dev.tgz --------------------------------------------------------------------


def dev_tgz(path: Path, members: dict[str, list[str]]) -> Path:
    """A gzip tar like the WMT17 release's dev.tgz, holding the given text files (and another year's dev set)."""
    staging = path.parent / "dev-staging"
    for name, lines in {**members, "dev/newstest2013.tc.en": ["other year"]}.items():
        write_lines(staging / name, lines)
    with tarfile.open(path, "w:gz") as archive:
        archive.add(staging / "dev", arcname="dev")
    return path


def test_reads_the_dev_set_from_dev_tgz(tmp_path, output):
    plain = corpus(tmp_path / "plain")
    assert run_wmt(plain, output) == 0
    expected = {path.relative_to(output): path.read_bytes() for path in files_under(output)}

    packed = tmp_path / "packed"
    write_lines(packed / "corpus.tc.en.gz", TRAIN_EN)
    write_lines(packed / "corpus.tc.de.gz", TRAIN_DE)
    dev_tgz(packed / "dev.tgz", {"dev/newstest2014.tc.en": DEV_EN, "dev/newstest2014.tc.de": DEV_DE})
    second = tmp_path / "second"
    for folder in output_folders(second):
        folder.mkdir(parents=True)
    assert run_wmt(packed, second) == 0
    assert {path.relative_to(second): path.read_bytes() for path in files_under(second)} == expected
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith(".wmt-dev-")) == []


def output_folders(root: Path) -> list[Path]:
    return [root / name for name in ("train", "validation", "vocab")]


def test_dev_tgz_without_the_dev_set_names_it(tmp_path, output, capsys):
    folder = tmp_path / "data"
    write_lines(folder / "corpus.tc.en.gz", TRAIN_EN)
    write_lines(folder / "corpus.tc.de.gz", TRAIN_DE)
    dev_tgz(folder / "dev.tgz", {"dev/newstest2014.tc.en": DEV_EN})
    assert_fails_in_process(run_wmt(folder, output), capsys, output, "no newstest2014.tc.de or newstest2014.tc.de.gz")


def test_corrupt_dev_tgz_names_the_archive(tmp_path, output, capsys):
    folder = tmp_path / "data"
    write_lines(folder / "corpus.tc.en.gz", TRAIN_EN)
    write_lines(folder / "corpus.tc.de.gz", TRAIN_DE)
    (folder / "dev.tgz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    code = run_wmt(folder, output)
    assert_fails_in_process(code, capsys, output, f"error: {folder / 'dev.tgz'}: corrupt or unreadable archive")


def test_dev_tgz_is_extracted_even_when_the_output_folder_does_not_exist_yet(tmp_path):
    folder = tmp_path / "data"
    write_lines(folder / "corpus.tc.en.gz", TRAIN_EN)
    write_lines(folder / "corpus.tc.de.gz", TRAIN_DE)
    dev_tgz(folder / "dev.tgz", {"dev/newstest2014.tc.en": DEV_EN, "dev/newstest2014.tc.de": DEV_DE})
    output = tmp_path / "new" / "output"
    assert run_wmt(folder, output) == 0
    assert (output / "validation" / "val.rec").stat().st_size > 0
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".wmt-dev-")]  # removed again
