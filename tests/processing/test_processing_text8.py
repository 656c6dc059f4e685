"""processing/text8.py: text8 (plain, .gz or .zip) -> DIR/train/text8, streamed and checked."""

import gzip
import zipfile
from pathlib import Path

import pytest
import text8
from processing_testlib import assert_fails_in_process, assert_input_error, files_under, run_processing

TEXT = b" anarchism originated as a term of abuse first used against early working class radicals"


@pytest.fixture
def output_splits() -> tuple[str, ...]:
    return ("train",)


def write(path: Path, data: bytes, kind: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "gz":
        path.write_bytes(gzip.compress(data))
    elif kind == "zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("text8", data)
    else:
        path.write_bytes(data)
    return path


def run_text8(source, output) -> int:
    return text8.main(["--input", str(source), "--output-dir", str(output)])


@pytest.mark.parametrize(("kind", "name"), [("gz", "text8.gz"), ("zip", "text8.zip"), ("plain", "text8")])
def test_round_trip(tmp_path, output, capsys, kind, name):
    source = write(tmp_path / name, TEXT, kind)
    assert run_text8(source, output) == 0
    assert files_under(output) == [output / "train" / "text8"]
    assert (output / "train" / "text8").read_bytes() == TEXT
    assert capsys.readouterr().out == f"text8: read {source}; wrote 14 words, {len(TEXT)} bytes to train/text8\n"


def test_kind_comes_from_the_content_and_a_folder_input_works(tmp_path, output):
    write(tmp_path / "data" / "corpus.bin", TEXT, "gz")
    assert run_text8(tmp_path / "data", output) == 0
    assert (output / "train" / "text8").read_bytes() == TEXT


def test_large_input_across_chunks_with_a_final_newline(tmp_path, output, capsys, monkeypatch):
    monkeypatch.setattr(text8, "CHUNK", 7)  # many chunk borders, inside words and at spaces
    words = [b"w" * (1 + i % 9) for i in range(1000)]
    data = b" ".join(words) + b"\n"
    assert run_text8(write(tmp_path / "text8.gz", data, "gz"), output) == 0
    assert (output / "train" / "text8").read_bytes() == data
    assert "wrote 1000 words" in capsys.readouterr().out


def test_words_counted_across_runs_of_spaces(tmp_path, output, capsys, monkeypatch):
    monkeypatch.setattr(text8, "CHUNK", 3)
    data = b"  ab   cd e  fgh "
    assert run_text8(write(tmp_path / "text8", data, "plain"), output) == 0
    assert f"wrote 4 words, {len(data)} bytes" in capsys.readouterr().out


@pytest.mark.parametrize("chunk", [4, 1 << 20])
@pytest.mark.parametrize(
    ("data", "offset", "what"),
    [
        (b"abc deF ghi", 6, "'F'"),
        (b"abc de1 ghi", 6, "'1'"),
        (b"abc\tdef", 3, "'\\t'"),
        (b"abc def\nghi", 7, "newline"),
        (b"abc def\n\n", 7, "newline"),
        (b"abc def\r\n", 7, "'\\r'"),
        ("abc caf\u00e9".encode(), 7, "byte 0xc3"),
    ],
)
def test_bad_byte_reports_its_offset(tmp_path, output, capsys, monkeypatch, chunk, data, offset, what):
    monkeypatch.setattr(text8, "CHUNK", chunk)
    source = write(tmp_path / "text8.gz", data, "gz")
    code = run_text8(source, output)
    assert_fails_in_process(code, capsys, output, str(source), f"byte offset {offset}: {what}", "only a-z and space")


@pytest.mark.parametrize(("data", "message"), [(b"", "empty input"), (b"\n", "empty input"), (b"   ", "only spaces")])
@pytest.mark.parametrize("kind", ["gz", "zip", "plain"])
def test_empty_input(tmp_path, output, capsys, data, message, kind):
    source = write(tmp_path / f"text8.{kind}", data, kind)
    assert_fails_in_process(run_text8(source, output), capsys, output, "no words", message)


def test_bad_archives(tmp_path, output, capsys):
    good = gzip.compress(TEXT * 100)
    truncated = tmp_path / "t.gz"
    truncated.write_bytes(good[:-30])
    assert_fails_in_process(run_text8(truncated, output), capsys, output, str(truncated), "corrupt or truncated")
    crc = tmp_path / "crc.gz"
    crc.write_bytes(good[:-8] + bytes(4) + good[-4:])
    assert_fails_in_process(run_text8(crc, output), capsys, output, str(crc), "corrupt or truncated")
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("text9", TEXT)
    assert_fails_in_process(run_text8(other, output), capsys, output, str(other), "missing member 'text8'")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + bytes(40))
    assert_fails_in_process(run_text8(broken, output), capsys, output, str(broken), "not a valid zip")


def test_failure_leaves_no_output_folder(tmp_path, capsys):
    source = write(tmp_path / "text8", b"abc DEF", "plain")
    assert run_text8(source, tmp_path / "new" / "out") == 2
    assert not (tmp_path / "new").exists()
    assert "byte offset 4" in capsys.readouterr().err


def test_missing_input_and_folder_with_two_files(tmp_path, output, capsys):
    assert_fails_in_process(run_text8(tmp_path / "nope", output), capsys, output, "no such file or folder")
    write(tmp_path / "data" / "a", TEXT, "plain")
    write(tmp_path / "data" / "b", TEXT, "plain")
    assert_fails_in_process(run_text8(tmp_path / "data", output), capsys, output, "found 2")


def test_dispatcher(tmp_path, output):
    source = write(tmp_path / "text8.zip", b"abc x", "zip")
    result = run_processing("text8", "--input", source, "--output-dir", output)
    assert result.returncode == 0, result.stderr
    result = run_processing("text8", "--input", write(tmp_path / "bad", b"a.b", "plain"), "--output-dir", output)
    assert_input_error(result, "byte offset 1")
