"""Caltech-256 (256_ObjectCategories.tar) for the built-in Image Classification, image format with .lst files.

Input (--input): the uncompressed tar 256_ObjectCategories.tar (a .tgz/.tar.gz works too), a folder holding exactly
one such archive, or the extracted folder (or a folder up to three levels above it). The dataset's root is the
first folder, breadth first, that is named 256_ObjectCategories or has a subfolder named like a class folder
(so class folders copied without their parent work too). Layout below the root:
  <NNN.name>/<file>.jpg    one folder per class, named by ^[0-9]{3}\\.\\S+$ (001.ak47 ... 256.toad, 257.clutter);
                           the class id is NNN - 1 (0..K-1), and the numbers must run 001..K without gaps.
Images are the files directly in a class folder whose name ends in .jpg (any case). Everything else is skipped and
counted in the summary, not an error: other files (198.spider/RENAME2 in the real archive), nested folders
(056.dog/greg), hidden entries (names starting with '.'), and files directly in the root. From an archive only the
members with a path component named 256_ObjectCategories or like a class folder are extracted, into a temporary
folder beside --output-dir (the job's storage volume), deleted on exit.

Split (--train-per-class N, default 60 as in the notebooks; --seed, default 0): one numpy default_rng(seed); for
each class in class order, its images sorted by name and permuted with rng.permutation: the first N go to train,
the rest to validation. Same input and arguments give byte-identical outputs.

Output, the image-format channels of the algorithm (images copied byte for byte after a full JPEG decode):
  DIR/train/<NNN.name>/<file>, DIR/validation/<NNN.name>/<file>         the images of each split
  DIR/train_lst/train.lst, DIR/validation_lst/validation.lst            one line per image of the split,
                           `index<TAB>class_id<TAB>NNN.name/file`, the path relative to the split's image channel;
                           lines in class order, then file name order, indices 0..n-1 in that order (UTF-8)
  DIR/stats/stats.json     {"num_training_samples", "num_validation_samples", "num_classes", "train_per_class"};
                           the pipeline reads num_training_samples and num_classes.
  DIR/baseline/baseline.json   only with --baseline validation:accuracy (the algorithm's metric, the top-1 accuracy
                           on the validation channel): the accuracy of the trivial model that always answers the
                           validation split's most frequent class id (ties: the smallest id), over the class ids
                           of validation.lst; records is the number of validation images (see shared/baselines.py).
                           Written with the channels, all or nothing. Another metric is a usage error (exit 2).

Checks, each failing the job (exit 2, one `error:` line, nothing written). Files inside an archive are named
ARCHIVE:MEMBER, e.g. 256_ObjectCategories.tar:256_ObjectCategories/001.ak47/001_0001.jpg:
  no root folder (wrong layout), a corrupt archive or an unsafe member (../, links out), a subfolder of the root not
  named like a class folder, a class number used twice or missing from 001..K, a class with fewer than N + 1 images
  (every class needs a validation image), a .jpg that is missing (broken link) or does not decode in full as JPEG,
  and a file name with control characters (it would break its .lst line). Grayscale and CMYK JPEGs are fine: the
  algorithm converts them.
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
from shared.arguments import non_negative, positive
from shared.cli import run
from shared.errors import InputError
from shared.images import image_size
from shared.outputs import staged_outputs, write_json

ROOT_NAME = "256_ObjectCategories"
CLASS_FOLDER = re.compile(r"([0-9]{3})\.\S+")
SPLITS = ("train", "validation")
CHANNELS = (*SPLITS, *(f"{split}_lst" for split in SPLITS), "stats")
SHOWN_SKIPPED = 5  # skipped entries named in the summary
BASELINE_METRICS = ("validation:accuracy",)  # --baseline: the Image Classification metric a baseline is known for


class ImageClass(NamedTuple):
    folder: str  # e.g. 001.ak47
    number: int  # NNN; the class id is number - 1
    images: list[str]  # file names, sorted


class Scan(NamedTuple):
    classes: list[ImageClass]  # in folder name order
    skipped: list[str]  # entries that are not images, relative to the root, e.g. 198.spider/RENAME2


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    work_dir = os.path.dirname(os.path.abspath(args.output_dir))
    with dataset_root(args.input, is_root, wanted, work_dir) as root:
        # Errors name an extracted file ARCHIVE:MEMBER: dataset_root rewrites them, as display_name does here.
        where = display_name(root)
        scan = scan_root(root)
        check_classes(scan.classes, args.train_per_class, root)
        splits = split_images(scan.classes, args.train_per_class, args.seed)
        channels = (*CHANNELS, baselines.OUTPUT) if args.baseline else CHANNELS
        outputs = {channel: os.path.join(args.output_dir, channel) for channel in channels}
        baseline = majority_baseline(args.baseline, splits, scan.classes) if args.baseline else None
        with staged_outputs(outputs) as staging:
            for split, images in splits.items():
                copy_images(root, images, staging[split])
                write_lst(os.path.join(staging[f"{split}_lst"], f"{split}.lst"), images)
            write_stats(os.path.join(staging["stats"], "stats.json"), splits, len(scan.classes), args.train_per_class)
            if baseline is not None:
                baseline.write(staging[baselines.OUTPUT])
    image_count = sum(len(image_class.images) for image_class in scan.classes)
    skipped = skipped_summary(scan.skipped)
    print(
        f"caltech256: read {where}: {len(scan.classes)} classes, {image_count} images, {skipped}; "
        f"wrote train {len(splits['train'])} ({args.train_per_class} per class, seed {args.seed}), "
        f"validation {len(splits['validation'])}"
        + (f"; baseline {baseline.metric} {baseline.value:.6g}: {baseline.model}" if baseline else "")
    )
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="caltech256", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="256_ObjectCategories.tar, a folder holding it, or the "
                        "extracted folder")  # fmt: skip
    parser.add_argument("--output-dir", required=True, help="gets the channel folders and stats/")
    parser.add_argument("--train-per-class", type=positive, default=60, help="training images per class")
    parser.add_argument("--seed", type=non_negative, default=0, help="seed of the per-class permutations")
    supported = ", ".join(BASELINE_METRICS)
    parser.add_argument("--baseline", metavar="METRIC", help="also write baseline/baseline.json, the trivial "
                        f"model's score of the algorithm's METRIC (supported: {supported})")  # fmt: skip
    args = parser.parse_args(argv)
    baselines.check_metric(parser, args.baseline, BASELINE_METRICS, SPLITS)
    return args


def is_root(folder: str) -> bool:
    if os.path.basename(folder) == ROOT_NAME:
        return True
    with os.scandir(folder) as entries:
        return any(entry.is_dir() and CLASS_FOLDER.fullmatch(entry.name) for entry in entries)


def wanted(member: str) -> bool:
    """Members below the root or a class folder: an archive's other content is not extracted."""
    return any(part == ROOT_NAME or CLASS_FOLDER.fullmatch(part) for part in member.split("/"))


def scan_root(root: str) -> Scan:
    classes, skipped = [], []
    for entry in sorted_entries(root):
        if entry.name.startswith(".") or not entry.is_dir():
            skipped.append(entry.name)
            continue
        match = CLASS_FOLDER.fullmatch(entry.name)
        if match is None or not entry.name.isprintable():
            raise InputError("not a class folder (expected NNN.name, e.g. 001.ak47)", file=entry.path)
        images = []
        for item in sorted_entries(entry.path):
            if item.name.startswith(".") or item.is_dir() or not item.name.lower().endswith(".jpg"):
                skipped.append(f"{entry.name}/{item.name}")
            elif not item.name.isprintable():  # a tab or newline would break the .lst line
                raise InputError("file name has control or undecodable characters", file=item.path)
            else:
                images.append(item.name)
        classes.append(ImageClass(entry.name, int(match.group(1)), images))
    return Scan(classes, skipped)


def sorted_entries(folder: str) -> list[os.DirEntry]:
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda entry: entry.name)


def check_classes(classes: list[ImageClass], train_per_class: int, root: str) -> None:
    """Numbers 001..K, each once, and at least one validation image per class."""
    if not classes:
        raise InputError("no class folders (NNN.name, e.g. 001.ak47)", file=root)
    folders: dict[int, str] = {}
    for image_class in classes:
        if image_class.number == 0:
            raise InputError("class numbers start at 001", file=os.path.join(root, image_class.folder))
        if image_class.number in folders:
            message = f"class number {image_class.number:03d} is used twice: {folders[image_class.number]} and "
            raise InputError(message + image_class.folder, file=root)
        folders[image_class.number] = image_class.folder
    for number in range(1, len(classes) + 1):
        if number not in folders:
            last = max(folders.items())[1]
            message = f"class {number:03d} is missing: class folders must be numbered 001..{len(classes):03d}"
            raise InputError(f"{message} without gaps (the last one is {last})", file=root)
    for image_class in classes:
        if len(image_class.images) <= train_per_class:
            message = (
                f"{len(image_class.images)} images; --train-per-class {train_per_class} needs at least "
                f"{train_per_class + 1} (one for validation)"
            )
            raise InputError(message, file=os.path.join(root, image_class.folder))


def split_images(classes: list[ImageClass], train_per_class: int, seed: int) -> dict[str, list[tuple[int, str]]]:
    """split -> (class id, 'NNN.name/file') of its images, in class order, then file name order."""
    rng = np.random.default_rng(seed)
    splits: dict[str, list[tuple[int, str]]] = {split: [] for split in SPLITS}
    for image_class in classes:
        train = set(rng.permutation(len(image_class.images))[:train_per_class].tolist())
        for index, image in enumerate(image_class.images):
            split = "train" if index in train else "validation"
            splits[split].append((image_class.number - 1, f"{image_class.folder}/{image}"))
    return splits


def majority_baseline(
    metric: str, splits: dict[str, list[tuple[int, str]]], classes: list[ImageClass]
) -> baselines.Baseline:
    """Top-1 accuracy of always answering the most frequent class id of the metric's split (validation)."""
    split = baselines.split_of(metric)
    class_ids = [class_id for class_id, _ in splits[split]]
    value, model = baselines.majority_accuracy(class_ids)
    majority = int(np.argmax(np.bincount(class_ids)))  # majority_accuracy's answer: the first of the most frequent
    return baselines.Baseline(metric, value, f"{model} ({classes[majority].folder})", split, len(class_ids))


def copy_images(root: str, images: list[tuple[int, str]], folder: str) -> None:
    """Decodes each image in full, then copies it unchanged to folder/NNN.name/file."""
    for class_folder in dict.fromkeys(path.split("/")[0] for _, path in images):
        os.mkdir(os.path.join(folder, class_folder))
    for _, path in images:
        source = os.path.join(root, path)
        image_size(source, ("JPEG",))
        shutil.copyfile(source, os.path.join(folder, path))


def write_lst(path: str, images: list[tuple[int, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as file:
        file.writelines(f"{index}\t{class_id}\t{image}\n" for index, (class_id, image) in enumerate(images))


def write_stats(path: str, splits: dict[str, list[tuple[int, str]]], num_classes: int, train_per_class: int) -> None:
    write_json(path, {
        "num_training_samples": len(splits["train"]),
        "num_validation_samples": len(splits["validation"]),
        "num_classes": num_classes,
        "train_per_class": train_per_class,
    })  # fmt: skip


def skipped_summary(skipped: list[str]) -> str:
    """'skipped 2 other entries (056.dog/greg, 198.spider/RENAME2)', naming the first few."""
    if not skipped:
        return "skipped nothing"
    shown = ", ".join(skipped[:SHOWN_SKIPPED]) + (", ..." if len(skipped) > SHOWN_SKIPPED else "")
    return f"skipped {len(skipped)} other entries ({shown})"
