"""processing/__main__.py: the script dispatcher, locally and as the zip the job runs."""

import struct
import zipfile

from processing_testlib import PROCESSING, files_under, run_processing, write_abalone

SCRIPTS = ("abalone", "evaluate_regression", "evaluate_pca", "mnist", "covtype", "wdbc", "chicago", "movielens",
           "lid176", "evaluate_language_id")  # fmt: skip


def test_no_script_prints_usage_and_exits_2():
    result = run_processing()

    assert result.returncode == 2
    assert result.stdout == ""
    assert "error: no script given" in result.stderr
    assert "usage:" in result.stderr
    assert all(name in result.stderr for name in SCRIPTS)


def test_unknown_script_prints_usage_and_exits_2():
    result = run_processing("nope", "--input", "x")

    assert result.returncode == 2
    assert "error: unknown script 'nope'" in result.stderr
    assert all(name in result.stderr for name in SCRIPTS)


def test_help_lists_the_scripts():
    result = run_processing("--help")

    assert result.returncode == 0
    assert all(name in result.stdout for name in SCRIPTS)


def test_script_arguments_are_passed_on():
    result = run_processing("abalone", "--help")

    assert result.returncode == 0
    assert "--train-fraction" in result.stdout


def test_there_is_no_package_init():
    # The zip's root is processing/ itself: scripts import `shared`, never `processing.shared`.
    assert not (PROCESSING / "__init__.py").exists()
    assert (PROCESSING / "shared" / "__init__.py").is_file()


def test_runs_as_a_zipapp_like_the_job(tmp_path):
    code = tmp_path / "code" / "0123abcd.zip"
    code.parent.mkdir()
    with zipfile.ZipFile(code, "w") as archive:
        for path in files_under(PROCESSING):
            if "__pycache__" not in path.parts:
                archive.write(path, path.relative_to(PROCESSING).as_posix())
    source = write_abalone(tmp_path / "input" / "abalone.csv", 20)

    result = run_processing("abalone", "--input", source, "--output-dir", tmp_path / "out", program=str(code))
    assert result.returncode == 0, result.stderr
    assert len((tmp_path / "out" / "train" / "train.csv").read_text().splitlines()) == 14

    (tmp_path / "bad.csv").write_text("Q,1,1,1,1,1,1,1,1\n")
    result = run_processing(
        "abalone", "--input", tmp_path / "bad.csv", "--output-dir", tmp_path / "o2", program=str(code)
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"error: {tmp_path / 'bad.csv'}: row 1: field 'sex': unknown code 'Q' (expected M, F or I)"
    )

    assert run_processing("nope", program=str(code)).returncode == 2


def test_language_test_is_data_not_a_script():
    result = run_processing("language_test")
    assert result.returncode == 2
    assert "error: unknown script 'language_test'" in result.stderr


def test_lid176_finds_the_language_test_module_in_the_zip(tmp_path):
    code = tmp_path / "code" / "0123abcd.zip"
    code.parent.mkdir()
    with zipfile.ZipFile(code, "w") as archive:
        for path in files_under(PROCESSING):
            if "__pycache__" not in path.parts:
                archive.write(path, path.relative_to(PROCESSING).as_posix())
    model = tmp_path / "lid.176.bin"
    model.write_bytes(struct.pack("<ii", 793712314, 12) + bytes(64))
    output = tmp_path / "out"
    args = ("lid176", "--source", model, "--output-dir", output, "--size", model.stat().st_size)
    result = run_processing(*args, program=str(code))
    assert result.returncode == 0, result.stderr
    assert len((output / "language_test" / "languages.txt").read_text(encoding="utf-8").splitlines()) == 60
