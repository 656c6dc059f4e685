"""Time and peak memory of the DeepAR data-preparation scripts: processing/chicago.py and deepar_synthetic.py.

Run on demand from the repository root (not a test): .venv/bin/python benchmarks/deepar_benchmark.py
Cases:
  chicago             a generated Chicago-like Speed Camera Violations CSV of 500,000 rows (160 addresses, one in four
                      with two cameras, ~7 years of days, ~3% of address-days missing), quoted LOCATION cells
  synthetic 200x400   deepar_synthetic at the example notebook's size
  synthetic 2000x400  10x the series
  synthetic 2000x4000 10x the series and 10x the length (100x the values; --no-large skips it)
Each case runs the script's main() in a fresh child process (multiprocessing, spawn) writing into a temporary
folder; "peak RSS" is that child's ru_maxrss (resource.getrusage(RUSAGE_SELF) in the child), which includes the
interpreter and numpy (about 30-40 MB) on top of the script's own memory. Seconds are wall time of main() alone.
"""

import argparse
import contextlib
import csv
import io
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

PROCESSING = Path(__file__).resolve().parents[1] / "processing"
sys.path.insert(0, str(PROCESSING.parent / "tests" / "processing"))  # the tests' Chicago header

from processing_testlib import CHICAGO_HEADER  # noqa: E402

COVERAGE = 0.97  # share of address-days with rows


def write_chicago_csv(path: Path, rows: int, addresses: int = 160, seed: int = 0) -> int:
    """About `rows` rows like the portal export: one row per camera and day with violations; returns the row count.

    Days: enough for rows / (addresses * 1.25 cameras) at 97% coverage, i.e. ~7 years at 500,000 rows. One address in
    four has two cameras (duplicate address-days, which the script sums). Rows are in date order, as exported.
    """
    rng = np.random.default_rng(seed)
    streets = ["WESTERN", "PULASKI", "CICERO", "ASHLAND", "HALSTED", "KEDZIE", "STONY ISLAND", "IRVING PARK"]
    names = [f"{rng.integers(100, 9999)} {'NSEW'[i % 4]} {streets[i % len(streets)]}" for i in range(addresses)]
    cameras = [1 + (i % 4 == 0) for i in range(addresses)]
    days = int(np.ceil(rows / (sum(cameras) * COVERAGE))) + 60  # a margin: stops at exactly `rows` rows
    latitude = 41.6 + 0.4 * rng.random(addresses)
    longitude = -87.9 + 0.4 * rng.random(addresses)
    first = date(2014, 7, 1)
    written = 0
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(CHICAGO_HEADER)
        for offset in range(days):
            day = (first + timedelta(days=offset)).strftime("%m/%d/%Y")
            present = rng.random(addresses) < COVERAGE
            counts = rng.poisson(20, addresses * 2)
            buffer = []
            for i in np.flatnonzero(present).tolist():
                for camera in range(cameras[i]):
                    if written >= rows:
                        break
                    location = f"({latitude[i]:.8f}, {longitude[i]:.8f})"
                    buffer.append([names[i], f"CHI{i:03d}{camera}", day, int(counts[2 * i + camera]), "1161851.14",
                                   "1853249.61", f"{latitude[i]:.8f}", f"{longitude[i]:.8f}", location])  # fmt: skip
                    written += 1
            writer.writerows(buffer)
            if written >= rows:
                break
    return written


def child(script: str, argv: list[str], queue) -> None:
    sys.path.insert(0, str(PROCESSING))
    sys.dont_write_bytecode = True
    module = __import__(script)
    with contextlib.redirect_stdout(io.StringIO()) as out:
        started = time.perf_counter()
        code = module.main(argv)
        seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    queue.put((code, seconds, peak_kb * 1024, out.getvalue().strip()))


def measure(script: str, argv: list[str]) -> tuple[float, int, str]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=child, args=(script, argv, queue))
    process.start()
    code, seconds, peak, summary = queue.get()
    process.join()
    if code != 0:
        raise SystemExit(f"{script} failed with exit code {code}")
    return seconds, peak, summary


def output_size(folder: str) -> int:
    return sum(entry.stat().st_size for entry in Path(folder).rglob("*.json"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000, help="rows of the Chicago-like CSV")
    parser.add_argument("--no-large", action="store_true", help="skip the 2,000 x 4,000 synthetic case (~15 s)")
    args = parser.parse_args()
    table = []
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "speed_camera_violations.csv")
        started = time.perf_counter()
        rows = write_chicago_csv(Path(source), args.rows)
        print(
            f"generated {rows:,} rows ({os.path.getsize(source) / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s"
        )
        cases = [
            (f"chicago {rows:,} rows", "chicago", ["--input", source]),
            ("deepar_synthetic 200 x 400", "deepar_synthetic", []),
            ("deepar_synthetic 2,000 x 400", "deepar_synthetic", ["--num-series", "2000"]),
            ("deepar_synthetic 2,000 x 4,000", "deepar_synthetic", ["--num-series", "2000", "--length", "4000"]),
        ]
        if args.no_large:
            cases.pop()
        for index, (name, script, argv) in enumerate(cases):
            output = os.path.join(folder, f"out{index}")
            seconds, peak, summary = measure(script, [*argv, "--output-dir", output])
            print(summary)
            table.append((name, seconds, peak, output_size(output)))
    print(f"\n{'case':<32} {'seconds':>8} {'peak RSS MB':>12} {'output MB':>10}")
    for name, seconds, peak, size in table:
        print(f"{name:<32} {seconds:8.2f} {peak / 1e6:12.0f} {size / 1e6:10.1f}")
    print("\npeak RSS: ru_maxrss of the child process that ran main() (interpreter and numpy included).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
