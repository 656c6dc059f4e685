"""Pascal VOC 2012 segmentation (pascal-voc.tgz or VOCtrainval_11-May-2012.tar) for the built-in Semantic Segmentation.

Input (--input): the fast.ai archive pascal-voc.tgz (pascal-voc/VOC2007/..., pascal-voc/VOC2012/...), the official
VOCtrainval_11-May-2012.tar (VOCdevkit/VOC2012/...), a folder holding exactly one such archive, or the extracted
folder (or a folder up to three levels above it). The dataset's root is the folder named VOC2012 that holds
JPEGImages/ and SegmentationClass/. From an archive only the members under a VOC2012/ folder's
ImageSets/Segmentation/, SegmentationClass/ and JPEGImages/ are extracted (never VOC2007/, Annotations/,
SegmentationObject/, ...), into a temporary folder beside --output-dir (the job's storage volume), deleted on exit.
Files used:
  ImageSets/Segmentation/train.txt  one image id per line (e.g. 2007_000032): 1,464 ids on the real data
  ImageSets/Segmentation/val.txt    1,449 ids. Blank lines are ignored; ids are letters, digits, '_' and '-'.
  JPEGImages/<id>.jpg               the photo (about 500x375)
  SegmentationClass/<id>.png        its mask: a palette ("P") 8-bit PNG whose pixel indices are the class ids,
                                    0 background, 1..20 the classes of CLASSES below, 255 boundary/ignore.
                                    8-bit grayscale ("L") masks with the same values are accepted too.
--max-images N keeps the first N ids of each list, in file order (a cheap demo run); 0, the default, keeps all.

Output, the four channels of the Semantic Segmentation algorithm plus its optional label map (files copied byte
for byte, after a full decode showed they are sound):
  DIR/train/<id>.jpg, DIR/validation/<id>.jpg                           the photos of train.txt / val.txt
  DIR/train_annotation/<id>.png, DIR/validation_annotation/<id>.png     their masks, as they are: the palette keeps
                                    the VOC colours for viewers, while the indices are the labels the algorithm reads
  DIR/label_map/train_label_map.json, DIR/label_map/validation_label_map.json   {"scale": 1}: labels as stored
  DIR/stats/stats.json              {"num_training_samples", "num_validation_samples", "num_classes": 21,
                                    "ignore_label": 255}; the pipeline reads num_training_samples and num_classes.
  DIR/baseline/baseline.json        only with --baseline validation:mIOU (the algorithm's metric on the validation
                                    channel): the mIOU of the best constant prediction on the validation masks
                                    written (see shared/baselines.py); records is the number of validation images.
                                    Written with the channels, all or nothing; another metric is a usage error.

The baseline follows the metric's definition in GluonCV, which the algorithm is built on (SegmentationMetric):
per-class pixel intersections and unions are summed over the whole split, pixels labelled 255 left out, IoU_c =
inter_c / (eps + union_c), and mIOU is the mean of IoU_c over all 21 classes, a class absent from both prediction
and truth counting 0. Predicting class c for every pixel gives IoU_c = (pixels of class c) / (all labelled pixels)
and 0 for every other class, so the best constant model scores max_c share_c / 21, at most 1 / 21 = 0.048; on
VOC it is "always class 0 (background)", the class of most pixels.

Checks, each failing the job (exit 2, one `error:` line, nothing written). Files inside an archive are named
ARCHIVE:MEMBER, e.g. pascal-voc.tgz:pascal-voc/VOC2012/SegmentationClass/2007_000032.png:
  no VOC2012 folder with JPEGImages/ and SegmentationClass/ (wrong layout), a corrupt archive, a missing train.txt
  or val.txt, a list without ids, a malformed id or an id listed twice (within a list or in both; file and row
  named), a missing or undecodable JPEG or PNG, a mask that is not a single-channel 8-bit PNG (RGB, RGBA, 16-bit,
  1-bit, ...), a mask whose size differs from its photo's (both files named), and mask values other than 0..20 and
  255 (the unknown values listed).
"""

import argparse
import os
import re
import shutil
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from shared import baselines
from shared.archives import dataset_root, display_name
from shared.arguments import non_negative
from shared.cli import run
from shared.errors import InputError
from shared.images import decoded_image
from shared.inputs import read_text
from shared.outputs import staged_outputs, write_json

CLASSES = (
    "background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
    "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
)  # fmt: skip
IGNORE_LABEL = 255
ROOT_NAME = "VOC2012"
IMAGES, MASKS, IMAGE_SETS = "JPEGImages", "SegmentationClass", os.path.join("ImageSets", "Segmentation")
WANTED = (("ImageSets", "Segmentation"), (MASKS,), (IMAGES,))  # folders extracted below VOC2012/
LISTS = {"train": "train.txt", "validation": "val.txt"}
CHANNELS = ("train", "validation", "train_annotation", "validation_annotation", "label_map", "stats")
BASELINE_METRICS = ("validation:mIOU",)  # --baseline: the Semantic Segmentation metric a baseline is known for
MASK_MODES = ("P", "L")  # what Pillow makes of 8-bit palette and grayscale PNGs
_ID = re.compile(r"[A-Za-z0-9_-]+")  # also keeps ids from naming paths outside the output folders
_VALID = np.zeros(256, dtype=bool)
_VALID[: len(CLASSES)] = _VALID[IGNORE_LABEL] = True


class Dataset(NamedTuple):
    root: str  # the VOC2012 folder

    def path(self, *parts: str) -> str:
        return os.path.join(self.root, *parts)

    @staticmethod
    def name(path: str) -> str:
        """How messages name a file below root: its path, or ARCHIVE:MEMBER when it was extracted."""
        return display_name(path)


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    work_dir = os.path.dirname(os.path.abspath(args.output_dir))
    with dataset_root(args.input, is_root, wanted, work_dir) as root:
        dataset = Dataset(root)
        where = dataset.name(root)
        listed = read_splits(dataset)
        splits = {split: ids[: args.max_images or None] for split, ids in listed.items()}
        channels = (*CHANNELS, baselines.OUTPUT) if args.baseline else CHANNELS
        outputs = {channel: os.path.join(args.output_dir, channel) for channel in channels}
        pixels = {split: np.zeros(256, dtype=np.int64) for split in splits}  # split -> pixels of each mask value
        with staged_outputs(outputs) as staging:
            for split, ids in splits.items():
                for image_id in ids:
                    pixels[split] += copy_pair(dataset, image_id, staging[split], staging[f"{split}_annotation"])
            write_label_maps(staging["label_map"])
            write_stats(os.path.join(staging["stats"], "stats.json"), splits)
            baseline = constant_baseline(args.baseline, splits, pixels) if args.baseline else None
            if baseline is not None:
                baseline.write(staging[baselines.OUTPUT])
        available = len(os.listdir(dataset.path(IMAGES)))
    written = sum(map(len, splits.values()))
    limit = f" (--max-images {args.max_images})" if args.max_images else ""
    print(
        f"voc_segmentation: read {where}: train.txt {len(listed['train'])} ids, val.txt "
        f"{len(listed['validation'])} ids; wrote train {len(splits['train'])} and validation "
        f"{len(splits['validation'])} images with masks{limit} ({len(CLASSES)} classes, ignore label {IGNORE_LABEL}); "
        f"skipped {available - written} of the {available} files in {IMAGES}/"
        + (f"; baseline {baseline.metric} {baseline.value:.6g}: {baseline.model}" if baseline else "")
    )
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="voc_segmentation", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="pascal-voc.tgz or VOCtrainval tar, its folder, or extracted")
    parser.add_argument("--output-dir", required=True, help="gets the channel folders and stats/")
    parser.add_argument("--max-images", type=non_negative, default=0, help="first N ids of each list (0: all)")
    supported = ", ".join(BASELINE_METRICS)
    parser.add_argument("--baseline", metavar="METRIC", help="also write baseline/baseline.json, the trivial "
                        f"model's score of the algorithm's METRIC (supported: {supported})")  # fmt: skip
    args = parser.parse_args(argv)
    baselines.check_metric(parser, args.baseline, BASELINE_METRICS, ("train", "validation"))
    return args


def is_root(folder: str) -> bool:
    """The VOC2012 folder. ImageSets/ is not required, so that a missing list is reported by name."""
    return os.path.basename(folder) == ROOT_NAME and all(
        os.path.isdir(os.path.join(folder, name)) for name in (IMAGES, MASKS)
    )


def wanted(member: str) -> bool:
    parts = member.split("/")
    if ROOT_NAME not in parts:
        return False
    below = tuple(parts[parts.index(ROOT_NAME) + 1 :])
    return any(below[: len(prefix)] == prefix for prefix in WANTED)


def read_splits(dataset: Dataset) -> dict[str, list[str]]:
    """split -> the ids of its list, in file order; no id may appear twice, in one list or across both."""
    seen: dict[str, tuple[str, int]] = {}  # id -> (list, row) where it first appeared
    return {split: read_ids(dataset, name, seen) for split, name in LISTS.items()}


def read_ids(dataset: Dataset, name: str, seen: dict[str, tuple[str, int]]) -> list[str]:
    path = dataset.path(IMAGE_SETS, name)
    # Errors name the file by its path: dataset_root renames an extracted one ARCHIVE:MEMBER.
    if not os.path.isfile(path):
        raise InputError("image set file not found", file=path)
    text = read_text(path)
    ids = []
    for row, line in enumerate(text.split("\n"), start=1):
        image_id = line.strip()
        if not image_id:
            continue
        if not _ID.fullmatch(image_id):
            raise InputError(f"not an image id: {image_id!r}", file=path, row=row)
        if image_id in seen:
            first, first_row = seen[image_id]
            raise InputError(f"image id {image_id!r} is listed twice (first in {first}, row {first_row})", file=path,
                             row=row)  # fmt: skip
        seen[image_id] = (name, row)
        ids.append(image_id)
    if not ids:
        raise InputError("no image ids: the split is empty", file=path)
    return ids


def copy_pair(dataset: Dataset, image_id: str, image_folder: str, mask_folder: str) -> np.ndarray:
    """Checks a photo and its mask, then copies both, unchanged; returns the mask's pixel count of each value."""
    image = dataset.path(IMAGES, f"{image_id}.jpg")
    mask = dataset.path(MASKS, f"{image_id}.png")
    with decoded_image(image, ("JPEG",)) as photo:
        size = photo.size
    pixels = check_mask(dataset, mask, image, size)
    shutil.copyfile(image, os.path.join(image_folder, f"{image_id}.jpg"))
    shutil.copyfile(mask, os.path.join(mask_folder, f"{image_id}.png"))
    return pixels


def check_mask(dataset: Dataset, path: str, image: str, size: tuple[int, int]) -> np.ndarray:
    """The pixel count of each value 0..255 of a sound mask."""
    with decoded_image(path, ("PNG",)) as mask:
        if mask.mode not in MASK_MODES:
            message = f"mask must be a single-channel 8-bit PNG (palette or grayscale), got Pillow mode {mask.mode!r}"
            raise InputError(message, file=path)
        if mask.size != size:
            message = f"mask size {dimensions(mask.size)} differs from {dimensions(size)} of {dataset.name(image)}"
            raise InputError(message, file=path)
        pixels = np.bincount(np.asarray(mask).ravel(), minlength=256)
    unknown = np.flatnonzero((pixels > 0) & ~_VALID)
    if unknown.size:
        values = ", ".join(map(str, unknown.tolist()))
        message = f"unknown class values {values} (expected 0..{len(CLASSES) - 1}, or {IGNORE_LABEL} for boundaries)"
        raise InputError(message, file=path)
    return pixels


def dimensions(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def write_label_maps(folder: str) -> None:
    for split in LISTS:
        write_json(os.path.join(folder, f"{split}_label_map.json"), {"scale": 1})


def write_stats(path: str, splits: dict[str, list[str]]) -> None:
    write_json(path, {
        "num_training_samples": len(splits["train"]),
        "num_validation_samples": len(splits["validation"]),
        "num_classes": len(CLASSES),
        "ignore_label": IGNORE_LABEL,
    })  # fmt: skip


def constant_baseline(metric: str, splits: dict[str, list[str]], pixels: dict[str, np.ndarray]) -> baselines.Baseline:
    """The best constant prediction's mIOU on the metric's split (validation), from its masks' pixel counts."""
    split = baselines.split_of(metric)
    value, best = constant_class_miou(pixels[split][: len(CLASSES)])
    return baselines.Baseline(metric, value, f"always class {best} ({CLASSES[best]})", split, len(splits[split]))


def constant_class_miou(class_pixels) -> tuple[float, int]:
    """(mIOU, class) of the best prediction of one class for every pixel, as GluonCV's SegmentationMetric scores it.

    class_pixels[c] is the number of pixels labelled c in the split, for every class c (ignored pixels left out).
    Predicting c everywhere: its intersection with class c is the pixels of c, its union all labelled pixels; every
    other class has no intersection. mIOU is the mean of IoU over all len(class_pixels) classes; ties go to the
    smallest class.
    """
    counts = np.asarray(class_pixels, dtype=np.float64)
    best = int(np.argmax(counts))
    iou = counts[best] / (np.spacing(1) + counts.sum())  # GluonCV's IoU, eps included
    return float(iou / counts.size), best
