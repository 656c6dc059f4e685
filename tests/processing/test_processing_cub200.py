"""processing/cub200.py: CUB_200_2011.tgz -> Object Detection image format (images + JSON annotations).

The data sets are built in tmp_path in the real layout: CUB_200_2011/ with the five space-separated metadata files,
images/<NNN.Species>/*.jpg (tiny JPEGs written with Pillow, one of them grayscale), README, attributes/ and parts/,
packed into a real .tgz that also holds attributes.txt at its root, as the original does.
"""

import io
import json
import tarfile
from pathlib import Path
from typing import NamedTuple

import cub200
import numpy as np
import pytest
from PIL import Image
from processing_testlib import BOMB_SIZE, assert_fails_in_process, assert_input_error, files_under, run_processing

ROOT = "CUB_200_2011"
OUTPUTS = ("train", "validation", "train_annotation", "validation_annotation", "stats")
CLASS_NAMES = {
    1: "001.Black_footed_Albatross",
    2: "002.Laysan_Albatross",
    3: "003.Sooty_Albatross",
    4: "004.Groove_billed_Ani",
}
BOXES = (("2.0", "3.0", "20.0", "15.0"), ("1.25", "0.5", "30.5", "20.756"), ("0", "0", "12", "9"))
METADATA = ("images.txt", "classes.txt", "bounding_boxes.txt", "image_class_labels.txt", "train_test_split.txt")


class Bird(NamedTuple):
    image_id: int
    class_id: int
    file: str  # relative to images/
    box: tuple[str, str, str, str]  # x y width height, as written in bounding_boxes.txt
    training: int
    size: tuple[int, int]
    grayscale: bool = False

    @property
    def name(self) -> str:
        return Path(self.file).stem


def birds() -> list[Bird]:
    """Three images per class: train, validation, train; sizes all different; image 5 grayscale."""
    result = []
    for class_id, folder in CLASS_NAMES.items():
        species = folder.split(".", 1)[1]
        for index in range(3):
            image_id = len(result) + 1
            file = f"{folder}/{species}_{image_id:04d}_{800 + image_id}.jpg"
            size = (40 + 2 * image_id, 30 + index)
            result.append(Bird(image_id, class_id, file, BOXES[index], (1, 0, 1)[index], size, image_id == 5))
    return result


def metadata(items: list[Bird]) -> dict[str, list[str]]:
    """The lines of the five metadata files; tests change them before write_dataset."""
    return {
        "images.txt": [f"{bird.image_id} {bird.file}" for bird in items],
        "classes.txt": [f"{class_id} {name}" for class_id, name in CLASS_NAMES.items()],
        "bounding_boxes.txt": [f"{bird.image_id} {' '.join(bird.box)}" for bird in items],
        "image_class_labels.txt": [f"{bird.image_id} {bird.class_id}" for bird in items],
        "train_test_split.txt": [f"{bird.image_id} {bird.training}" for bird in items],
    }


def jpeg(size: tuple[int, int], grayscale: bool = False, seed: int = 0) -> bytes:
    shape = (size[1], size[0]) if grayscale else (size[1], size[0], 3)
    pixels = np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def write_dataset(folder: Path, items: list[Bird] | None = None, files: dict[str, list[str]] | None = None) -> Path:
    """folder/CUB_200_2011 in the real layout; returns that root."""
    items = birds() if items is None else items
    files = metadata(items) if files is None else files
    root = folder / ROOT
    for name, lines in files.items():
        root.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("".join(line + "\n" for line in lines))
    for bird in items:
        path = root / "images" / bird.file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(jpeg(bird.size, bird.grayscale, bird.image_id))
    (root / "README").write_text("CUB-200-2011, a test stand-in\n")
    for extra in ("attributes/certainties.txt", "parts/parts.txt"):
        (root / extra).parent.mkdir(parents=True, exist_ok=True)
        (root / extra).write_text("1 not used\n")
    return root


def pack(root: Path, path: Path) -> Path:
    """A .tgz of root (as CUB_200_2011/...) plus the attributes.txt the original holds at its top level."""
    with tarfile.open(path, "w:gz") as archive:
        archive.add(root, arcname=ROOT)
        data = b"1 has_bill_shape::curved\n"
        info = tarfile.TarInfo("attributes.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return path


def cub_archive(tmp_path: Path, items: list[Bird] | None = None, files: dict[str, list[str]] | None = None) -> Path:
    return pack(write_dataset(tmp_path / "raw", items, files), tmp_path / "CUB_200_2011.tgz")


@pytest.fixture
def output_splits() -> tuple[str, ...]:
    return OUTPUTS


@pytest.fixture
def archive(tmp_path) -> Path:
    return cub_archive(tmp_path)


def run_cub(source, output, *args) -> int:
    return cub200.main(["--input", str(source), "--output-dir", str(output), *map(str, args)])


def read_json(path: Path) -> dict:
    text = path.read_text(encoding="ascii")
    assert text.endswith("\n")
    return json.loads(text)


def expected_files(output: Path, items: list[Bird]) -> list[Path]:
    files = [output / "stats" / "stats.json"]
    for bird in items:
        split = "train" if bird.training else "validation"
        files += [output / split / f"{bird.name}.jpg", output / f"{split}_annotation" / f"{bird.name}.json"]
    return sorted(files)


def outputs_of(output: Path) -> dict[str, bytes]:
    return {path.relative_to(output).as_posix(): path.read_bytes() for path in files_under(output)}


def no_temporary_folders(folder: Path) -> bool:
    return not [path for path in folder.iterdir() if path.name.startswith(".")]


# --- output ---------------------------------------------------------------------------------------------------


def test_all_classes_from_the_archive(tmp_path, archive, output, capsys):
    items = birds()
    assert run_cub(archive, output) == 0
    assert files_under(output) == expected_files(output, items)
    categories = [{"class_id": index, "name": name.split(".", 1)[1]} for index, name in enumerate(CLASS_NAMES.values())]
    assert categories[0] == {"class_id": 0, "name": "Black_footed_Albatross"}
    for bird in items:
        split = "train" if bird.training else "validation"
        image = output / split / f"{bird.name}.jpg"
        assert image.read_bytes() == (tmp_path / "raw" / ROOT / "images" / bird.file).read_bytes()
        document = read_json(output / f"{split}_annotation" / f"{bird.name}.json")
        assert list(document) == ["file", "image_size", "annotations", "categories"]
        assert document["file"] == f"{bird.name}.jpg"
        assert document["image_size"] == [{"width": bird.size[0], "height": bird.size[1], "depth": 3}]
        assert document["annotations"][0]["class_id"] == bird.class_id - 1
        assert document["categories"] == categories
    assert read_json(output / "stats" / "stats.json") == {
        "num_training_samples": 8,
        "num_validation_samples": 4,
        "num_classes": 4,
        "max_boxes_per_image": 1,
    }
    assert capsys.readouterr().out == (
        f"cub200: read {archive}: 12 images of 4 classes; selected 4 classes; wrote train 8, validation 4 images with "
        "JSON annotations; clipped 0 box(es) at most 1 pixel outside their image; skipped 0 images of unselected "
        "classes\n"
    )
    assert no_temporary_folders(tmp_path)


def test_annotation_text_and_box_values(archive, output):
    assert run_cub(archive, output) == 0
    first = (output / "train_annotation" / "Black_footed_Albatross_0001_801.json").read_text()
    assert first == (
        '{"file": "Black_footed_Albatross_0001_801.jpg", "image_size": [{"width": 42, "height": 30, "depth": 3}], '
        '"annotations": [{"class_id": 0, "left": 2, "top": 3, "width": 20, "height": 15}], "categories": '
        '[{"class_id": 0, "name": "Black_footed_Albatross"}, {"class_id": 1, "name": "Laysan_Albatross"}, '
        '{"class_id": 2, "name": "Sooty_Albatross"}, {"class_id": 3, "name": "Groove_billed_Ani"}]}\n'
    )
    # non-integral values rounded to 2 decimals (20.756 -> 20.76); the grayscale image 5 still has depth 3
    second = read_json(output / "validation_annotation" / "Laysan_Albatross_0005_805.json")
    assert second["annotations"] == [{"class_id": 1, "left": 1.25, "top": 0.5, "width": 30.5, "height": 20.76}]
    assert second["image_size"] == [{"width": 50, "height": 31, "depth": 3}]
    stats = (output / "stats" / "stats.json").read_text()
    assert stats == (
        '{\n  "num_training_samples": 8,\n  "num_validation_samples": 4,\n  "num_classes": 4,\n'
        '  "max_boxes_per_image": 1\n}\n'
    )


def test_class_subset_is_renumbered_and_only_its_images_are_extracted(tmp_path, archive, output, capsys, monkeypatch):
    extracted = []
    original = tarfile.TarFile.extract

    def spy(self, member, *args, **kwargs):
        extracted.append(member.name)
        return original(self, member, *args, **kwargs)

    monkeypatch.setattr(tarfile.TarFile, "extract", spy)
    assert run_cub(archive, output, "--classes", "4,2") == 0
    items = [bird for bird in birds() if bird.class_id in (2, 4)]
    assert sorted(extracted) == sorted([f"{ROOT}/{name}" for name in METADATA] +
                                       [f"{ROOT}/images/{bird.file}" for bird in items])  # fmt: skip
    assert files_under(output) == expected_files(output, items)
    document = read_json(output / "train_annotation" / "Groove_billed_Ani_0012_812.json")
    assert document["annotations"][0]["class_id"] == 1
    assert document["categories"] == [
        {"class_id": 0, "name": "Laysan_Albatross"},
        {"class_id": 1, "name": "Groove_billed_Ani"},
    ]
    assert read_json(output / "train_annotation" / "Laysan_Albatross_0004_804.json")["annotations"][0]["class_id"] == 0
    stats = read_json(output / "stats" / "stats.json")
    assert (stats["num_training_samples"], stats["num_validation_samples"], stats["num_classes"]) == (4, 2, 2)
    assert "selected 2 classes; wrote train 4, validation 2" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "selected", "wanted"),
    [
        ("CUB_200_2011/images.txt", (1,), True),
        ("CUB_200_2011/train_test_split.txt", None, True),
        ("CUB_200_2011/images/001.Black_footed_Albatross/A_1.jpg", (1, 2), True),
        ("CUB_200_2011/images/003.Sooty_Albatross/A_1.jpg", (1, 2), False),
        ("CUB_200_2011/images/003.Sooty_Albatross/A_1.jpg", None, True),
        ("CUB_200_2011/images/010.Red_winged_Blackbird/A.jpg", (1,), False),
        ("CUB_200_2011/images/010.Red_winged_Blackbird/A.jpg", (10,), True),
        ("CUB_200_2011/images/001.Black_footed_Albatross", None, False),
        ("CUB_200_2011/README", None, False),
        ("CUB_200_2011/attributes/certainties.txt", None, False),
        ("CUB_200_2011/parts/part_locs.txt", None, False),
        ("attributes.txt", None, False),
    ],
)
def test_member_filter(name, selected, wanted):
    assert cub200.member_filter(selected)(name) is wanted


def test_every_input_form_gives_the_same_bytes(tmp_path, archive):
    root = tmp_path / "raw" / ROOT
    holder = tmp_path / "holder"
    holder.mkdir()
    (holder / archive.name).write_bytes(archive.read_bytes())
    results = []
    for index, source in enumerate((archive, archive, holder, root, tmp_path / "raw")):
        output = tmp_path / f"out{index}"
        assert run_cub(source, output, "--classes", "1,3") == 0
        results.append(outputs_of(output))
    assert len(results[0]) == 13  # 6 images, 6 annotations, stats.json
    assert all(result == results[0] for result in results[1:])
    assert no_temporary_folders(tmp_path)


def test_crlf_metadata_gives_the_same_output(tmp_path, output):
    files = {name: [line + "\r" for line in lines] for name, lines in metadata(birds()).items()}
    assert run_cub(write_dataset(tmp_path / "crlf", files=files), output) == 0
    assert run_cub(write_dataset(tmp_path / "lf"), tmp_path / "lf-out") == 0
    assert outputs_of(output) == outputs_of(tmp_path / "lf-out")


def test_boxes_at_most_one_pixel_outside_are_clipped(tmp_path, output, capsys):
    items = birds()
    items[0] = items[0]._replace(box=("-0.5", "-1.0", "43.0", "31.0"))  # 42x30: right edge 42.5, bottom 30
    items[1] = items[1]._replace(box=("0", "0", "44.0", "30.0"))  # 44x31: inside, touching 3 edges
    assert run_cub(write_dataset(tmp_path / "raw", items), output) == 0
    first = read_json(output / "train_annotation" / f"{items[0].name}.json")["annotations"][0]
    assert (first["left"], first["top"], first["width"], first["height"]) == (0, 0, 42, 30)
    second = read_json(output / "validation_annotation" / f"{items[1].name}.json")["annotations"][0]
    assert (second["left"], second["top"], second["width"], second["height"]) == (0, 0, 44, 30)
    assert "clipped 1 box(es) at most 1 pixel outside their image" in capsys.readouterr().out


def test_runs_through_the_dispatcher(tmp_path, archive):
    output = tmp_path / "out"
    result = run_processing("cub200", "--input", archive, "--output-dir", output, "--classes", "1,3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("cub200: read ")
    assert read_json(output / "stats" / "stats.json")["num_classes"] == 2
    assert len(list((output / "train").iterdir())) == 4
    result = run_processing("cub200", "--input", archive, "--output-dir", tmp_path / "bad", "--classes", "1,999")
    assert result.returncode == 2
    assert "cub200: error: argument --classes: unknown class id(s) 999 (classes.txt has 1..4)" in result.stderr
    archive.write_bytes(archive.read_bytes()[:3000])
    assert_input_error(run_processing("cub200", "--input", archive, "--output-dir", output),
                       str(archive), "corrupt or unreadable archive")  # fmt: skip


# --- bad input --------------------------------------------------------------------------------------------------


def drop_row(name: str, index: int):
    def change(files):
        del files[name][index]

    return change


def set_row(name: str, index: int, line: str):
    def change(files):
        files[name][index] = line

    return change


def append_row(name: str, line: str):
    def change(files):
        files[name].append(line)

    return change


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (set_row("images.txt", 2, "3"), "images.txt: row 3: expected 2 fields, got 1"),
        (set_row("images.txt", 0, "x 001.A/B.jpg"), "images.txt: row 1: field 'image_id': not a number: 'x'"),
        (set_row("images.txt", 0, "1 ../../etc/x.jpg"), "images.txt: row 1: field 'image_file_name': not a relative"),
        (set_row("images.txt", 1, "1 001.A/B.jpg"), "images.txt: row 2: field 'image_id': duplicate image_id 1 "
                                                    "(first on row 1)"),
        (set_row("images.txt", 1, ""), "images.txt: row 2: expected 2 fields, got 0"),
        (set_row("classes.txt", 3, "1 004.Groove_billed_Ani"), "classes.txt: row 4: field 'class_id': duplicate"),
        (set_row("bounding_boxes.txt", 1, "2 a 1 2 3"), "bounding_boxes.txt: row 2: field 'x': not a number: 'a'"),
        (set_row("bounding_boxes.txt", 1, "2 1 1 0 3"), "bounding_boxes.txt: row 2: field 'width': must be positive"),
        (set_row("bounding_boxes.txt", 1, "2 1 1 4 -3"), "bounding_boxes.txt: row 2: field 'height': must be positive"),
        (set_row("bounding_boxes.txt", 1, "2 1 1 4"), "bounding_boxes.txt: row 2: expected 5 fields, got 4"),
        (drop_row("bounding_boxes.txt", 4), "images.txt: row 5: image id 5 has no row in bounding_boxes.txt"),
        (drop_row("image_class_labels.txt", 4), "images.txt: row 5: image id 5 has no row in image_class_labels.txt"),
        (drop_row("train_test_split.txt", 4), "images.txt: row 5: image id 5 has no row in train_test_split.txt"),
        (append_row("train_test_split.txt", "99 1"), "train_test_split.txt: row 13: image id 99 is not in images.txt"),
        (set_row("image_class_labels.txt", 2, "3 7"), "image_class_labels.txt: row 3: unknown class id 7: not in "
                                                      "classes.txt"),
        (set_row("image_class_labels.txt", 2, "3 1.0"), "image_class_labels.txt: row 3: field 'class_id': not a "
                                                        "non-negative integer: '1.0'"),
        (set_row("train_test_split.txt", 2, "3 2"), "train_test_split.txt: row 3: field 'is_training_image': "
                                                    "expected 0 or 1, got '2'"),
    ],
)  # fmt: skip
def test_bad_metadata_rows(tmp_path, output, capsys, change, fragment):
    files = metadata(birds())
    change(files)
    root = write_dataset(tmp_path / "raw", files=files)
    assert_fails_in_process(run_cub(root, output), capsys, output, f"error: {root}/{fragment}")


@pytest.mark.parametrize("member", ["images.txt", "attributes/certainties.txt"])
def test_a_tar_bomb_stops_at_max_bytes(tmp_path, output, capsys, member):
    # 4 MiB of zeros, a few KB in the archive: a metadata file, or a member that is not even extracted
    root = write_dataset(tmp_path / "raw")
    (root / member).write_bytes(bytes(BOMB_SIZE))
    archive = pack(root, tmp_path / "CUB_200_2011.tgz")
    assert archive.stat().st_size < 100_000
    code = run_cub(archive, output, "--max-bytes", 1_000_000)
    line = assert_fails_in_process(code, capsys, output, f"error: {archive}: decompressed data exceeds 1,000,000 bytes")
    assert f"{ROOT}/{member}" in line
    assert no_temporary_folders(tmp_path)


def test_the_byte_limit_holds_the_real_layout(tmp_path, archive, output, capsys):
    assert run_cub(archive, output, "--max-bytes", 1_000_000) == 0  # the stand-in's members add up to a few KB


@pytest.mark.parametrize("source", ["folder", "archive"])
def test_a_zero_bomb_metadata_file_is_too_large(tmp_path, output, capsys, source):
    root = write_dataset(tmp_path / "raw")
    (root / "bounding_boxes.txt").write_bytes(bytes(BOMB_SIZE))
    given = root if source == "folder" else pack(root, tmp_path / "CUB_200_2011.tgz")
    where = f"{root}/" if source == "folder" else f"{given}:{ROOT}/"
    code = run_cub(given, output, "--max-metadata-bytes", 1_000_000)
    message = f"error: {where}bounding_boxes.txt: metadata file larger than 1,000,000 bytes"
    assert_fails_in_process(code, capsys, output, message)


@pytest.mark.parametrize(("length", "extra", "limit"), [(20_000, (), 10_000), (300, ("--max-line-length", 200), 200)])
def test_a_metadata_line_longer_than_the_limit_names_file_and_row(tmp_path, output, capsys, length, extra, limit):
    files = metadata(birds())
    files["classes.txt"][1] = "2 " + "x" * length
    root = write_dataset(tmp_path / "raw", files=files)
    code = run_cub(root, output, *extra)
    message = f"error: {root}/classes.txt: row 2: line longer than {limit:,} characters"
    assert_fails_in_process(code, capsys, output, message)


@pytest.mark.parametrize("name", METADATA)
def test_missing_or_empty_metadata_file(tmp_path, output, capsys, name):
    root = write_dataset(tmp_path / "raw")
    (root / name).write_text("\n\n")
    assert_fails_in_process(run_cub(root, output), capsys, output, f"error: {root / name}: no data rows")
    (root / name).unlink()
    assert_fails_in_process(run_cub(root, output), capsys, output, f"error: {root / name}: missing metadata file")


def test_missing_metadata_file_in_the_archive(tmp_path, output, capsys):
    root = write_dataset(tmp_path / "raw")
    (root / "bounding_boxes.txt").unlink()
    archive = pack(root, tmp_path / "CUB_200_2011.tgz")
    line = assert_fails_in_process(run_cub(archive, output), capsys, output, "missing metadata file")
    assert f"error: {archive}:CUB_200_2011/bounding_boxes.txt: " in line  # named inside the archive
    assert no_temporary_folders(tmp_path)


def test_missing_truncated_and_non_jpeg_images(tmp_path, output, capsys):
    root = write_dataset(tmp_path / "raw")
    items = birds()
    missing = root / "images" / items[3].file
    missing.unlink()
    assert_fails_in_process(run_cub(root, output), capsys, output, f"error: {missing}: image file not found")
    assert run_cub(root, output, "--classes", "1,3") == 0  # image 4 is of class 2: not selected, not needed
    assert "wrote train 4, validation 2" in capsys.readouterr().out
    clean = tmp_path / "clean"
    truncated = root / "images" / items[7].file
    truncated.write_bytes(truncated.read_bytes()[:200])
    code = run_cub(root, clean, "--classes", "3")
    assert_fails_in_process(code, capsys, clean, f"error: {truncated}: unreadable image (JPEG expected)")
    png = io.BytesIO()
    Image.new("RGB", (40, 30)).save(png, format="PNG")
    truncated.write_bytes(png.getvalue())
    code = run_cub(root, clean, "--classes", "3")
    assert_fails_in_process(code, capsys, clean, f"error: {truncated}: unreadable image (JPEG expected)")


@pytest.mark.parametrize(
    ("box", "problem"),
    [
        (("-1.5", "0", "10", "10"), "reaches 1.5 pixels past an edge of the 42x30 image (at most 1)"),
        (("0", "-2", "10", "10"), "reaches 2 pixels past an edge"),
        (("30", "0", "13.01", "10"), "reaches 1.01 pixels past an edge"),
        (("0", "25", "10", "7"), "reaches 2 pixels past an edge"),
        (("-1", "0", "0.5", "10"), "has no area inside the 42x30 image"),
        (("42.5", "0", "0.5", "10"), "has no area inside the 42x30 image"),
    ],
)
def test_box_outside_its_image_names_image_and_box(tmp_path, output, capsys, box, problem):
    items = birds()
    items[0] = items[0]._replace(box=box)
    root = write_dataset(tmp_path / "raw", items)
    image = root / "images" / items[0].file
    shown = ", ".join(f"{field} {value}" for field, value in zip(("left", "top", "width", "height"), box, strict=True))
    fragment = f"error: {image}: box ({shown}) of bounding_boxes.txt row 1 {problem}"
    assert_fails_in_process(run_cub(root, output), capsys, output, fragment)


def test_same_image_name_in_two_selected_classes(tmp_path, output, capsys):
    items = birds()
    items[4] = items[4]._replace(file=f"{CLASS_NAMES[2]}/{items[0].name}.jpg")
    root = write_dataset(tmp_path / "raw", items)
    fragment = (f"error: {root}/images.txt: row 5: images {items[0].file} (row 1) and {items[4].file} both give "
                f"{items[0].name}.jpg")  # fmt: skip
    assert_fails_in_process(run_cub(root, output), capsys, output, fragment)
    assert run_cub(root, output, "--classes", "2,3") == 0  # only one of the two is selected


@pytest.mark.parametrize(("flag", "split"), [("1", "validation"), ("0", "train")])
def test_selection_that_leaves_a_split_empty(tmp_path, output, capsys, flag, split):
    files = metadata(birds())
    files["train_test_split.txt"][6:9] = [f"{image_id} {flag}" for image_id in (7, 8, 9)]  # class 3's images
    root = write_dataset(tmp_path / "raw", files=files)
    code = run_cub(root, output, "--classes", "3,4")
    assert code == 0  # class 4 has both
    capsys.readouterr()
    fresh = tmp_path / "fresh"
    code = run_cub(root, fresh, "--classes", "3")
    fragment = f"error: {root}/train_test_split.txt: no {split} images in the selected classes (3)"
    assert_fails_in_process(code, capsys, fresh, fragment)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("5", "argument --classes: unknown class id(s) 5 (classes.txt has 1..4)"),
        ("1,9,7", "argument --classes: unknown class id(s) 7, 9 (classes.txt has 1..4)"),
        ("1,x", "argument --classes: not an integer: 'x'"),
        ("0", "argument --classes: must be a positive integer, got '0'"),
        ("2,1,2", "argument --classes: duplicate class id(s) 2"),
        ("", "argument --classes: not an integer: ''"),
    ],
)
def test_bad_classes_argument_is_a_usage_error(tmp_path, archive, output, capsys, value, fragment):
    with pytest.raises(SystemExit) as exit_info:
        run_cub(archive, output, "--classes", value)
    assert exit_info.value.code == 2
    assert f"cub200: error: {fragment}" in capsys.readouterr().err
    assert files_under(output) == []
    assert no_temporary_folders(tmp_path)


def test_wrong_layout_corrupt_archive_and_ambiguous_folder(tmp_path, output, capsys):
    other = tmp_path / "other"
    (other / "CUB_200_2011" / "images").mkdir(parents=True)
    (other / "CUB_200_2011" / "notes.txt").write_text("no metadata here\n")
    wrong = tmp_path / "wrong.tgz"
    with tarfile.open(wrong, "w:gz") as archive:
        archive.add(other / "CUB_200_2011", arcname="CUB_200_2011")
    code = run_cub(wrong, output)
    assert_fails_in_process(code, capsys, output, f"error: {wrong}: the archive does not hold the expected dataset")
    corrupt = tmp_path / "corrupt.tgz"
    corrupt.write_bytes(cub_archive(tmp_path).read_bytes()[:5000])
    assert_fails_in_process(run_cub(corrupt, output), capsys, output, f"error: {corrupt}: corrupt or unreadable")
    several = tmp_path / "several"
    several.mkdir()
    for name in ("a.tgz", "b.tgz"):
        (several / name).write_bytes(wrong.read_bytes())
    code = run_cub(several, output)
    assert_fails_in_process(code, capsys, output, f"error: {several}: no dataset folder found, and not exactly one")
    assert no_temporary_folders(tmp_path)
