"""Time and memory of processing/cub200.py on generated CUB-200-2011-like archives, and a full-size estimate.

Run on demand from the repository root (not a test): .venv/bin/python benchmarks/cub200_benchmark.py
Data: photo-like JPEGs (smooth colour gradients plus Gaussian noise, quality 90) 500 pixels wide and 300-400 high,
CUB's usual size; --noise 3 (the default) gives about 26 KB a file, --noise 20 about 90 KB. Each data set is a
real .tgz in the original layout (CUB_200_2011/ with the five metadata files, images/NNN.Species/*.jpg, README,
attributes/, parts/, plus attributes.txt at the top level), 60 images per class, every 10th image in validation.
Cases:
  5 classes, all        5 x 60 = 300 images, --classes all, from the .tgz
  50 classes, all       50 x 60 = 3,000 images, --classes all, from the .tgz
  50 classes, folder    the same, --classes all, from the extracted folder (no extraction: per-image cost alone)
  50 classes, 5 picked  the same .tgz, --classes 3,14,25,36,47 (300 images written; the whole archive is read)
Each case calls main() in this process; outputs go to a fresh temporary folder (page cache, no fsync).
"""

import argparse
import contextlib
import io
import resource
import shutil
import sys
import tarfile
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "processing"))
sys.dont_write_bytecode = True  # processing/ ships as a zip: no __pycache__ in it

import cub200  # noqa: E402
from shared.archives import extract  # noqa: E402

PER_CLASS = 60
FULL_IMAGES = 11_788  # CUB-200-2011
FULL_ARCHIVE_BYTES = 1_150_585_339  # CUB_200_2011.tgz as published (about 1.1 GB)
SUBSET = "3,14,25,36,47"
_GRID = np.mgrid[0:400, 0:500].astype(np.float32)  # y, x of the largest image; smaller ones take its top rows


def photo(rng: np.random.Generator, noise: float) -> tuple[bytes, int, int]:
    """A JPEG of smooth gradients plus noise, 500 x 300..400; returns (bytes, width, height)."""
    width, height = 500, int(rng.integers(300, 401))
    y, x = _GRID[0][:height], _GRID[1][:height]
    phase = rng.uniform(0, 6, 3)
    channels = [128 + 90 * np.sin(x / (40 + 20 * c) + y / (60 + 10 * c) + phase[c]) for c in range(3)]
    pixels = np.stack(channels, axis=-1) + rng.normal(0, noise, (height, width, 3)).astype(np.float32)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue(), width, height


def write_dataset(root: Path, classes: int, noise: float) -> int:
    """CUB_200_2011's layout under root; returns the total bytes of the JPEGs."""
    rng = np.random.default_rng(classes)
    rows: dict[str, list[str]] = {name: [] for name in cub200.METADATA}
    total = 0
    for class_id in range(1, classes + 1):
        folder = f"{class_id:03d}.Species_{class_id}"
        rows["classes.txt"].append(f"{class_id} {folder}")
        (root / "images" / folder).mkdir(parents=True)
        for index in range(PER_CLASS):
            image_id = len(rows["images.txt"]) + 1
            data, width, height = photo(rng, noise)
            total += len(data)
            file = f"{folder}/Species_{class_id}_{image_id:04d}_{index}.jpg"
            (root / "images" / file).write_bytes(data)
            left, top = rng.uniform(0, width / 3), rng.uniform(0, height / 3)
            box_width, box_height = rng.uniform(20, width - left), rng.uniform(20, height - top)
            rows["images.txt"].append(f"{image_id} {file}")
            rows["bounding_boxes.txt"].append(f"{image_id} {left:.1f} {top:.1f} {box_width:.1f} {box_height:.1f}")
            rows["image_class_labels.txt"].append(f"{image_id} {class_id}")
            rows["train_test_split.txt"].append(f"{image_id} {int(index % 10 != 0)}")
    for name, lines in rows.items():
        (root / name).write_text("".join(line + "\n" for line in lines))
    (root / "README").write_text("generated stand-in for CUB-200-2011\n")
    for extra in ("attributes/certainties.txt", "parts/parts.txt"):
        (root / extra).parent.mkdir(parents=True, exist_ok=True)
        (root / extra).write_text("1 stand-in\n")
    return total


def make_archive(folder: Path, classes: int, noise: float) -> tuple[Path, Path, int]:
    """(archive, extracted root, JPEG bytes) of a generated data set with the given number of classes."""
    root = folder / f"raw{classes}" / "CUB_200_2011"
    jpeg_bytes = write_dataset(root, classes, noise)
    archive = folder / f"CUB_200_2011_{classes}.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, arcname="CUB_200_2011")
        data = b"1 has_bill_shape::curved_(up_or_down)\n"
        info = tarfile.TarInfo("attributes.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return archive, root, jpeg_bytes


def measure(argv: list[str], output: Path, repeat: int) -> tuple[float, float, str]:
    """(best seconds, tracemalloc peak bytes of a separate run, summary line). Timing runs are not traced."""
    times, summary = [], ""
    for _ in range(repeat + 1):  # the last run is traced
        shutil.rmtree(output, ignore_errors=True)
        traced = len(times) == repeat
        if traced:
            tracemalloc.start()
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            start = time.perf_counter()
            code = cub200.main([*argv, "--output-dir", str(output)])
            elapsed = time.perf_counter() - start
        assert code == 0, code
        if traced:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        else:
            times.append(elapsed)
        summary = out.getvalue().strip()
    return min(times), peak, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each case; the best is reported")
    parser.add_argument("--noise", type=float, default=3.0, help="noise sigma: 3 gives ~26 KB files, 20 ~90 KB")
    parser.add_argument("--work-dir", help="folder for the generated data (default: the system's temporary folder)")
    args = parser.parse_args()
    table = []
    with tempfile.TemporaryDirectory(dir=args.work_dir) as folder:
        work = Path(folder)
        start = time.perf_counter()
        small, _, _ = make_archive(work, 5, args.noise)
        large, large_root, large_bytes = make_archive(work, 50, args.noise)
        print(f"generated 3,300 images in {time.perf_counter() - start:.0f} s")
        archive_bytes = large.stat().st_size
        cases = [
            ("5 classes, all (.tgz)", ["--input", str(small)], 300, small),
            ("50 classes, all (.tgz)", ["--input", str(large)], 3000, large),
            ("50 classes, all (folder)", ["--input", str(large_root)], 3000, None),
            ("50 classes, 5 picked (.tgz)", ["--input", str(large), "--classes", SUBSET], 300, large),
        ]
        for name, argv, images, archive in cases:
            seconds, peak, summary = measure(argv, work / "out", args.repeat)
            size = archive.stat().st_size if archive else None
            table.append((name, images, seconds, peak, size, summary))
        extraction = extraction_seconds(large, work, args.repeat)
    print(__doc__.split("Cases:")[1].split("Each case")[0].strip("\n"))
    print(f"\n{'case':<30} {'images':>7} {'seconds':>8} {'images/s':>9} {'peak MB':>8} {'archive MB':>11}")
    for name, images, seconds, peak, size, _ in table:
        archive_mb = f"{size / 1e6:11.1f}" if size else f"{'-':>11}"
        print(f"{name:<30} {images:>7} {seconds:8.2f} {images / seconds:9.0f} {peak / 1e6:8.1f} {archive_mb}")
    print(f"\nseconds: best of {args.repeat} runs of main() in this process. peak MB: tracemalloc peak of the")
    print("Python-side allocations during one more, traced run; not an RSS figure.")
    print(f"Process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (Linux reports KiB).")
    print_estimate(table, extraction, archive_bytes, large_bytes)
    print("\nSummaries:\n" + "\n".join(row[-1] for row in table))
    return 0


def extraction_seconds(archive: Path, work: Path, repeat: int) -> float:
    """Best time of shared.archives.extract with the --classes all filter: the archive part of a run."""
    times = []
    for _ in range(repeat):
        folder = work / "extracted"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        start = time.perf_counter()
        extract(str(archive), str(folder), cub200.member_filter(None))
        times.append(time.perf_counter() - start)
    shutil.rmtree(work / "extracted")
    return min(times)


def print_estimate(table: list, extraction: float, archive_bytes: int, jpeg_bytes: int) -> None:
    """Full CUB on one core: the per-image cost of the folder case (decode, copy, JSON) times 11,788, plus the
    extraction of the published archive at the rate measured on the generated one."""
    folder_case = table[2]
    per_image = folder_case[2] / folder_case[1]
    rate = archive_bytes / extraction  # bytes per second
    full = FULL_IMAGES * per_image + FULL_ARCHIVE_BYTES / rate
    print(
        f"\nExtraction alone of the 50-class .tgz ({archive_bytes / 1e6:.1f} MB, --classes all filter): "
        f"{extraction:.2f} s, {rate / 1e6:.0f} MB/s of archive."
    )
    print(
        f"Estimate, all {FULL_IMAGES:,} images: {FULL_IMAGES:,} x {per_image * 1e3:.1f} ms per image + "
        f"{FULL_ARCHIVE_BYTES / 1e9:.2f} GB archive at {rate / 1e6:.0f} MB/s = {full:.0f} s on this machine, "
        "single process (ml.m5.xlarge: 4 vCPU of similar per-core speed; the script uses one)."
    )
    print(
        f"(generated JPEGs average {jpeg_bytes / 3000 / 1e3:.1f} KB; the published archive holds about "
        f"{FULL_ARCHIVE_BYTES / FULL_IMAGES / 1e3:.0f} KB per image: --noise 20 generates files of about that size)"
    )


if __name__ == "__main__":
    sys.exit(main())
