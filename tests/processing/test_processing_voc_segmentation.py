"""processing/voc_segmentation.py: Pascal VOC 2012 -> the Semantic Segmentation algorithm's channels.

The datasets are built in tmp_path in the real layouts: the fast.ai pascal-voc.tgz (pascal-voc/VOC2007/...,
pascal-voc/VOC2012/...) and the official VOCtrainval tar (VOCdevkit/VOC2012/...), with tiny JPEG photos and palette
PNG masks (VOC colours, class indices 0..20, 255 boundaries) written with Pillow.
"""

import contextlib
import io
import json
import tarfile
from pathlib import Path

import numpy as np
import pytest
import voc_segmentation
from PIL import Image
from processing_testlib import assert_fails_in_process, assert_input_error, files_under, run_processing

ROOT = "pascal-voc/VOC2012"
TRAIN = ["2007_000032", "2007_000039", "2008_000123"]
VAL = ["2007_000033", "2009_000001"]
UNLISTED = "2012_004000"  # a JPEG in JPEGImages/ that no segmentation list names (most of them, on the real data)
CHANNELS = voc_segmentation.CHANNELS


@pytest.fixture
def output_splits() -> tuple[str, ...]:
    return CHANNELS


def voc_palette() -> list[int]:
    """The VOC colour map: bits of the class index spread over the high bits of R, G and B."""
    palette = []
    for index in range(256):
        rgb = [0, 0, 0]
        for shift in range(8):
            for channel in range(3):
                rgb[channel] |= ((index >> (3 * shift + channel)) & 1) << (7 - shift)
        palette += rgb
    return palette


PALETTE = voc_palette()


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def size_of(index: int) -> tuple[int, int]:
    return 24 + index, 16 + index % 3


def photo(index: int, size: tuple[int, int] | None = None) -> bytes:
    width, height = size or size_of(index)
    rng = np.random.default_rng(index)
    pixels = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    return encoded(Image.fromarray(pixels), "JPEG", quality=90)


def mask_array(index: int, size: tuple[int, int] | None = None) -> np.ndarray:
    """Background, one object of class 1 + index % 20 and a 255 boundary around it."""
    width, height = size or size_of(index)
    array = np.zeros((height, width), dtype=np.uint8)
    array[2 : height - 2, 3 : width - 3] = IGNORE
    array[3 : height - 3, 4 : width - 4] = 1 + index % 20
    return array


IGNORE = 255


def png(array: np.ndarray, palette: bool = True) -> bytes:
    image = Image.fromarray(array)  # "L"
    if palette:
        image.putpalette(PALETTE)  # turns it into "P", the indices unchanged
    return encoded(image, "PNG")


def id_lines(ids) -> bytes:
    return "".join(f"{image_id}\n" for image_id in ids).encode()


def members(train=TRAIN, val=VAL, root=ROOT, **changes) -> dict[str, bytes | None]:
    """The members of a VOC archive; changes maps a member path below root to new bytes, or None to drop it."""
    files = {f"{root}/JPEGImages/{UNLISTED}.jpg": photo(99)}
    for index, image_id in enumerate([*train, *val]):
        files[f"{root}/JPEGImages/{image_id}.jpg"] = photo(index)
        files[f"{root}/SegmentationClass/{image_id}.png"] = png(mask_array(index))
        files[f"{root}/SegmentationObject/{image_id}.png"] = png(mask_array(index))
        files[f"{root}/Annotations/{image_id}.xml"] = b"<annotation/>\n"
    files[f"{root}/ImageSets/Segmentation/train.txt"] = id_lines(train)
    files[f"{root}/ImageSets/Segmentation/val.txt"] = id_lines(val)
    files[f"{root}/ImageSets/Segmentation/trainval.txt"] = id_lines([*train, *val])
    files[f"{root}/ImageSets/Main/train.txt"] = id_lines(train)
    for member, content in changes.items():
        files[f"{root}/{member}"] = content
    return files


def voc2007() -> dict[str, bytes]:
    return {
        "pascal-voc/VOC2007/JPEGImages/000001.jpg": photo(50),
        "pascal-voc/VOC2007/SegmentationClass/000001.png": png(mask_array(50)),
        "pascal-voc/VOC2007/ImageSets/Segmentation/train.txt": id_lines(["000001"]),
    }


def make_archive(path: Path, files: dict[str, bytes | None], mode: str = "w:gz") -> Path:
    """A tar with folder entries before their files, as tar writes them; None contents are left out."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = {name: content for name, content in files.items() if content is not None}
    folders = sorted({"/".join(name.split("/")[:depth]) for name in kept for depth in range(1, name.count("/") + 1)})
    with tarfile.open(path, mode) as archive:
        for folder in folders:
            info = tarfile.TarInfo(folder)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            archive.addfile(info)
        for name, content in kept.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(content), 0o644
            archive.addfile(info, io.BytesIO(content))
    return path


def fastai_archive(tmp_path: Path, **kwargs) -> Path:
    return make_archive(tmp_path / "data" / "pascal-voc.tgz", {**voc2007(), **members(**kwargs)})


def extracted_folder(folder: Path, files: dict[str, bytes | None]) -> Path:
    for name, content in files.items():
        if content is not None:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(content)
    return folder


def run_voc(source, output, *args) -> int:
    return voc_segmentation.main(["--input", str(source), "--output-dir", str(output), *map(str, args)])


def expected_files(output: Path, train=TRAIN, val=VAL) -> list[Path]:
    files = [output / "label_map" / f"{split}_label_map.json" for split in ("train", "validation")]
    files.append(output / "stats" / "stats.json")
    for split, ids in (("train", train), ("validation", val)):
        files += [output / split / f"{image_id}.jpg" for image_id in ids]
        files += [output / f"{split}_annotation" / f"{image_id}.png" for image_id in ids]
    return sorted(files)


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="ascii"))


def all_bytes(output: Path) -> dict[str, bytes]:
    return {path.relative_to(output).as_posix(): path.read_bytes() for path in files_under(output)}


# --- output --------------------------------------------------------------------------------------------------


def test_fastai_archive_gives_the_four_channels_label_maps_and_stats(tmp_path, output, capsys):
    source = fastai_archive(tmp_path)
    raw = members()

    assert run_voc(source, output) == 0

    assert files_under(output) == expected_files(output)
    for index, image_id in enumerate([*TRAIN, *VAL]):
        split = "train" if image_id in TRAIN else "validation"
        image = output / split / f"{image_id}.jpg"
        mask = output / f"{split}_annotation" / f"{image_id}.png"
        assert image.read_bytes() == raw[f"{ROOT}/JPEGImages/{image_id}.jpg"]  # copied, not re-encoded
        assert mask.read_bytes() == raw[f"{ROOT}/SegmentationClass/{image_id}.png"]
        with Image.open(mask) as decoded:
            assert decoded.mode == "P" and decoded.getpalette()[:9] == [0, 0, 0, 128, 0, 0, 0, 128, 0]
            np.testing.assert_array_equal(np.asarray(decoded), mask_array(index))
        with Image.open(image) as decoded:
            assert decoded.format == "JPEG" and decoded.size == size_of(index)
    assert read_json(output / "label_map" / "train_label_map.json") == {"scale": 1}
    assert (output / "label_map" / "validation_label_map.json").read_text() == '{\n  "scale": 1\n}\n'
    stats = output / "stats" / "stats.json"
    assert list(read_json(stats).items()) == [
        ("num_training_samples", 3),
        ("num_validation_samples", 2),
        ("num_classes", 21),
        ("ignore_label", 255),
    ]
    assert capsys.readouterr().out == (
        f"voc_segmentation: read {source}:{ROOT}: train.txt 3 ids, val.txt 2 ids; wrote train 3 and validation 2 "
        "images with masks (21 classes, ignore label 255); skipped 1 of the 6 files in JPEGImages/\n"
    )


def test_official_tar_layout_and_grayscale_masks(tmp_path, output):
    root = "VOCdevkit/VOC2012"
    grayscale = {}
    for index, image_id in enumerate([*TRAIN, *VAL]):
        grayscale[f"SegmentationClass/{image_id}.png"] = png(mask_array(index), palette=False)
    source = make_archive(tmp_path / "VOCtrainval_11-May-2012.tar", members(root=root, **grayscale), mode="w")

    assert run_voc(source, output) == 0

    assert files_under(output) == expected_files(output)
    with Image.open(output / "validation_annotation" / f"{VAL[1]}.png") as decoded:
        assert decoded.mode == "L"
        np.testing.assert_array_equal(np.asarray(decoded), mask_array(4))
    copied = output / "train_annotation" / f"{TRAIN[0]}.png"
    assert copied.read_bytes() == grayscale[f"SegmentationClass/{TRAIN[0]}.png"]


def test_members_named_with_a_leading_dot_slash(tmp_path, output):
    """`tar czf pascal-voc.tgz .` names its members ./pascal-voc/..."""
    source = make_archive(tmp_path / "dot.tgz", {f"./{name}": data for name, data in members().items()})
    assert run_voc(source, output) == 0
    assert files_under(output) == expected_files(output)


def test_extracted_folder_and_a_folder_above_it(tmp_path, output, capsys):
    extracted_folder(tmp_path / "in", {**voc2007(), **members()})
    assert run_voc(tmp_path / "in", output) == 0
    assert files_under(output) == expected_files(output)
    assert f"read {tmp_path / 'in' / ROOT}: train.txt 3 ids" in capsys.readouterr().out
    assert run_voc(tmp_path / "in" / ROOT, tmp_path / "again") == 0
    assert all_bytes(tmp_path / "again") == all_bytes(output)


def test_folder_holding_the_archive(tmp_path, output, capsys):
    source = fastai_archive(tmp_path)
    (tmp_path / "data" / "README.txt").write_text("not an archive")
    assert run_voc(source.parent, output) == 0
    assert files_under(output) == expected_files(output)
    assert f"read {source}:{ROOT}:" in capsys.readouterr().out


def test_output_folder_below_missing_folders(tmp_path, capsys):
    source = fastai_archive(tmp_path)
    output = tmp_path / "new" / "deeper" / "output"
    assert run_voc(source, output) == 0
    assert files_under(output) == expected_files(output)
    capsys.readouterr()
    bad = fastai_archive(tmp_path, **{f"JPEGImages/{VAL[0]}.jpg": None})
    assert_fails_in_process(run_voc(bad, tmp_path / "x" / "y"), capsys, tmp_path / "x", "image file not found")
    assert not (tmp_path / "x").exists()  # nothing created for a failed job
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")]


def test_extracts_only_the_voc2012_segmentation_members(tmp_path, output, monkeypatch):
    seen: list[str] = []
    original = voc_segmentation.dataset_root

    @contextlib.contextmanager
    def spying(*args, **kwargs):
        with original(*args, **kwargs) as root:
            top = Path(root).parents[1]  # the temporary folder: root is top/pascal-voc/VOC2012
            assert top.parent == output.parent and top.name.startswith(".dataset-")  # beside the output folder
            seen.extend(path.relative_to(top).as_posix() for path in top.rglob("*") if path.is_file())
            yield root

    monkeypatch.setattr(voc_segmentation, "dataset_root", spying)
    assert run_voc(fastai_archive(tmp_path), output) == 0
    wanted = {name for name in members() if name.split("/")[2] in ("JPEGImages", "SegmentationClass")}
    wanted |= {f"{ROOT}/ImageSets/Segmentation/{name}" for name in ("train.txt", "val.txt", "trainval.txt")}
    assert sorted(seen) == sorted(wanted)
    assert not any(path.name.startswith(".dataset-") for path in output.parent.iterdir())  # removed on exit


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("pascal-voc/VOC2012/JPEGImages/2007_000032.jpg", True),
        ("pascal-voc/VOC2012/SegmentationClass/2007_000032.png", True),
        ("pascal-voc/VOC2012/ImageSets/Segmentation/train.txt", True),
        ("./VOCdevkit/VOC2012/ImageSets/Segmentation/val.txt", True),
        ("VOC2012/JPEGImages", True),
        ("pascal-voc/VOC2012/ImageSets/Main/train.txt", False),
        ("pascal-voc/VOC2012/ImageSets", False),
        ("pascal-voc/VOC2012/SegmentationObject/2007_000032.png", False),
        ("pascal-voc/VOC2012/Annotations/2007_000032.xml", False),
        ("pascal-voc/VOC2007/JPEGImages/000001.jpg", False),
        ("pascal-voc/VOC2007/SegmentationClass/000001.png", False),
        ("pascal-voc/JPEGImages/x.jpg", False),
    ],
)
def test_wanted_members(name, expected):
    assert voc_segmentation.wanted(name) is expected


def test_max_images_keeps_the_first_ids_in_file_order(tmp_path, output, capsys):
    train = ["2009_000005", "2007_000001", "2008_000007", "2007_000003"]
    val = ["2010_000002", "2007_000009"]
    source = fastai_archive(tmp_path, train=train, val=val)
    assert run_voc(source, output, "--max-images", 2) == 0
    assert files_under(output) == expected_files(output, train[:2], val[:2])
    assert read_json(output / "stats" / "stats.json")["num_training_samples"] == 2
    assert read_json(output / "stats" / "stats.json")["num_validation_samples"] == 2
    summary = "train.txt 4 ids, val.txt 2 ids; wrote train 2 and validation 2 images with masks (--max-images 2)"
    assert summary in capsys.readouterr().out
    assert run_voc(source, tmp_path / "more", "--max-images", 3) == 0
    assert files_under(tmp_path / "more") == expected_files(tmp_path / "more", train[:3], val)


def test_blank_lines_and_crlf_are_ignored(tmp_path, output):
    lists = {"ImageSets/Segmentation/train.txt": b"\n2007_000032\r\n\n  2007_000039  \n2008_000123\n\n\n"}
    assert run_voc(fastai_archive(tmp_path, **lists), output) == 0
    assert files_under(output) == expected_files(output)


def test_two_runs_are_byte_identical(tmp_path):
    source = fastai_archive(tmp_path)
    assert run_voc(source, tmp_path / "a") == 0
    assert run_voc(source, tmp_path / "b") == 0
    assert all_bytes(tmp_path / "a") == all_bytes(tmp_path / "b")
    assert len(all_bytes(tmp_path / "a")) == 13


def test_dispatcher_runs_the_script(tmp_path, output):
    source = fastai_archive(tmp_path)
    result = run_processing("voc_segmentation", "--input", source, "--output-dir", output, "--max-images", 1)
    assert result.returncode == 0, result.stderr
    assert files_under(output) == expected_files(output, TRAIN[:1], VAL[:1])
    assert result.stdout.strip().splitlines()[-1].startswith("voc_segmentation: read ")


def test_dispatcher_reports_bad_input(tmp_path, output):
    source = fastai_archive(tmp_path, **{f"SegmentationClass/{VAL[0]}.png": png(mask_array(3) + 30)})
    result = run_processing("voc_segmentation", "--input", source, "--output-dir", output)
    assert_input_error(result, f"{source}:{ROOT}/SegmentationClass/{VAL[0]}.png", "unknown class values")
    assert files_under(output) == []


# --- bad input -----------------------------------------------------------------------------------------------

LISTS = "ImageSets/Segmentation"


def rgb_mask() -> bytes:
    return encoded(Image.fromarray(np.zeros((16, 24, 3), dtype=np.uint8)), "PNG")


def mode_mask(mode: str) -> bytes:
    return encoded(Image.new(mode, size_of(0)), "PNG")


def unknown_values_mask(index: int = 0) -> bytes:
    array = mask_array(index)
    array[0, 0], array[0, 1], array[1, 0] = 21, 254, 21
    return png(array)


TRAIN_LIST, VAL_LIST = f"{LISTS}/train.txt", f"{LISTS}/val.txt"
PHOTO, MASK = f"JPEGImages/{TRAIN[0]}.jpg", f"SegmentationClass/{TRAIN[0]}.png"
SINGLE_CHANNEL = "mask must be a single-channel 8-bit PNG"


@pytest.mark.parametrize(
    ("member", "content", "fragments"),
    [
        (TRAIN_LIST, None, ["image set file not found"]),
        (VAL_LIST, None, ["image set file not found"]),
        (VAL_LIST, b"\n\n", ["no image ids: the split is empty"]),
        (TRAIN_LIST, b"a\nb\na\n", ["row 3", "'a' is listed twice (first in train.txt, row 1)"]),
        (VAL_LIST, b"x\n2007_000039\n", ["row 2", "'2007_000039' is listed twice (first in train.txt, row 2)"]),
        (TRAIN_LIST, b"2007_000032 1\n", ["row 1", "not an image id: '2007_000032 1'"]),
        (TRAIN_LIST, b"../x\n", ["row 1", "not an image id"]),
        (TRAIN_LIST, b"\xff\n", ["not UTF-8"]),
        (PHOTO, None, ["image file not found"]),
        (f"SegmentationClass/{VAL[1]}.png", None, ["image file not found"]),
        (PHOTO, photo(0)[:300], ["unreadable image (JPEG expected)"]),
        (PHOTO, png(mask_array(0)), ["unreadable image (JPEG expected)"]),
        (MASK, photo(0), ["unreadable image (PNG expected)"]),
        (MASK, png(mask_array(0))[:-40], ["unreadable image (PNG expected)"]),
        (MASK, rgb_mask(), [SINGLE_CHANNEL, "'RGB'"]),
        (MASK, mode_mask("RGBA"), [SINGLE_CHANNEL, "'RGBA'"]),
        (MASK, mode_mask("I;16"), [SINGLE_CHANNEL, "'I;16'"]),
        (MASK, mode_mask("1"), [SINGLE_CHANNEL, "'1'"]),
        (MASK, mode_mask("LA"), [SINGLE_CHANNEL, "'LA'"]),
        (MASK, unknown_values_mask(), ["unknown class values 21, 254 (expected 0..20, or 255 for boundaries)"]),
    ],
)
def test_bad_dataset_names_the_member(tmp_path, output, capsys, member, content, fragments):
    source = fastai_archive(tmp_path, **{member: content})
    code = run_voc(source, output)
    assert_fails_in_process(code, capsys, output, f"error: {source}:{ROOT}/{member}: ", *fragments)


def test_mask_size_mismatch_names_both_files_and_sizes(tmp_path, output, capsys):
    mask = f"SegmentationClass/{VAL[1]}.png"
    source = fastai_archive(tmp_path, **{mask: png(mask_array(4, (30, 17)))})
    code = run_voc(source, output)
    image = f"{source}:{ROOT}/JPEGImages/{VAL[1]}.jpg"
    assert_fails_in_process(code, capsys, output, f"error: {source}:{ROOT}/{mask}: mask size 30x17 differs from 28x17 "
                            f"of {image}")  # fmt: skip


def test_bad_extracted_folder_names_the_real_path(tmp_path, output, capsys):
    folder = extracted_folder(tmp_path / "in", members(**{f"JPEGImages/{VAL[0]}.jpg": b"not a jpeg"}))
    code = run_voc(folder, output)
    path = folder / ROOT / "JPEGImages" / f"{VAL[0]}.jpg"
    assert_fails_in_process(code, capsys, output, f"error: {path}: unreadable image (JPEG expected)")


def test_a_bad_pair_after_good_ones_leaves_nothing(tmp_path, output, capsys):
    """The last validation pair is bad: everything copied before it is dropped (staged outputs)."""
    source = fastai_archive(tmp_path, **{f"SegmentationClass/{VAL[1]}.png": unknown_values_mask(4)})
    assert_fails_in_process(run_voc(source, output), capsys, output, "unknown class values")
    assert sorted(path.name for path in output.iterdir()) == sorted(CHANNELS)  # the job's folders, kept empty
    assert not [path for path in output.parent.iterdir() if path.name.startswith(".")]


def test_wrong_layout(tmp_path, output, capsys):
    voc2012_without_masks = {name: data for name, data in members().items() if "/SegmentationClass/" not in name}
    for name, files in (("only2007.tgz", voc2007()), ("nomasks.tgz", voc2012_without_masks)):
        source = make_archive(tmp_path / name, files)
        layout = f"error: {source}: the archive does not hold the expected dataset layout"
        assert_fails_in_process(run_voc(source, output), capsys, output, layout)


def test_corrupt_archive(tmp_path, output, capsys):
    whole = fastai_archive(tmp_path).read_bytes()
    source = tmp_path / "cut.tgz"
    source.write_bytes(whole[: len(whole) // 2])
    code = run_voc(source, output)
    assert_fails_in_process(code, capsys, output, f"error: {source}: corrupt or unreadable archive")
    source.write_bytes(b"\x1f\x8b" + bytes(200))
    code = run_voc(source, output)
    assert_fails_in_process(code, capsys, output, f"error: {source}: corrupt or unreadable archive")


def test_folder_without_dataset_or_archive(tmp_path, output, capsys):
    (tmp_path / "empty").mkdir()
    code = run_voc(tmp_path / "empty", output)
    assert_fails_in_process(code, capsys, output, str(tmp_path / "empty"), "no dataset folder found")


def test_negative_max_images_is_an_argument_error(tmp_path, output, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_voc(fastai_archive(tmp_path), output, "--max-images", -1)
    assert exit_info.value.code == 2
    assert "--max-images: must not be negative" in capsys.readouterr().err


# --- --baseline ----------------------------------------------------------------------------------------------

BASELINE = "validation:mIOU"


def gluoncv_miou(masks: list[np.ndarray], prediction: int, num_classes: int = 21) -> float:
    """GluonCV's SegmentationMetric for a prediction of one class everywhere: per-class intersections and unions
    summed over all masks (255 left out), IoU = inter / (eps + union), mean over all classes."""
    inter, union = np.zeros(num_classes), np.zeros(num_classes)
    for mask in masks:
        labelled = mask != IGNORE
        truth = mask[labelled]
        predicted = np.full_like(truth, prediction)
        for label in range(num_classes):
            inter[label] += np.sum((predicted == label) & (truth == label))
            union[label] += np.sum((predicted == label) | (truth == label))
    return float(np.mean(inter / (np.spacing(1) + union)))


def test_constant_class_miou_of_a_hand_made_mask():
    mask = np.array([[0, 15, 15], [IGNORE, 15, 0]], dtype=np.uint8)
    # 5 labelled pixels: 3 of class 15 (person), 2 of background; always 15: IoU_15 = 3 / 5, the other 20 IoUs 0
    counts = np.bincount(mask.ravel(), minlength=256)[:21]
    value, best = voc_segmentation.constant_class_miou(counts)
    assert best == 15
    assert value == pytest.approx(3 / 5 / 21, rel=1e-12)
    assert value == pytest.approx(max(gluoncv_miou([mask], label) for label in range(21)), rel=1e-12)
    assert value == pytest.approx(gluoncv_miou([mask], 15), rel=1e-12)
    assert gluoncv_miou([mask], 0) == pytest.approx(2 / 5 / 21)  # always background: worse


def test_constant_class_miou_ties_and_empty_splits():
    assert voc_segmentation.constant_class_miou([2, 0, 2, 0]) == (pytest.approx(0.5 / 4), 0)
    assert voc_segmentation.constant_class_miou([0] * 21) == (0.0, 0)  # nothing labelled: every IoU is 0 / eps


def baseline_masks() -> dict[str, np.ndarray]:
    """Validation masks where class 15 (person) outnumbers the background, with 255 pixels that must not count."""
    first = np.zeros((16, 27), dtype=np.uint8)  # size_of(3): 27 x 16
    first[:10] = 15  # 270 person
    first[10] = IGNORE  # 27 ignored, the other 5 rows 135 background
    second = np.full((17, 28), IGNORE, dtype=np.uint8)  # size_of(4): 28 x 17
    second[:4] = 0  # 112 background
    second[4:9] = 15  # 140 person
    second[9, :7] = 7  # 7 car; the rest, 224 - 7 = 217, ignored
    return {VAL[0]: first, VAL[1]: second}


def test_baseline_is_the_best_constant_miou_of_the_validation_masks(tmp_path, output, capsys):
    masks = baseline_masks()
    source = fastai_archive(tmp_path, **{f"SegmentationClass/{name}.png": png(mask) for name, mask in masks.items()})
    assert run_voc(source, tmp_path / "plain") == 0
    capsys.readouterr()

    assert run_voc(source, output, "--baseline", BASELINE) == 0

    # labelled pixels: person 270 + 140 = 410, background 135 + 112 = 247, car 7; always person: 410 / 664 / 21
    expected = 410 / 664 / 21
    assert read_json(output / "baseline" / "baseline.json") == {
        "metric": BASELINE,
        "value": pytest.approx(expected, rel=1e-12),
        "model": "always class 15 (person)",
        "split": "validation",
        "records": 2,
    }
    assert expected == pytest.approx(gluoncv_miou(list(masks.values()), 15), rel=1e-12)
    written = all_bytes(output)
    assert written.pop("baseline/baseline.json")
    assert written == all_bytes(tmp_path / "plain")  # the channels of a run without --baseline
    assert capsys.readouterr().out.endswith(
        f"skipped 1 of the 6 files in JPEGImages/; baseline {BASELINE} {expected:.6g}: always class 15 (person)\n"
    )


def test_baseline_counts_only_the_validation_images_written(tmp_path, output):
    """The default masks: a 255 ring around an object of class 1 + index % 20 on background; --max-images 1 keeps
    VAL[0] (index 3, 27 x 16) alone."""
    assert run_voc(fastai_archive(tmp_path), output, "--max-images", 1, "--baseline", BASELINE) == 0
    # object rows 3..12 x columns 4..22: 10 x 19 = 190 of class 4; ring 12 x 21 - 190 = 62 ignored;
    # background 432 - 12 x 21 = 180
    baseline = read_json(output / "baseline" / "baseline.json")
    assert baseline["value"] == pytest.approx(190 / 370 / 21, rel=1e-12)
    assert (baseline["model"], baseline["records"]) == ("always class 4 (boat)", 1)
    assert baseline["value"] == pytest.approx(gluoncv_miou([mask_array(3)], 4), rel=1e-12)


def test_without_baseline_no_baseline_folder(tmp_path, output, capsys):
    assert run_voc(fastai_archive(tmp_path), output) == 0
    assert files_under(output) == expected_files(output)
    assert capsys.readouterr().out.endswith("skipped 1 of the 6 files in JPEGImages/\n")


@pytest.mark.parametrize(
    ("metric", "reason"),
    [
        ("validation:pixel_accuracy", "no baseline for this metric"),
        ("train:mIOU", "no baseline for this metric"),
        ("validation:miou", "no baseline for this metric"),
        ("test:mIOU", "the test split is not written (written: train, validation)"),
        ("mIOU", "not of the form CHANNEL:NAME"),
    ],
)
def test_baseline_of_another_metric_is_a_usage_error(tmp_path, output, capsys, metric, reason):
    with pytest.raises(SystemExit) as exit_info:
        run_voc(fastai_archive(tmp_path), output, "--baseline", metric)
    assert exit_info.value.code == 2
    assert f"--baseline {metric}: {reason}; supported: validation:mIOU" in capsys.readouterr().err
    assert files_under(output) == []


def test_a_bad_mask_leaves_no_baseline_either(tmp_path, output, capsys):
    source = fastai_archive(tmp_path, **{f"SegmentationClass/{VAL[1]}.png": unknown_values_mask(4)})
    code = run_voc(source, output, "--baseline", BASELINE)
    assert_fails_in_process(code, capsys, output, "unknown class values")
    assert not (output / "baseline").exists()


def test_baseline_through_the_dispatcher(tmp_path, output):
    source = fastai_archive(tmp_path)
    result = run_processing("voc_segmentation", "--input", source, "--output-dir", output, "--baseline", BASELINE)
    assert result.returncode == 0, result.stderr
    assert read_json(output / "baseline" / "baseline.json")["records"] == 2
    result = run_processing("voc_segmentation", "--input", source, "--output-dir", tmp_path / "x", "--baseline", "x")
    assert result.returncode == 2
    assert "voc_segmentation: error: --baseline x: not of the form CHANNEL:NAME" in result.stderr
