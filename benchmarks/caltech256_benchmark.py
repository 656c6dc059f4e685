"""Time and memory of processing/caltech256.py on generated Caltech-256-like data, and an estimate for the full set.

Run on demand from the repository root (not a test): .venv/bin/python benchmarks/caltech256_benchmark.py
Data: --classes class folders (default 257, as the real set) of --per-class photo-like JPEGs each (default 10:
2,570 images), written with Pillow at quality 90 (smooth gradients plus Gaussian noise, so that they compress
like photos), in two sizes:
  small     about 300x250 px (each side +-20%), ~15 KB per file
  archive   about 400x330 px, ~38 KB per file: the real archive's average (1.2 GB for 30,607 images)
Each size is run from an uncompressed .tar (as 256_ObjectCategories.tar; includes the extraction) and from the
extracted folder, with --train-per-class half of --per-class. Each case calls main() in this process; outputs go to
a fresh folder beside the input (page cache, no fsync). The estimate scales the tar case's images/s to 30,607.
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

import caltech256  # noqa: E402

FULL_IMAGES = 30_607
SIZES = {"small": ((300, 250), 5.0), "archive": ((400, 330), 8.5)}  # mean (width, height), noise sigma


def photo(rng: np.random.Generator, width: int, height: int, noise: float) -> Image.Image:
    """Smooth colour gradients and waves plus Gaussian noise: JPEG sizes like a photo's, unlike pure noise."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    channels = []
    for _ in range(3):
        a, b, f, g, phase = rng.uniform(-120, 120), rng.uniform(-120, 120), *rng.uniform(2, 12, 2), rng.uniform(0, 6)
        channels.append(
            128 + a * x / width + b * y / height + 40 * np.sin(f * x / width + phase) * np.cos(g * y / height)
        )
    pixels = np.stack(channels, axis=-1) + rng.normal(0, noise, (height, width, 3)).astype(np.float32)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def write_dataset(parent: Path, classes: int, per_class: int, size: str) -> tuple[Path, int]:
    """parent/256_ObjectCategories in the real layout; returns it and its total JPEG bytes."""
    (mean_width, mean_height), noise = SIZES[size]
    rng = np.random.default_rng(0)
    root, total = parent / caltech256.ROOT_NAME, 0
    for number in range(1, classes + 1):
        folder = root / f"{number:03d}.class-{number}"
        folder.mkdir(parents=True)
        for index in range(1, per_class + 1):
            width, height = (round(side * rng.uniform(0.8, 1.2)) for side in (mean_width, mean_height))
            stream = io.BytesIO()
            photo(rng, width, height, noise).save(stream, "JPEG", quality=90)
            total += (folder / f"{number:03d}_{index:04d}.jpg").write_bytes(stream.getvalue())
    return root, total


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(argv: list[str], output: Path, repeat: int) -> tuple[float, float, int, str]:
    """(best seconds, least CPU seconds, tracemalloc peak bytes of one more run, summary line). Timing runs are
    not traced. CPU seconds (user + system) suffer less than wall-clock time from other load on a shared machine."""
    times, cpu, summary = [], [], ""
    for _ in range(repeat + 1):
        shutil.rmtree(output, ignore_errors=True)
        traced = len(times) == repeat
        if traced:
            tracemalloc.start()
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            start, start_cpu = time.perf_counter(), cpu_seconds()
            code = caltech256.main([*argv, "--output-dir", str(output)])
            elapsed, used = time.perf_counter() - start, cpu_seconds() - start_cpu
        assert code == 0, code
        if traced:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        else:
            times.append(elapsed)
            cpu.append(used)
        summary = out.getvalue().strip()
    return min(times), min(cpu), peak, summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=257)
    parser.add_argument("--per-class", type=int, default=10, help="images per class (at least 2)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each case; the best is reported")
    parser.add_argument("--sizes", default=",".join(SIZES), help="comma list of " + ", ".join(SIZES))
    args = parser.parse_args()
    images = args.classes * args.per_class
    split = ["--train-per-class", str(args.per_class // 2)]
    rows, summaries = [], []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes.split(","):
            base = Path(folder) / size
            root, data_bytes = write_dataset(base / "raw", args.classes, args.per_class, size)
            archive = base / "256_ObjectCategories.tar"
            with tarfile.open(archive, "w") as tar:
                tar.add(root, arcname=root.name)
            for source in (archive, root):
                seconds, cpu, peak, summary = measure(["--input", str(source), *split], base / "out", args.repeat)
                rows.append((f"{size}, {'tar' if source == archive else 'folder'}", seconds, cpu, peak, data_bytes))
                summaries.append(summary)
    print("Data:" + __doc__.split("Data:")[1].split("Each size")[0].rstrip())
    print(f"\n{images:,} images ({args.classes} classes x {args.per_class}), best of {args.repeat} runs")
    print(f"{'case':<16} {'KB/img':>6} {'seconds':>7} {'images/s':>8} {'MB/s':>5} {'cpu s':>6} {'cpu ms/img':>10} "
          f"{'peak MB':>7} {'full set s':>10} {'(cpu)':>6}")  # fmt: skip
    for name, seconds, cpu, peak, data_bytes in rows:
        print(
            f"{name:<16} {data_bytes / images / 1e3:6.1f} {seconds:7.2f} {images / seconds:8.0f} "
            f"{data_bytes / seconds / 1e6:5.1f} {cpu:6.2f} {cpu / images * 1e3:10.2f} {peak / 1e6:7.1f} "
            f"{FULL_IMAGES * seconds / images:10.0f} {FULL_IMAGES * cpu / images:6.0f}"
        )
    print("\npeak MB: tracemalloc peak of the Python-side allocations (Pillow's decode buffers are not traced).")
    print(f"Process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (Linux reports KiB).")
    print(
        f"full set s: {FULL_IMAGES:,} images at this case's wall-clock images/s, and (cpu) at its CPU time per image."
    )
    print("\nSummaries:\n" + "\n".join(summaries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
