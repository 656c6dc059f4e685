"""Time and memory of processing/voc_segmentation.py on generated Pascal VOC 2012 segmentation data.

Run on demand from the repository root (not a test): .venv/bin/python benchmarks/voc_segmentation_benchmark.py
Data: 500x375 JPEG photos (smooth colour gradients plus noise, quality 90: about 100 KB each, near VOC2012's
average of ~110 KB) with palette masks of the same size (VOC colours, 2-4 polygons of random classes outlined with
the 255 boundary value), 300 train + 300 val ids by default, packed as pascal-voc.tgz in the fast.ai layout:
pascal-voc/VOC2012/{JPEGImages,SegmentationClass,SegmentationObject,Annotations,ImageSets/Segmentation}/ plus a few
pascal-voc/VOC2007/ files (only VOC2012's JPEGImages, SegmentationClass and ImageSets/Segmentation are extracted).
Cases:
  archive  --input pascal-voc.tgz: streaming extraction + full decode of every photo and mask + copies
  folder   --input the extracted folder: decode checks + copies only
Each case calls main() in this process; outputs go to a fresh temporary folder (page cache, no fsync).
"""

import argparse
import contextlib
import io
import resource
import sys
import tarfile
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "processing"))
sys.dont_write_bytecode = True  # processing/ ships as a zip: no __pycache__ in it

import voc_segmentation  # noqa: E402

WIDTH, HEIGHT = 500, 375
ROOT = "pascal-voc/VOC2012"
FULL_PAIRS = 1464 + 1449
FULL_ARCHIVE_GB = 2.0  # VOCtrainval_11-May-2012.tar is 1,999,639,040 bytes, nearly all of it JPEGImages/
NOISE = 22  # standard deviation of the added noise: sets the JPEG size (~100 KB at quality 90)


def voc_palette() -> list[int]:
    palette = []
    for index in range(256):
        rgb = [0, 0, 0]
        for shift in range(8):
            for channel in range(3):
                rgb[channel] |= ((index >> (3 * shift + channel)) & 1) << (7 - shift)
        palette += rgb
    return palette


def photo(rng: np.random.Generator) -> bytes:
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    pixels = np.empty((HEIGHT, WIDTH, 3), dtype=np.float32)
    for channel in range(3):
        a, b, phase = rng.uniform(-0.5, 0.5, 3)
        pixels[..., channel] = 128 + 60 * np.sin(x * a / 40 + phase * 6) + 50 * np.cos(y * b / 30 + phase)
    pixels += rng.normal(0, NOISE, (HEIGHT, WIDTH, 1)) + rng.normal(0, NOISE / 2, (HEIGHT, WIDTH, 3))
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def mask(rng: np.random.Generator, palette: list[int]) -> bytes:
    image = Image.new("P", (WIDTH, HEIGHT), 0)
    image.putpalette(palette)
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(2, 5))):
        center = rng.uniform((60, 60), (WIDTH - 60, HEIGHT - 60))
        angles = np.sort(rng.uniform(0, 2 * np.pi, int(rng.integers(5, 10))))
        radii = rng.uniform(30, 120, len(angles))
        xs, ys = center[0] + radii * np.cos(angles), center[1] + radii * np.sin(angles)
        points = list(zip(xs.tolist(), ys.tolist(), strict=True))
        draw.polygon(points, fill=int(rng.integers(1, 21)), outline=255, width=5)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o644
    archive.addfile(info, io.BytesIO(data))


def voc_archive(path: Path, train: int, val: int) -> tuple[Path, int]:
    """pascal-voc.tgz in the fast.ai layout; returns (path, bytes of the generated JPEGs)."""
    rng = np.random.default_rng(0)
    palette = voc_palette()
    ids = [f"{2007 + index % 6}_{index:06d}" for index in range(train + val)]
    photo_bytes = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz", compresslevel=6) as archive:
        add(archive, "pascal-voc/VOC2007/JPEGImages/000001.jpg", photo(rng))
        add(archive, "pascal-voc/VOC2007/SegmentationClass/000001.png", mask(rng, palette))
        add(archive, "pascal-voc/VOC2007/ImageSets/Segmentation/train.txt", b"000001\n")
        for image_id in ids:
            data, segmentation = photo(rng), mask(rng, palette)
            photo_bytes += len(data)
            add(archive, f"{ROOT}/JPEGImages/{image_id}.jpg", data)
            add(archive, f"{ROOT}/SegmentationClass/{image_id}.png", segmentation)
            add(archive, f"{ROOT}/SegmentationObject/{image_id}.png", segmentation)
            add(archive, f"{ROOT}/Annotations/{image_id}.xml", b"<annotation><folder>VOC2012</folder></annotation>\n")
        for name, chosen in (("train.txt", ids[:train]), ("val.txt", ids[train:])):
            add(archive, f"{ROOT}/ImageSets/Segmentation/{name}", "".join(f"{i}\n" for i in chosen).encode())
    return path, photo_bytes


def measure(argv: list[str], output: Path, repeat: int) -> tuple[float, float, str]:
    """(best seconds, tracemalloc peak bytes of a separate run, summary line); each run writes a fresh folder."""
    times, summary = [], ""
    for run in range(repeat + 1):
        out = io.StringIO()
        traced = run == repeat
        if traced:
            tracemalloc.start()
        with contextlib.redirect_stdout(out):
            start = time.perf_counter()
            code = voc_segmentation.main([*argv, "--output-dir", str(output / f"run{run}")])
            seconds = time.perf_counter() - start
        assert code == 0, code
        if traced:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        else:
            times.append(seconds)
            summary = out.getvalue().strip()
    return min(times), peak, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=300, help="train ids to generate")
    parser.add_argument("--val", type=int, default=300, help="val ids to generate")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each case; the best is reported")
    parser.add_argument("--full-archive-gb", type=float, default=FULL_ARCHIVE_GB, help="size of the real archive")
    args = parser.parse_args()
    pairs = args.train + args.val
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        start = time.perf_counter()
        source, photo_bytes = voc_archive(root / "data" / "pascal-voc.tgz", args.train, args.val)
        generated = time.perf_counter() - start
        with tarfile.open(source) as archive:
            archive.extractall(root / "extracted", filter="data")
        archive_mb = source.stat().st_size / 1e6
        results = {
            "archive": measure(["--input", str(source)], root / "out-archive", args.repeat),
            "folder": measure(["--input", str(root / "extracted")], root / "out-folder", args.repeat),
        }
    print(__doc__[__doc__.index("Data:") : __doc__.index("Each case")].strip())
    print(f"Generated in {generated:.1f} s: archive {archive_mb:.1f} MB, mean JPEG {photo_bytes / pairs / 1e3:.0f} KB")
    print(f"\n{'case':<10} {'seconds':>8} {'pairs/s':>8} {'MB/s':>7} {'peak MB':>8}")
    for name, (seconds, peak, _) in results.items():
        rate = f"{archive_mb / seconds:7.1f}" if name == "archive" else f"{'-':>7}"
        print(f"{name:<10} {seconds:8.2f} {pairs / seconds:8.0f} {rate} {peak / 1e6:8.1f}")
    print(f"\nseconds: best of {args.repeat} runs of main(). MB/s: archive MB over seconds. peak MB: tracemalloc peak")
    print("of one more, traced run (Python-side allocations, numpy included; Pillow's own image buffers are not).")
    print(f"Process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (Linux reports KiB).")
    archive_seconds, folder_seconds = results["archive"][0], results["folder"][0]
    extract_rate = archive_mb / max(archive_seconds - folder_seconds, 1e-9)
    checks = FULL_PAIRS / (pairs / folder_seconds)
    extraction = args.full_archive_gb * 1e3 / extract_rate
    print(
        f"\nEstimate for the full data ({FULL_PAIRS:,} pairs, a {args.full_archive_gb:g} GB archive), single process:"
        f"\n  extraction {extraction:.0f} s (at {extract_rate:.0f} MB/s) + checks and copies {checks:.0f} s"
        f" = {extraction + checks:.0f} s ({(extraction + checks) / 60:.1f} min)"
    )
    print("\nSummaries:\n" + "\n".join(f"{name}: {result[2]}" for name, result in results.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
