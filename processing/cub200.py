"""Preprocessing of CUB-200-2011 (CUB_200_2011.tgz) for the built-in Object Detection algorithm, image format.

Input (--input): the archive CUB_200_2011.tgz (or any .tar/.tgz/.tar.gz), a folder holding exactly one such archive,
or the extracted folder (or a folder up to 3 levels above it). The dataset's root is the first folder (breadth
first, by name) holding any of the five metadata files below. From an archive, only those five files and the images
of the selected classes are extracted (into a temporary folder beside --output-dir, deleted on exit); attributes/,
parts/, README and the other classes' images are skipped. An image member belongs to class N when its folder's name
starts with N and a dot (images/017.Cardinal/... is class 17), as in the real archive. The metadata files are
space-separated, without header, one row per line:
  images.txt              image_id image_file_name    (relative to images/: 001.Black_footed_Albatross/X.jpg)
  classes.txt             class_id class_name         (1 001.Black_footed_Albatross)
  bounding_boxes.txt      image_id x y width height   (absolute pixels, floats; one box per image)
  image_class_labels.txt  image_id class_id
  train_test_split.txt    image_id is_training_image  (1 -> train, 0 -> validation: the data set's own split)

--classes: comma-separated CUB class ids (e.g. 17,36,47,68,73, the notebook's cheap sample) or `all` (the default).
The selected classes get the contiguous class ids 0..K-1 in ascending CUB class id order. An id that classes.txt
does not have is a usage error (argparse's `cub200: error: argument --classes: ...`, exit 2).

Output (developer guide, "Object Detection - MXNet": image format with JSON annotations), for each image of a
selected class, in image id order:
  DIR/train/NAME.jpg, DIR/validation/NAME.jpg    the image, copied byte for byte after a full decode
  DIR/train_annotation/NAME.json, DIR/validation_annotation/NAME.json, one JSON object in this key order:
    {"file": "NAME.jpg", "image_size": [{"width": W, "height": H, "depth": 3}],
     "annotations": [{"class_id": C, "left": X, "top": Y, "width": BW, "height": BH}], "categories": [...]}
  NAME is the image file's name without its extension; it must be unique across the selected images. W and H come
  from the decoded image; depth is 3 for every image, grayscale JPEGs included (the algorithm reads images as RGB).
  Box values are pixels, as in bounding_boxes.txt, rounded to 2 decimals, integral ones written as integers (60,
  not 60.0). categories is [{"class_id": C, "name": NAME}] for every selected class, NAME being the class name
  without its "NNN." prefix (Black_footed_Albatross).
  DIR/stats/stats.json  {"num_training_samples": N, "num_validation_samples": N, "num_classes": K,
                         "max_boxes_per_image": 1}

Checks, each failing the job (exit 2, one `error:` line naming the file, and the 1-based row where there is one;
nothing written). On every row of the metadata files: a missing file; a malformed row (field count, non-numeric
id or box value, an image file name that is absolute or holds '..'); a duplicate image (or class) id; an image id
of images.txt missing from another per-image file, or one of another file missing from images.txt; a class id not
in classes.txt; is_training_image other than 0 or 1; a box width or height <= 0. On the selected images: a missing
image file; an unreadable JPEG (full decode, shared.images); two images with the same NAME; a box outside its image
by more than 1 pixel (left or top < -1, left + width > W + 1 or top + height > H + 1). A box at most 1 pixel outside
is clipped to the image (annotation rounding, not an error) and counted in the summary line. A selection that
leaves train or validation without images fails too. Limits (each an option, see DEFAULT_*): --max-bytes, the
archive members' decompressed total (from their headers, before their data is read); --max-metadata-bytes, each
metadata file's size; --max-line-length, each metadata line.
"""

import argparse
import os
import posixpath
import re
import shutil
from collections.abc import Callable, Sequence
from typing import Any, Generic, NamedTuple, TypeVar

from shared.archives import dataset_root
from shared.arguments import positive
from shared.cli import run
from shared.errors import InputError
from shared.images import image_size
from shared.inputs import field_parser, read_text
from shared.limits import GIB, MIB, check_line_length, limit_argument
from shared.numbers import parse_count, parse_decimal
from shared.outputs import staged_outputs, write_json

IMAGES, CLASSES, BOXES, LABELS, SPLIT = (
    "images.txt",
    "classes.txt",
    "bounding_boxes.txt",
    "image_class_labels.txt",
    "train_test_split.txt",
)
METADATA = (IMAGES, CLASSES, BOXES, LABELS, SPLIT)
IMAGE_FOLDER = "images"
CHANNELS = {True: ("train", "train_annotation"), False: ("validation", "validation_annotation")}
OUTPUTS = ("train", "validation", "train_annotation", "validation_annotation", "stats")
TOLERANCE = 1.0  # pixels a box may reach past the image's edge before it is an error (it is clipped instead)
BOXES_PER_IMAGE = 1  # bounding_boxes.txt holds exactly one box per image (duplicate ids fail)
DEPTH = 3
BOX_FIELDS = ("left", "top", "width", "height")
_IMAGE_MEMBER = re.compile(r"(?:.*/)?images/([^/]+)/[^/]+")  # an archive member images/<class folder>/<file>
_CLASS_FOLDER = re.compile(r"([0-9]+)\.")
_CLASS_PREFIX = re.compile(r"[0-9]+\.(.+)")
# The real CUB_200_2011.tgz (the fast.ai mirror's, pipelines/datasets.py) is about 1.15 GB, and its members hardly
# compress (11,788 JPEGs): about 1.2 GB decompressed. --max-bytes bounds the members' total at 4 GiB.
DEFAULT_MAX_BYTES = 4 * GIB
# The largest metadata file, images.txt, holds 11,788 lines of about 60 characters (under 1 MB); each file is read
# whole, so this bounds the memory: 64 MiB, with room to spare.
DEFAULT_MAX_METADATA_BYTES = 64 * MIB
# Real metadata lines are under 100 characters (ids, a file name, four numbers).
DEFAULT_MAX_LINE_LENGTH = 10_000


Box = tuple[float, float, float, float]  # left, top, width, height
T = TypeVar("T")
# field_parser's parse(field, parse_fn) -> parse_fn(cell of that field)
Parse = Callable[[str, Callable[[str], Any]], Any]


class Limits(NamedTuple):
    """What a metadata file may hold (--max-metadata-bytes, --max-line-length)."""

    max_bytes: int
    max_line_length: int


class Table(NamedTuple, Generic[T]):
    """A metadata file's rows by their first field (image or class id): id -> (1-based row, parsed values)."""

    path: str
    rows: dict[int, tuple[int, T]]

    def row(self, key: int) -> int:
        return self.rows[key][0]

    def value(self, key: int) -> T:
        return self.rows[key][1]


class Metadata(NamedTuple):
    """The five metadata files, each row's values after the id parsed."""

    images: Table[str]  # image_file_name: relative to images/
    classes: Table[str]  # class_name, e.g. '001.Black_footed_Albatross'
    boxes: Table[Box]
    labels: Table[int]  # class_id
    split: Table[bool]  # is_training_image


class Sample(NamedTuple):
    image_id: int
    file: str  # image_file_name: relative to images/
    name: str  # the output name, without extension
    label: int  # 0-based class id
    box: Box
    box_row: int  # row of bounding_boxes.txt, for messages
    training: bool


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    work_dir = os.path.dirname(os.path.abspath(args.output_dir))
    wanted = member_filter(args.classes)
    with dataset_root(args.input, is_root, wanted, work_dir, max_bytes=args.max_bytes) as root:
        metadata = read_metadata(root, Limits(args.max_metadata_bytes, args.max_line_length))
        selected = select_classes(parser, metadata.classes, args.classes)
        samples = select_samples(metadata, selected)
        check_splits(samples, selected, metadata.split.path)
        clipped = write_outputs(root, samples, categories(metadata.classes, selected), args.output_dir)
    training = sum(sample.training for sample in samples)
    skipped = len(metadata.images.rows) - len(samples)
    print(
        f"cub200: read {args.input}: {len(metadata.images.rows)} images of {len(metadata.classes.rows)} classes; "
        f"selected {len(selected)} classes; wrote train {training}, validation {len(samples) - training} images "
        f"with JSON annotations; clipped {clipped} box(es) at most {TOLERANCE:g} pixel outside their image; "
        f"skipped {skipped} images of unselected classes"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cub200", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="CUB_200_2011.tgz, a folder holding it, or the extracted folder")
    parser.add_argument("--output-dir", required=True, help="gets train/, validation/, *_annotation/ and stats/")
    parser.add_argument("--classes", type=class_ids, default=None, help="comma-separated CUB class ids, or all")
    limit_argument(parser, "--max-bytes", DEFAULT_MAX_BYTES, "decompressed bytes of the archive's members")
    limit_argument(parser, "--max-metadata-bytes", DEFAULT_MAX_METADATA_BYTES, "bytes per metadata file")
    limit_argument(parser, "--max-line-length", DEFAULT_MAX_LINE_LENGTH, "characters per metadata line")
    return parser


def class_ids(text: str) -> tuple[int, ...] | None:
    """`all` -> None; '17,36' -> (17, 36), sorted; an argparse type."""
    if text.strip().lower() == "all":
        return None
    ids = [positive(item.strip()) for item in text.split(",")]
    duplicates = sorted({value for value in ids if ids.count(value) > 1})
    if duplicates:
        raise argparse.ArgumentTypeError(f"duplicate class id(s) {', '.join(map(str, duplicates))}")
    return tuple(sorted(ids))


def is_root(folder: str) -> bool:
    # Any one of the files, not all: a root missing some of them then fails naming the missing file.
    return any(os.path.isfile(os.path.join(folder, name)) for name in METADATA)


def member_filter(selected: tuple[int, ...] | None) -> Callable[[str], bool]:
    """wanted(archive member name): the metadata files and the images of the selected classes (None: all)."""

    def wanted(name: str) -> bool:
        if posixpath.basename(name) in METADATA:
            return True
        member = _IMAGE_MEMBER.fullmatch(name)
        if member is None:
            return False
        if selected is None:
            return True
        prefix = _CLASS_FOLDER.match(member.group(1))
        return prefix is not None and int(prefix.group(1)) in selected

    return wanted


# --- metadata -------------------------------------------------------------------------------------------------


def read_metadata(root: str, limits: Limits) -> Metadata:
    """The five metadata files, each row parsed and checked, the files checked against each other."""
    metadata = Metadata(
        read_table(root, IMAGES, lambda parse: parse("image_file_name", relative_path), limits),
        read_table(root, CLASSES, lambda parse: parse("class_name", str), limits),
        read_table(root, BOXES, parse_box, limits),
        read_table(root, LABELS, lambda parse: parse("class_id", parse_count), limits),
        read_table(root, SPLIT, lambda parse: parse("is_training_image", flag), limits),
    )
    others: tuple[Table[Any], ...] = (metadata.boxes, metadata.labels, metadata.split)
    for other in others:
        check_same_images(metadata.images, other)
    labels, classes = metadata.labels, metadata.classes
    for number, class_id in labels.rows.values():
        if class_id not in classes.rows:
            raise InputError(f"unknown class id {class_id}: not in {CLASSES}", file=labels.path, row=number)
    return metadata


def read_table(root: str, name: str, parse_values: Callable[[Parse], T], limits: Limits) -> Table[T]:
    """The file's rows by their first field, an id; parse_values(parse) gives the values of the other fields."""
    path = os.path.join(root, name)
    if not os.path.isfile(path):
        raise InputError("missing metadata file", file=path)
    fields = FIELDS[name]
    rows: dict[int, tuple[int, T]] = {}
    for number, line in enumerate(text_lines(path, limits), start=1):
        parse = field_parser(line.split(), fields, path, number)
        key = parse(fields[0], parse_count)
        if key in rows:
            message = f"duplicate {fields[0]} {key} (first on row {rows[key][0]})"
            raise InputError(message, file=path, row=number, field=fields[0])
        rows[key] = (number, parse_values(parse))
    return Table(path, rows)


def text_lines(path: str, limits: Limits) -> list[str]:
    """The file's lines; trailing blank lines dropped, a blank line between rows kept (it fails the field count).
    The file's size is checked before it is read whole, each line's length after."""
    if os.path.getsize(path) > limits.max_bytes:
        message = f"metadata file larger than {limits.max_bytes:,} bytes (raise the limit with --max-metadata-bytes)"
        raise InputError(message, file=path)
    lines = [line.removesuffix("\r") for line in read_text(path).split("\n")]
    for number, line in enumerate(lines, start=1):
        check_line_length(line, limits.max_line_length, file=path, row=number)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise InputError("no data rows", file=path)
    return lines


def relative_path(text: str) -> str:
    parts = text.split("/")
    if text.startswith("/") or "\\" in text or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"not a relative path below {IMAGE_FOLDER}/: {text!r}")
    return text


def flag(text: str) -> bool:
    if text not in ("0", "1"):
        raise ValueError(f"expected 0 or 1, got {text!r}")
    return text == "1"


def parse_box(parse: Parse) -> Box:
    return parse("x", parse_decimal), parse("y", parse_decimal), parse("width", size), parse("height", size)


def size(text: str) -> float:
    value = parse_decimal(text)
    if value <= 0:
        raise ValueError(f"must be positive, got {text!r}")
    return value


# file -> its fields, the id first
FIELDS = {
    IMAGES: ("image_id", "image_file_name"),
    CLASSES: ("class_id", "class_name"),
    BOXES: ("image_id", "x", "y", "width", "height"),
    LABELS: ("image_id", "class_id"),
    SPLIT: ("image_id", "is_training_image"),
}


def check_same_images(images: Table[str], other: Table[Any]) -> None:
    """Every image id of images.txt has a row in other, and other has no image id that images.txt lacks."""
    other_name, images_name = os.path.basename(other.path), os.path.basename(images.path)
    for image_id, (number, _) in images.rows.items():
        if image_id not in other.rows:
            raise InputError(f"image id {image_id} has no row in {other_name}", file=images.path, row=number)
    for image_id, (number, _) in other.rows.items():
        if image_id not in images.rows:
            raise InputError(f"image id {image_id} is not in {images_name}", file=other.path, row=number)


# --- selection ------------------------------------------------------------------------------------------------


def select_classes(parser: argparse.ArgumentParser, classes: Table[str], wanted: tuple[int, ...] | None) -> list[int]:
    """The selected CUB class ids, ascending: index i is the output's class id i."""
    if wanted is None:
        return sorted(classes.rows)
    unknown = [class_id for class_id in wanted if class_id not in classes.rows]
    if unknown:
        known = f"{min(classes.rows)}..{max(classes.rows)}"
        parser.error(f"argument --classes: unknown class id(s) {', '.join(map(str, unknown))} ({CLASSES} has {known})")
    return list(wanted)


def categories(classes: Table[str], selected: list[int]) -> list[dict]:
    return [{"class_id": index, "name": class_name(classes.value(cub_id))} for index, cub_id in enumerate(selected)]


def class_name(text: str) -> str:
    """'001.Black_footed_Albatross' -> 'Black_footed_Albatross'; a name without the prefix stays as is."""
    match = _CLASS_PREFIX.fullmatch(text)
    return match.group(1) if match else text


def select_samples(metadata: Metadata, selected: list[int]) -> list[Sample]:
    """The images of the selected classes in image id order; InputError when two share an output name."""
    index = {cub_id: label for label, cub_id in enumerate(selected)}
    images, boxes = metadata.images, metadata.boxes
    samples: list[Sample] = []
    names: dict[str, Sample] = {}
    for image_id in sorted(images.rows):
        label = index.get(metadata.labels.value(image_id))
        if label is None:
            continue
        file = images.value(image_id)
        name = posixpath.splitext(posixpath.basename(file))[0]
        if name in names:
            first = names[name]
            message = f"images {first.file} (row {images.row(first.image_id)}) and {file} both give {name}.jpg"
            raise InputError(message, file=images.path, row=images.row(image_id))
        sample = Sample(image_id, file, name, label, boxes.value(image_id), boxes.row(image_id),
                        metadata.split.value(image_id))  # fmt: skip
        names[name] = sample
        samples.append(sample)
    return samples


def check_splits(samples: list[Sample], selected: list[int], path: str) -> None:
    for training, (split, _) in CHANNELS.items():
        if not any(sample.training == training for sample in samples):
            classes = ", ".join(map(str, selected))
            raise InputError(f"no {split} images in the selected classes ({classes})", file=path)


# --- output ---------------------------------------------------------------------------------------------------


def write_outputs(root: str, samples: list[Sample], category_list: list[dict], output_dir: str) -> int:
    """Copies the images, writes their annotations and stats.json; returns the number of boxes clipped."""
    clipped = 0
    with staged_outputs({name: os.path.join(output_dir, name) for name in OUTPUTS}) as staging:
        for sample in samples:
            source = os.path.join(root, IMAGE_FOLDER, *sample.file.split("/"))
            width, height = image_size(source)
            box, was_clipped = fitted_box(sample, width, height, source)
            clipped += was_clipped
            images, annotations = (staging[channel] for channel in CHANNELS[sample.training])
            shutil.copyfile(source, os.path.join(images, f"{sample.name}.jpg"))
            document = annotation(sample, box, width, height, category_list)
            write_json(os.path.join(annotations, f"{sample.name}.json"), document, indent=None)
        training = sum(sample.training for sample in samples)
        stats = {
            "num_training_samples": training,
            "num_validation_samples": len(samples) - training,
            "num_classes": len(category_list),
            "max_boxes_per_image": BOXES_PER_IMAGE,
        }
        write_json(os.path.join(staging["stats"], "stats.json"), stats)
    return clipped


def fitted_box(sample: Sample, width: int, height: int, source: str) -> tuple[tuple[float, ...], bool]:
    """The box clipped to the image, and whether clipping changed it; InputError (naming the image and the box) if
    it reaches more than TOLERANCE pixels past an edge or has no area inside the image."""
    left, top, box_width, box_height = sample.box
    edges = (left, top, left + box_width, top + box_height)
    inside = (max(left, 0.0), max(top, 0.0), min(edges[2], width), min(edges[3], height))
    outside = max(-left, -top, edges[2] - width, edges[3] - height)
    if outside > TOLERANCE:
        problem = f"reaches {pixels(outside)} pixels past an edge of the {width}x{height} image (at most {TOLERANCE:g})"
    elif inside[2] <= inside[0] or inside[3] <= inside[1]:
        problem = f"has no area inside the {width}x{height} image"
    else:
        return (inside[0], inside[1], inside[2] - inside[0], inside[3] - inside[1]), inside != edges
    shown = ", ".join(f"{field} {pixels(value)}" for field, value in zip(BOX_FIELDS, sample.box, strict=True))
    raise InputError(f"box ({shown}) of {BOXES} row {sample.box_row} {problem}", file=source)


def annotation(sample: Sample, box: tuple[float, ...], width: int, height: int, category_list: list[dict]) -> dict:
    left, top, box_width, box_height = map(pixels, box)
    return {
        "file": f"{sample.name}.jpg",
        "image_size": [{"width": width, "height": height, "depth": DEPTH}],
        "annotations": [{"class_id": sample.label, "left": left, "top": top, "width": box_width, "height": box_height}],
        "categories": category_list,
    }


def pixels(value: float) -> int | float:
    """Rounded to 2 decimals; an integral value as an int (60, not 60.0)."""
    value = round(value, 2)
    return int(value) if value.is_integer() else value
