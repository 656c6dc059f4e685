"""processing/caltech256.py: 256_ObjectCategories.tar -> Image Classification image channels with .lst files.

The datasets are tiny JPEGs written with Pillow in the real layout (256_ObjectCategories/NNN.name/NNN_XXXX.jpg, plus
the real archive's strays: a RENAME2 file and the nested folders 056.dog/greg/vision309), packed with tarfile.
"""

import io
import json
import tarfile
from pathlib import Path

import caltech256
import numpy as np
import pytest
from PIL import Image
from processing_testlib import assert_fails_in_process, assert_input_error, files_under, run_processing

ROOT = "256_ObjectCategories"
CHANNELS = ("train", "validation", "train_lst", "validation_lst", "stats")
# folder -> number of images; 003.backpack's last image is named .JPG (upper case counts too)
CLASSES = {"001.ak47": 5, "002.american-flag": 4, "003.backpack": 6}
STRAYS = ("001.ak47/greg/vision309", "002.american-flag/RENAME2")  # what the summary reports as skipped


@pytest.fixture
def output_splits() -> tuple[str, ...]:
    return CHANNELS


def jpeg(width: int, height: int, mode: str = "RGB", seed: int = 0) -> bytes:
    """A small JPEG of random pixels: distinct bytes for every image."""
    bands = len(mode)  # RGB 3, L 1, CMYK 4
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, bands), dtype=np.uint8)
    stream = io.BytesIO()
    Image.fromarray(pixels.squeeze(axis=2) if bands == 1 else pixels, mode).save(stream, "JPEG", quality=90)
    return stream.getvalue()


def image_names(folder: str, count: int) -> list[str]:
    names = [f"{folder[:3]}_{index:04d}.jpg" for index in range(1, count + 1)]
    if folder == "003.backpack":
        names[-1] = names[-1].replace(".jpg", ".JPG")
    return names


def write_dataset(parent: Path, classes: dict[str, int] = CLASSES, strays: bool = True) -> Path:
    """parent/256_ObjectCategories with the classes' images (each of its own size and pixels) and the strays."""
    root = parent / ROOT
    for number, (folder, count) in enumerate(classes.items()):
        (root / folder).mkdir(parents=True)
        for index, name in enumerate(image_names(folder, count)):
            (root / folder / name).write_bytes(jpeg(8 + index, 6 + number, seed=100 * number + index))
    if strays:
        (root / STRAYS[0]).mkdir(parents=True)
        (root / STRAYS[1]).write_text("rename the files\n")
        (root / "001.ak47" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    return root


def pack(folder: Path, archive: Path, mode: str = "w") -> Path:
    """A tar of folder as 256_ObjectCategories/... (mode "w:gz" for a .tgz), members in name order."""
    with tarfile.open(archive, mode) as tar:
        tar.add(folder, arcname=ROOT)
    return archive


@pytest.fixture
def dataset(tmp_path) -> Path:
    """tmp_path/in/raw/256_ObjectCategories; the outputs go to other folders of tmp_path."""
    return write_dataset(tmp_path / "in" / "raw")


@pytest.fixture
def archive(tmp_path, dataset) -> Path:
    """tmp_path/tar/256_ObjectCategories.tar, alone in its folder."""
    (tmp_path / "tar").mkdir()
    return pack(dataset, tmp_path / "tar" / "256_ObjectCategories.tar")


def run_caltech(source, output, *args) -> int:
    return caltech256.main(["--input", str(source), "--output-dir", str(output), *map(str, args)])


def expected_splits(classes: dict[str, int] = CLASSES, per_class: int = 2, seed: int = 0) -> dict[str, list[str]]:
    """split -> 'NNN.name/file' in class then name order: one default_rng(seed), a permutation per class."""
    rng = np.random.default_rng(seed)
    splits = {"train": [], "validation": []}
    for folder, count in classes.items():
        names = sorted(image_names(folder, count))
        train = set(rng.permutation(count)[:per_class].tolist())
        for index, name in enumerate(names):
            splits["train" if index in train else "validation"].append(f"{folder}/{name}")
    return splits


def lst_text(paths: list[str]) -> str:
    return "".join(f"{index}\t{int(path[:3]) - 1}\t{path}\n" for index, path in enumerate(paths))


def output_bytes(output: Path) -> dict[str, bytes]:
    return {path.relative_to(output).as_posix(): path.read_bytes() for path in files_under(output)}


def assert_written(output: Path, source: Path, per_class: int = 2, seed: int = 0) -> None:
    """The exact files, .lst lines and stats of CLASSES' split; images equal to the source files, byte for byte."""
    splits = expected_splits(per_class=per_class, seed=seed)
    images = [f"{split}/{path}" for split, paths in splits.items() for path in paths]
    lists = ["train_lst/train.lst", "validation_lst/validation.lst"]
    assert sorted(output_bytes(output)) == sorted([*images, *lists, "stats/stats.json"])
    for split, paths in splits.items():
        assert (output / f"{split}_lst" / f"{split}.lst").read_text(encoding="utf-8") == lst_text(paths)
        for path in paths:
            assert (output / split / path).read_bytes() == (source / path).read_bytes()
    train, validation = len(splits["train"]), len(splits["validation"])
    assert (output / "stats" / "stats.json").read_text() == (
        f'{{\n  "num_training_samples": {train},\n  "num_validation_samples": {validation},\n  "num_classes": 3,\n'
        f'  "train_per_class": {per_class}\n}}\n'
    )


def assert_no_leftovers(tmp_path: Path, output: Path) -> None:
    """No extracted dataset beside the output folder and no staging folders inside it."""
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".dataset-")]
    assert sorted(path.name for path in output.iterdir()) == sorted(CHANNELS)


# --- outputs ------------------------------------------------------------------------------------------------------


def test_writes_the_image_channels_lst_files_and_stats_from_the_tar(tmp_path, dataset, archive, output, capsys):
    assert run_caltech(archive, output, "--train-per-class", 2) == 0
    assert_written(output, dataset)
    assert_no_leftovers(tmp_path, output)
    assert capsys.readouterr().out == (
        f"caltech256: read {archive}:{ROOT}: 3 classes, 15 images, skipped 3 other entries (001.ak47/.DS_Store, "
        "001.ak47/greg, 002.american-flag/RENAME2); wrote train 6 (2 per class, seed 0), validation 9\n"
    )
    for path in files_under(output / "train") + files_under(output / "validation"):
        number, index = int(path.parent.name[:3]) - 1, int(path.stem[4:]) - 1
        with Image.open(path) as image:  # write_dataset made image `index` of class `number` this size
            image.load()
            assert (image.format, image.size) == ("JPEG", (8 + index, 6 + number))


def test_only_the_dataset_members_of_an_archive_are_extracted():
    for member in (ROOT, f"./{ROOT}/001.ak47", f"{ROOT}/198.spider/RENAME2", "001.ak47/001_0001.jpg"):
        assert caltech256.wanted(member), member
    for member in ("README.txt", "other/photo.jpg", "256_Object/x.jpg", "1.ak47/x.jpg"):
        assert not caltech256.wanted(member), member


def test_split_is_stratified_and_follows_the_seed(dataset, output):
    assert run_caltech(dataset, output, "--train-per-class", 3, "--seed", 7) == 0
    assert_written(output, dataset, per_class=3, seed=7)
    lines = {
        split: (output / f"{split}_lst" / f"{split}.lst").read_text().splitlines() for split in ("train", "validation")
    }
    train_ids = [line.split("\t")[1] for line in lines["train"]]
    assert train_ids == ["0"] * 3 + ["1"] * 3 + ["2"] * 3
    paths = {split: {line.split("\t")[2] for line in split_lines} for split, split_lines in lines.items()}
    assert not paths["train"] & paths["validation"]
    assert len(paths["train"] | paths["validation"]) == sum(CLASSES.values())


def test_runs_are_byte_identical_and_another_seed_gives_another_split(tmp_path, archive):
    for name, seed in (("a", 0), ("b", 0), ("c", 1)):
        assert run_caltech(archive, tmp_path / name, "--train-per-class", 2, "--seed", seed) == 0
    first, second, other = (output_bytes(tmp_path / name) for name in "abc")
    assert first == second
    assert first["train_lst/train.lst"] != other["train_lst/train.lst"]


@pytest.mark.parametrize(
    "where",
    ["root", "above root", "two levels above", "folder holding the tar", "tgz", "class folders without parent"],
)
def test_every_input_form_gives_the_same_output(tmp_path, dataset, archive, where):
    assert run_caltech(archive, tmp_path / "reference", "--train-per-class", 2) == 0
    if where == "tgz":
        source = pack(dataset, tmp_path / "256_ObjectCategories.tgz", "w:gz")
    elif where == "folder holding the tar":
        source = archive.parent
    elif where == "class folders without parent":
        source = tmp_path / "renamed"
        dataset.rename(source)
    else:
        source = {"root": dataset, "above root": dataset.parent, "two levels above": tmp_path / "in"}[where]
    assert run_caltech(source, tmp_path / "out", "--train-per-class", 2) == 0
    assert output_bytes(tmp_path / "out") == output_bytes(tmp_path / "reference")


def test_grayscale_and_cmyk_jpegs_are_copied_unchanged(tmp_path, output):
    root = write_dataset(tmp_path, {"001.ak47": 2, "002.american-flag": 2}, strays=False)
    gray, cmyk = jpeg(10, 7, "L"), jpeg(9, 5, "CMYK")
    (root / "001.ak47" / "001_0001.jpg").write_bytes(gray)
    (root / "002.american-flag" / "002_0002.jpg").write_bytes(cmyk)
    assert run_caltech(root, output, "--train-per-class", 1) == 0
    copies = {path.name: path for path in files_under(output) if path.suffix == ".jpg"}
    assert copies["001_0001.jpg"].read_bytes() == gray and copies["002_0002.jpg"].read_bytes() == cmyk
    with Image.open(copies["001_0001.jpg"]) as first, Image.open(copies["002_0002.jpg"]) as second:
        assert (first.mode, first.size, second.mode, second.size) == ("L", (10, 7), "CMYK", (9, 5))


def test_the_real_number_of_classes(tmp_path, output):
    classes = {f"{number:03d}.class{number}": 2 + number % 3 for number in range(1, 258)}
    root = tmp_path / "in" / ROOT
    image = jpeg(4, 3)
    for folder, count in classes.items():
        (root / folder).mkdir(parents=True)
        for name in image_names(folder, count):
            (root / folder / name).write_bytes(image)
    assert run_caltech(root, output, "--train-per-class", 1) == 0
    stats = json.loads((output / "stats" / "stats.json").read_text())
    assert stats == {
        "num_training_samples": 257,
        "num_validation_samples": sum(classes.values()) - 257,
        "num_classes": 257,
        "train_per_class": 1,
    }
    lines = (output / "train_lst" / "train.lst").read_text().splitlines()
    assert [line.split("\t")[:2] for line in lines] == [[str(index), str(index)] for index in range(257)]
    assert lines[-1].split("\t")[2].startswith("257.class257/257_")


def test_runs_through_the_dispatcher(tmp_path, dataset, archive):
    result = run_processing("caltech256", "--input", archive, "--output-dir", tmp_path / "out", "--train-per-class", 2)
    assert result.returncode == 0, result.stderr
    assert_written(tmp_path / "out", dataset)
    assert result.stdout.strip().splitlines()[-1].startswith(f"caltech256: read {archive}:{ROOT}: 3 classes")
    (dataset / "002.american-flag" / "002_0003.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really")
    result = run_processing("caltech256", "--input", dataset, "--output-dir", tmp_path / "bad", "--train-per-class", 2)
    assert_input_error(result, f"{dataset}/002.american-flag/002_0003.jpg: unreadable image")
    assert files_under(tmp_path / "bad") == []


# --- bad input ----------------------------------------------------------------------------------------------------


def test_a_truncated_jpeg_in_the_tar_is_named_by_archive_and_member(tmp_path, dataset, output, capsys):
    image = dataset / "003.backpack" / "003_0004.jpg"
    image.write_bytes(image.read_bytes()[:-40])
    archive = pack(dataset, tmp_path / "256_ObjectCategories.tar")
    code = run_caltech(archive, output, "--train-per-class", 2)
    member = f"{archive}:{ROOT}/003.backpack/003_0004.jpg"
    assert_fails_in_process(code, capsys, output, f"error: {member}: unreadable image (JPEG expected)")
    assert_no_leftovers(tmp_path, output)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "unreadable image (JPEG expected)"),
        ("png", "unreadable image (JPEG expected): cannot identify image file"),
        ("truncated", "unreadable image (JPEG expected): image file is truncated"),
        ("dangling link", "image file not found"),
    ],
)
def test_an_unreadable_jpeg_in_the_folder_is_named(tmp_path, dataset, output, capsys, content, fragment):
    image = dataset / "001.ak47" / "001_0002.jpg"
    if content == "png":
        Image.new("RGB", (5, 5)).save(image, "PNG")
    elif content == "truncated":
        image.write_bytes(jpeg(64, 48)[:-200])
    elif content == "dangling link":
        image.unlink()
        image.symlink_to(tmp_path / "nowhere.jpg")
    else:
        image.write_bytes(content)
    code = run_caltech(dataset, output, "--train-per-class", 2)
    assert_fails_in_process(code, capsys, output, f"error: {image}: {fragment}")


@pytest.mark.parametrize(
    ("folders", "fragment"),
    [
        (["001.ak47", "ak47-extra"], f"{ROOT}/ak47-extra: not a class folder (expected NNN.name, e.g. 001.ak47)"),
        (["001.ak47", "1.short"], f"{ROOT}/1.short: not a class folder"),
        (
            ["001.ak47", "003.backpack"],
            f"{ROOT}: class 002 is missing: class folders must be numbered 001..002 "
            "without gaps (the last one is 003.backpack)",
        ),  # fmt: skip
        (["002.american-flag", "003.backpack"], f"{ROOT}: class 001 is missing"),
        (["001.ak47", "001.ak47-copy"], f"{ROOT}: class number 001 is used twice: 001.ak47 and 001.ak47-copy"),
        (["000.zero", "001.ak47"], f"{ROOT}/000.zero: class numbers start at 001"),
        ([], f"{ROOT}: no class folders (NNN.name, e.g. 001.ak47)"),
    ],
)
def test_a_wrong_class_layout_is_named(tmp_path, output, capsys, folders, fragment):
    root = write_dataset(tmp_path / "raw", dict.fromkeys(folders, 3), strays=False)
    root.mkdir(parents=True, exist_ok=True)
    archive = pack(root, tmp_path / "256_ObjectCategories.tar")
    code = run_caltech(archive, output, "--train-per-class", 2)
    assert_fails_in_process(code, capsys, output, f"error: {archive}:{fragment}")


def test_a_class_needs_a_validation_image(tmp_path, dataset, output, capsys):
    code = run_caltech(dataset, output, "--train-per-class", 4)
    fragment = (
        f"error: {dataset}/002.american-flag: 4 images; --train-per-class 4 needs at least 5 (one for validation)"
    )
    assert_fails_in_process(code, capsys, output, fragment)
    code = run_caltech(dataset, output)  # the default, 60 per class
    assert_fails_in_process(code, capsys, output, f"error: {dataset}/001.ak47: 5 images; --train-per-class 60 needs")


def test_a_file_name_that_would_break_the_lst_line_fails(dataset, output, capsys):
    image = dataset / "001.ak47" / "001_0001.jpg"
    bad = image.with_name("001\t0001.jpg")
    image.rename(bad)
    code = run_caltech(dataset, output, "--train-per-class", 2)
    assert_fails_in_process(code, capsys, output, f"error: {bad}: file name has control or undecodable characters")


def test_a_corrupt_or_unsafe_archive_fails_naming_it(tmp_path, dataset, output, capsys):
    truncated = tmp_path / "truncated.tgz"
    truncated.write_bytes(pack(dataset, tmp_path / "full.tgz", "w:gz").read_bytes()[:-300])
    code = run_caltech(truncated, output, "--train-per-class", 2)
    assert_fails_in_process(code, capsys, output, f"error: {truncated}: corrupt or unreadable archive")
    unsafe = tmp_path / "unsafe.tar"
    with tarfile.open(unsafe, "w") as tar:
        data = jpeg(4, 4)
        member = tarfile.TarInfo(f"../{ROOT}/001.ak47/001_0001.jpg")
        member.size = len(data)
        tar.addfile(member, io.BytesIO(data))
    code = run_caltech(unsafe, output, "--train-per-class", 2)
    assert_fails_in_process(code, capsys, output, f"error: {unsafe}: unsafe archive member")
    assert not (tmp_path / ROOT).exists() and not (tmp_path.parent / ROOT).exists()
    assert_no_leftovers(tmp_path, output)


def test_no_dataset_in_the_input_fails(tmp_path, output, capsys):
    empty = tmp_path / "empty"
    (empty / "photos" / "ak47").mkdir(parents=True)
    code = run_caltech(empty, output)
    assert_fails_in_process(code, capsys, output, f"error: {empty}: no dataset folder found")
    other = tmp_path / "other.tar"
    with tarfile.open(other, "w") as tar:
        tar.add(empty / "photos", arcname="photos")
    code = run_caltech(other, output)
    assert_fails_in_process(code, capsys, output, f"error: {other}: the archive does not hold the expected dataset")
    missing = tmp_path / "missing.tar"
    assert_fails_in_process(run_caltech(missing, output), capsys, output, f"error: {missing}: expected a folder")


@pytest.mark.parametrize("args", [["--train-per-class", "0"], ["--seed", "-1"], ["--train-per-class", "x"]])
def test_bad_arguments_are_usage_errors(archive, output, args):
    with pytest.raises(SystemExit) as exit_info:
        run_caltech(archive, output, *args)
    assert exit_info.value.code == 2
    assert files_under(output) == []


# --- --baseline ---------------------------------------------------------------------------------------------------


def read_baseline(output: Path) -> dict:
    return json.loads((output / "baseline" / "baseline.json").read_text(encoding="ascii"))


def test_baseline_is_the_majority_class_accuracy_on_validation(tmp_path, dataset, archive, output, capsys):
    assert run_caltech(archive, tmp_path / "plain", "--train-per-class", 2) == 0
    capsys.readouterr()
    assert run_caltech(archive, output, "--train-per-class", 2, "--baseline", "validation:accuracy") == 0
    # 2 of each class train; validation keeps 5 - 2, 4 - 2 and 6 - 2 images: 003.backpack (id 2) wins with 4 of 9
    assert read_baseline(output) == {
        "metric": "validation:accuracy",
        "value": pytest.approx(4 / 9, rel=1e-12),
        "model": "always 2 (003.backpack)",
        "split": "validation",
        "records": 9,
    }
    written = output_bytes(output)
    assert written.pop("baseline/baseline.json")
    assert written == output_bytes(tmp_path / "plain")  # the channels are those of a run without --baseline
    assert capsys.readouterr().out.endswith(
        "wrote train 6 (2 per class, seed 0), validation 9; baseline validation:accuracy 0.444444: "
        "always 2 (003.backpack)\n"
    )
    lines = (output / "validation_lst" / "validation.lst").read_text().splitlines()
    assert [line.split("\t")[1] for line in lines].count("2") == 4  # the ids the baseline counts


def test_baseline_ties_go_to_the_smallest_class_id(tmp_path, output):
    root = write_dataset(tmp_path, {"001.ak47": 4, "002.american-flag": 4, "003.backpack": 3}, strays=False)
    assert run_caltech(root, output, "--train-per-class", 1, "--baseline", "validation:accuracy") == 0
    # validation: 3, 3 and 2 images; classes 0 and 1 tie with 3 of 8
    baseline = read_baseline(output)
    assert (baseline["value"], baseline["model"], baseline["records"]) == (3 / 8, "always 0 (001.ak47)", 8)


def test_without_baseline_no_baseline_folder(archive, output, capsys):
    assert run_caltech(archive, output, "--train-per-class", 2) == 0
    assert not (output / "baseline").exists()
    assert capsys.readouterr().out.endswith("wrote train 6 (2 per class, seed 0), validation 9\n")


@pytest.mark.parametrize(
    ("metric", "reason"),
    [
        ("validation:mIOU", "no baseline for this metric"),
        ("train:accuracy", "no baseline for this metric"),
        ("test:accuracy", "the test split is not written (written: train, validation)"),
        ("accuracy", "not of the form CHANNEL:NAME"),
        ("validation:top_k_accuracy", "no baseline for this metric"),
    ],
)
def test_baseline_of_another_metric_is_a_usage_error(archive, output, capsys, metric, reason):
    with pytest.raises(SystemExit) as exit_info:
        run_caltech(archive, output, "--train-per-class", 2, "--baseline", metric)
    assert exit_info.value.code == 2
    assert f"--baseline {metric}: {reason}; supported: validation:accuracy" in capsys.readouterr().err
    assert files_under(output) == []


def test_a_bad_image_leaves_no_baseline_either(dataset, output, capsys):
    (dataset / "003.backpack" / "003_0002.jpg").write_bytes(b"not a jpeg")
    code = run_caltech(dataset, output, "--train-per-class", 2, "--baseline", "validation:accuracy")
    assert_fails_in_process(code, capsys, output, "003_0002.jpg: unreadable image")
    assert not (output / "baseline").exists()


def test_baseline_through_the_dispatcher(tmp_path, archive):
    out = tmp_path / "out"
    args = ("--input", archive, "--output-dir", out, "--train-per-class", 3, "--baseline", "validation:accuracy")
    result = run_processing("caltech256", *args)
    assert result.returncode == 0, result.stderr
    # validation: 2, 1 and 3 images: always 2, 3 of 6
    assert read_baseline(out)["value"] == 0.5
    result = run_processing("caltech256", *args[:-1], "test:accuracy")
    assert result.returncode == 2
    assert "caltech256: error: --baseline test:accuracy: the test split is not written" in result.stderr
