"""processing/__main__.py: the script dispatcher, locally and as the zip the job runs."""

import ast
import shutil
import struct
import zipfile
from pathlib import Path

import pytest
from processing_testlib import PROCESSING, files_under, run_processing, write_abalone

SCRIPTS = ("abalone", "evaluate_regression", "evaluate_pca", "mnist", "covtype", "wdbc", "chicago", "movielens",
           "lid176", "evaluate_language_id")  # fmt: skip
# Modules at the root of processing/ that are data, not scripts: they define no main.
NOT_SCRIPTS = {"language_test"}
HELLO = "import sys\n\n\ndef main(argv):\n    print('hello', *argv)\n    return 3\n"


def zip_of(folder: Path, code: Path) -> Path:
    """folder zipped as the job's code: its files at the zip's root."""
    code.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(code, "w") as archive:
        for path in files_under(folder):
            if "__pycache__" not in path.parts:
                archive.write(path, path.relative_to(folder).as_posix())
    return code


def listed_scripts(program: str = "processing") -> list[str]:
    result = run_processing("--help", program=program)
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("scripts: ")]
    return line.removeprefix("scripts: ").split(", ")


def defines_main(path: Path) -> bool:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in body)


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


def test_the_scripts_are_the_root_modules_with_main():
    modules = {path.stem for path in PROCESSING.glob("*.py") if path.name != "__main__.py"}
    assert listed_scripts() == sorted(modules - NOT_SCRIPTS)
    assert all(defines_main(PROCESSING / f"{name}.py") for name in modules - NOT_SCRIPTS)
    assert not any(defines_main(PROCESSING / f"{name}.py") for name in NOT_SCRIPTS)
    assert set(SCRIPTS) <= modules


@pytest.mark.parametrize(
    "name", ["shared", "shared.cli", "shared/cli", "__main__", "os", "abalone.py", "../abalone", ""]
)
def test_packages_private_dotted_and_outside_names_are_not_scripts(name):
    result = run_processing(name)
    assert result.returncode == 2
    assert f"error: unknown script {name!r}" in result.stderr
    assert result.stdout == ""


def test_a_new_script_is_found_by_its_name_in_a_folder_and_in_the_zip(tmp_path):
    folder = tmp_path / "processing"
    shutil.copytree(PROCESSING, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "hello.py").write_text(HELLO)
    (folder / "hello_data.py").write_text("WORDS = ('hello',)\n")  # no main: not a script
    for program in (folder, zip_of(folder, tmp_path / "code" / "0123abcd.zip")):
        assert "hello" in listed_scripts(str(program)) and "hello_data" not in listed_scripts(str(program))
        result = run_processing("hello", "a", "b", program=str(program))
        assert (result.returncode, result.stdout) == (3, "hello a b\n"), result.stderr
        assert "unknown script 'hello_data'" in run_processing("hello_data", program=str(program)).stderr


def test_runs_as_a_zipapp_like_the_job(tmp_path):
    code = zip_of(PROCESSING, tmp_path / "code" / "0123abcd.zip")
    assert listed_scripts(str(code)) == listed_scripts()
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
    code = zip_of(PROCESSING, tmp_path / "code" / "0123abcd.zip")
    model = tmp_path / "lid.176.bin"
    model.write_bytes(struct.pack("<ii", 793712314, 12) + bytes(64))
    output = tmp_path / "out"
    args = ("lid176", "--input", model, "--output-dir", output, "--size", model.stat().st_size)
    result = run_processing(*args, program=str(code))
    assert result.returncode == 0, result.stderr
    assert len((output / "language_test" / "languages.txt").read_text(encoding="utf-8").splitlines()) == 60
