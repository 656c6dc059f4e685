"""processing/lid176.py: the pretrained fastText lid.176.bin -> model/model.tar.gz for BlazingText hosting.

The model is a small stand-in with the fastText header, read from a local file or folder: the pipeline's Download
step (fetch.py) fetched and checked it, and this step runs with network isolation. Beside the model the script
writes the fixed language test set (processing/language_test.py) as BlazingText batch-transform requests, one
{"source": "..."} per line (developer guide, https://docs.aws.amazon.com/sagemaker/latest/dg/blazingtext.html), and
the expected ISO 639-1 codes.
"""

import gzip
import hashlib
import json
import struct
import tarfile
import unicodedata
import urllib.request
from collections import Counter
from pathlib import Path

import language_test
import lid176
import pytest
from processing_testlib import (
    assert_fails_in_process,
    assert_input_error,
    files_under,
    install_fake_https,
    run_processing,
)
from shared.errors import InputError

URL = "https://dl.fbaipublicfiles.com/fasttext/supervised-models/lid.176.bin"
MODEL = struct.pack("<ii", 793712314, 12) + bytes(range(256)) * 40
LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "fi", "pl", "cs", "ru", "uk", "tr", "el", "ja",
             "zh", "ar", "hi")  # fmt: skip
# Languages with a script of their own: every letter of their sentences must be of it (unicodedata names).
SCRIPTS = {"ru": ("CYRILLIC",), "uk": ("CYRILLIC",), "el": ("GREEK",), "ar": ("ARABIC",), "hi": ("DEVANAGARI",),
           "ja": ("HIRAGANA", "KATAKANA", "CJK UNIFIED"), "zh": ("CJK UNIFIED",)}  # fmt: skip


@pytest.fixture
def output_splits() -> tuple[str, ...]:
    return ("model", "verification", "language_test")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_model(path: Path, data: bytes = MODEL) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def run_lid176(source, output, *args, data: bytes = MODEL) -> int:
    if not any(str(arg) == "--sha256" for arg in args):
        args = ("--sha256", sha256(data), *args)
    return lid176.main(["--input", str(source), "--output-dir", str(output), *map(str, args)])


def read_language_test(output: Path) -> tuple[list[str], list[str]]:
    """(sentences, expected codes) of the written test set: UTF-8, one line each, newline-terminated, same count."""
    folder = output / "language_test"
    texts = [(folder / name).read_text(encoding="utf-8") for name in ("sentences.jsonl", "languages.txt")]
    assert all(text.endswith("\n") and "\r" not in text for text in texts)
    requests, codes = (text[:-1].split("\n") for text in texts)
    assert len(requests) == len(codes)
    sentences = []
    for line in requests:
        request = json.loads(line)
        assert list(request) == ["source"]  # the batch-transform request: {"source": "<sentence>"}, nothing else
        sentences.append(request["source"])
    return sentences, codes


def assert_packaged(output: Path, data: bytes = MODEL) -> None:
    archive_path = output / "model" / "model.tar.gz"
    assert files_under(output) == [
        output / "language_test" / "languages.txt",
        output / "language_test" / "sentences.jsonl",
        archive_path,
        output / "verification" / "verification.json",
    ]
    raw = archive_path.read_bytes()
    assert raw[:2] == b"\x1f\x8b" and raw[4:8] == b"\0\0\0\0"  # gzip, mtime 0
    assert raw[3] & 0x08 == 0  # no file name in the gzip header
    with tarfile.open(archive_path, "r:gz") as archive:
        members = archive.getmembers()
        assert [member.name for member in members] == ["model.bin"]
        (member,) = members
        assert member.isfile() and member.size == len(data)
        assert (member.mtime, member.uid, member.gid, member.mode, member.uname, member.gname) == (
            0,
            0,
            0,
            0o644,
            "",
            "",
        )
        assert archive.extractfile(member).read() == data
    document = json.loads((output / "verification" / "verification.json").read_text())
    assert document == {
        "verification": {"sha256": {"value": sha256(data)}, "bytes": {"value": len(data)}, "passed": {"value": 1}}
    }
    sentences, codes = read_language_test(output)
    assert list(zip(codes, sentences, strict=True)) == language_test.labelled_sentences()


def test_packages_a_local_model(tmp_path, output, capsys):
    source = write_model(tmp_path / "lid.176.bin")
    assert run_lid176(source, output, "--size", len(MODEL)) == 0
    assert_packaged(output)
    assert capsys.readouterr().out == (
        f"lid176: read {source} ({len(MODEL)} bytes, sha256 {sha256(MODEL)}, fastText format version 12); "
        "wrote model/model.tar.gz (member model.bin), verification/verification.json (passed 1) and "
        "language_test/ (60 sentences in 20 languages)\n"
    )


# --- the language test set ----------------------------------------------------------------------------------------


def test_language_test_is_60_sentences_3_in_each_of_20_languages(tmp_path, output):
    assert run_lid176(write_model(tmp_path / "lid.176.bin"), output) == 0
    sentences, codes = read_language_test(output)
    assert len(sentences) == 60
    assert Counter(codes) == dict.fromkeys(LANGUAGES, 3)  # balanced
    assert list(dict.fromkeys(codes)) == list(LANGUAGES)  # language by language, one code per line
    assert len(set(sentences)) == 60
    for sentence in sentences:
        assert sentence == sentence.strip() and "  " not in sentence and sentence.isprintable()
        assert len(sentence.split()) >= 3 or not sentence.isascii()  # Japanese and Chinese have no spaces


def test_language_test_sentences_are_written_in_their_languages_script(tmp_path, output):
    assert run_lid176(write_model(tmp_path / "lid.176.bin"), output) == 0
    sentences, codes = read_language_test(output)
    for code, sentence in zip(codes, sentences, strict=True):
        scripts = SCRIPTS.get(code, ("LATIN",))
        letters = [char for char in sentence if char.isalpha()]
        assert letters and all(unicodedata.name(char).startswith(scripts) for char in letters), (code, sentence)
    japanese = [sentence for code, sentence in zip(codes, sentences, strict=True) if code == "ja"]
    assert all(any("HIRAGANA" in unicodedata.name(char) for char in sentence) for sentence in japanese)


def test_language_test_marks_the_languages_a_detector_could_confuse(tmp_path, output):
    # Danish, not Norwegian; Czech, not Slovak; Ukrainian, not Russian; Chinese in simplified characters.
    assert run_lid176(write_model(tmp_path / "lid.176.bin"), output) == 0
    sentences, codes = read_language_test(output)
    text = {code: " ".join(s for c, s in zip(codes, sentences, strict=True) if c == code) for code in LANGUAGES}
    assert all(word in text["da"] for word in ("hvad", "hjælp", "Vejret"))
    assert "ř" in text["cs"] and "ě" in text["cs"]
    assert "і" in text["uk"] and not set("ыэъ") & set(text["uk"])
    assert "ы" in text["ru"]  # a letter Ukrainian does not have
    assert "气" in text["zh"] and not any("HIRAGANA" in unicodedata.name(char) for char in text["zh"])


def test_language_test_is_all_or_nothing_with_the_model(tmp_path, output, capsys, monkeypatch):
    def fail(folder):
        (Path(folder) / "sentences.jsonl").write_text("partial\n")
        raise InputError("cannot write the language test")

    monkeypatch.setattr(lid176, "write_language_test", fail)
    code = run_lid176(write_model(tmp_path / "lid.176.bin"), output)
    assert_fails_in_process(code, capsys, output, "error: cannot write the language test")


def test_archive_is_deterministic(tmp_path):
    source = write_model(tmp_path / "lid.176.bin")
    assert run_lid176(source, tmp_path / "a") == 0
    assert run_lid176(source, tmp_path / "b") == 0
    archives = [(tmp_path / name / "model" / "model.tar.gz").read_bytes() for name in "ab"]
    assert archives[0] == archives[1]
    assert gzip.decompress(archives[0])[:9] == b"model.bin"  # the member header comes first: no directory entry


def test_runs_through_the_dispatcher(tmp_path):
    source = write_model(tmp_path / "lid.176.bin")
    result = run_processing("lid176", "--input", source, "--output-dir", tmp_path / "out", "--sha256", "0" * 64)
    assert_input_error(result, "checksum mismatch")


# --- failed checks ----------------------------------------------------------------------------------------------


def test_checksum_mismatch_names_expected_and_actual(tmp_path, output, capsys):
    source = write_model(tmp_path / "lid.176.bin")
    wrong = "0" * 64
    code = run_lid176(source, output, "--sha256", wrong)
    assert_fails_in_process(code, capsys, output, f"error: {source}: checksum mismatch: expected sha256 {wrong}",
                            f"got {sha256(MODEL)}")  # fmt: skip


def test_size_mismatch_names_expected_and_actual(tmp_path, output, capsys):
    source = write_model(tmp_path / "lid.176.bin")
    code = run_lid176(source, output, "--size", 131266198)
    fragment = f"error: {source}: size mismatch: expected 131266198 bytes, got {len(MODEL)}"
    assert_fails_in_process(code, capsys, output, fragment)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (
            b"PK\x03\x04" + bytes(100),
            "not a fastText model: starts with int32 67324752 (0x04034B50), expected 793712314",
        ),
        (struct.pack("<i", 793712314), "not a fastText model: only 4 bytes"),
        (b"", "not a fastText model: only 0 bytes"),
    ],
)
def test_a_file_without_the_fasttext_magic_fails(tmp_path, output, capsys, data, fragment):
    source = write_model(tmp_path / "lid.176.bin", data)
    code = run_lid176(source, output, data=data)
    assert_fails_in_process(code, capsys, output, f"error: {source}: {fragment}")


def test_missing_file_or_model_in_a_folder(tmp_path, output, capsys):
    missing = tmp_path / "nope.bin"
    assert_fails_in_process(run_lid176(missing, output), capsys, output, f"error: {missing}: no such file or folder")
    (tmp_path / "raw").mkdir()
    code = run_lid176(tmp_path / "raw", output)
    assert_fails_in_process(code, capsys, output, f"error: {tmp_path / 'raw'}: folder has no lid.176.bin")


def test_reads_the_model_from_the_download_steps_folder(tmp_path, output):
    # the Download step's raw output: lid.176.bin beside the SHA256SUMS fetch writes
    write_model(tmp_path / "raw" / "lid.176.bin")
    (tmp_path / "raw" / "SHA256SUMS").write_text(f"{sha256(MODEL)}  lid.176.bin\n")
    assert run_lid176(tmp_path / "raw", output, "--size", len(MODEL)) == 0
    assert_packaged(output)


def test_reads_no_url_and_opens_no_connection(output, capsys, monkeypatch):
    # the step runs with network isolation: a URL is a path that does not exist, never a download
    https = install_fake_https(monkeypatch)
    https.routes[URL] = MODEL
    monkeypatch.setattr(urllib.request, "urlopen", None)  # any use of urllib's opener fails loudly
    assert_fails_in_process(run_lid176(URL, output), capsys, output, f"error: {URL}: no such file or folder")
    assert https.requested == []


@pytest.mark.parametrize("args", [["--sha256", "xyz"], ["--size", "0"], ["--size", "-5"]])
def test_bad_arguments_are_usage_errors(tmp_path, output, capsys, args):
    with pytest.raises(SystemExit) as exit_info:
        lid176.main(["--input", str(tmp_path / "m.bin"), "--output-dir", str(output), "--sha256", "a" * 64, *args])
    assert exit_info.value.code == 2
    assert files_under(output) == []


def test_size_or_sha256_is_required(tmp_path, output, capsys):
    with pytest.raises(SystemExit):
        lid176.main(["--input", str(write_model(tmp_path / "m.bin")), "--output-dir", str(output)])
    assert "give --size, --sha256 or both" in capsys.readouterr().err
    assert files_under(output) == []


def test_size_alone_verifies_the_model(tmp_path, output, capsys):
    source = write_model(tmp_path / "lid.176.bin")
    args = ["--input", str(source), "--output-dir", str(output)]
    assert lid176.main([*args, "--size", str(len(MODEL))]) == 0
    assert_packaged(output)
    assert lid176.main([*args, "--size", str(len(MODEL) + 1)]) == 2
    assert f"size mismatch: expected {len(MODEL) + 1} bytes, got {len(MODEL)}" in capsys.readouterr().err
