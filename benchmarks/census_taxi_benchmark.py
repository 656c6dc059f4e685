"""Time and peak memory of the census, census_components and nyc_taxi processing scripts on generated inputs.

Run on demand from the repository root (not a test): .venv/bin/python benchmarks/census_taxi_benchmark.py
Cases:
  census             3,220 counties (the real file's size) and 32,200 (10x), the real 37-column layout
  census_components  PCA-like projections (34 components, keep 5) for the same counts, with their ids
  nyc_taxi           10,320 half-hours (the real series) and 1,032,000 (100x), shingle 48
Each run is a fresh Python process calling the script's main() as `python processing SCRIPT ...` does.
seconds: wall clock of that process (interpreter start and imports included), best of --repeat runs. peak MB: its
peak resident set size, VmHWM of /proc/self/status read by the process itself after main() (the interpreter and
numpy included, about 30 MB). Not ru_maxrss from wait4: Linux carries the benchmark's own RSS over into a child's
ru_maxrss through fork and exec, which inflates it by the size of the generated inputs held here. Linux only.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "processing"))
sys.dont_write_bytecode = True  # processing/ ships as a zip: no __pycache__ in it

from census import FIELDS  # noqa: E402

COUNTIES = 3_220
HALF_HOURS = 10_320
COMPONENTS = 34
# `python processing SCRIPT ...` without the dispatcher's table: the script module's main(), imported as the zip does.
# The child writes its peak RSS (VmHWM, in kB) to the file named by $BENCHMARK_PEAK_FILE once main() returns.
BOOTSTRAP = """
import importlib, os, re, sys
sys.path.insert(0, "processing")
code = importlib.import_module(sys.argv[1]).main(sys.argv[2:])
with open("/proc/self/status") as status, open(os.environ["BENCHMARK_PEAK_FILE"], "w") as out:
    out.write(re.search(r"VmHWM:\\s*(\\d+) kB", status.read()).group(1))
sys.exit(code)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each case; the fastest is reported")
    args = parser.parse_args()
    print(__doc__.split("Cases:")[1].split("Each run")[0].strip("\n") + "\n")
    table = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        rng = np.random.default_rng(0)
        for scale in (1, 10):
            count = COUNTIES * scale
            source = write_census(folder / f"census{scale}" / "census.csv", count, rng)
            out = folder / f"census{scale}-out"
            table.append(time_case(f"census {count:,} counties", ["census", "--input", source, "--output-dir", out],
                                   args.repeat))  # fmt: skip
            projections = write_projections(folder / f"projections{scale}" / "features.csv.out", count, rng)
            arguments = ["census_components", "--projections-dir", projections.parent, "--ids-dir", out / "ids"]
            table.append(time_case(f"census_components {count:,} counties", [*arguments, "--output-dir",
                                   folder / f"components{scale}-out"], args.repeat))  # fmt: skip
        for scale in (1, 100):
            count = HALF_HOURS * scale
            source = write_series(folder / f"nyc{scale}" / "nyc_taxi.csv", count, rng)
            arguments = ["nyc_taxi", "--input", source, "--output-dir", folder / f"nyc{scale}-out"]
            table.append(time_case(f"nyc_taxi {count:,} rows", arguments, args.repeat))
    print(f"{'case':<40} {'seconds':>8} {'peak MB':>8}")
    for name, seconds, peak in table:
        print(f"{name:<40} {seconds:8.2f} {peak / 1e6:8.1f}")
    return 0


def time_case(name: str, arguments: list, repeat: int) -> tuple[str, float, int]:
    best, peak = float("inf"), 0
    for _ in range(repeat):
        seconds, rss = run_script(arguments)
        best, peak = min(best, seconds), max(peak, rss)
    return name, best, peak


def run_script(arguments: list) -> tuple[float, int]:
    """(wall seconds, peak RSS bytes) of one script process; fails on a non-zero exit."""
    output = Path(arguments[arguments.index("--output-dir") + 1])
    if output.exists():
        shutil.rmtree(output)  # each run writes into a fresh folder
    peak_file = output.parent / "peak.txt"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "BENCHMARK_PEAK_FILE": str(peak_file)}
    command = [sys.executable, "-c", BOOTSTRAP, *map(str, arguments)]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{arguments[0]} failed ({result.returncode}):\n{result.stderr}")
    print(result.stdout.strip())
    return seconds, int(peak_file.read_text()) * 1024


def write_census(path: Path, count: int, rng: np.random.Generator) -> Path:
    path.parent.mkdir(parents=True)
    numbers = rng.uniform(0, 100, size=(count, len(FIELDS) - 3))
    lines = [",".join(FIELDS)]
    for index in range(count):
        cells = [f"{value:.1f}" for value in numbers[index]]
        if index % 500 == 7:
            cells[5] = ""  # a few incomplete rows, dropped
        lines.append(f'{1001 + index},State {index % 52},"County {index}, Somewhere",' + ",".join(cells))
    path.write_text("\n".join(lines) + "\n")
    return path


def write_projections(path: Path, count: int, rng: np.random.Generator) -> Path:
    """One projection per county census kept (its incomplete rows are every 500th from row 7)."""
    kept = sum(1 for index in range(count) if index % 500 != 7)
    path.parent.mkdir(parents=True)
    values = rng.normal(size=(kept, COMPONENTS)) * np.linspace(0.01, 1, COMPONENTS)
    path.write_text("".join(json.dumps({"projection": row}) + "\n" for row in values.tolist()))
    return path


def write_series(path: Path, count: int, rng: np.random.Generator) -> Path:
    path.parent.mkdir(parents=True)
    times = np.datetime64("2014-07-01T00:00:00", "s") + np.timedelta64(30, "m") * np.arange(count)
    values = rng.integers(0, 40_000, size=count)
    texts = np.char.replace(times.astype(str), "T", " ")
    path.write_text(
        "timestamp,value\n" + "".join(f"{time},{value}\n" for time, value in zip(texts, values, strict=True))
    )
    return path


if __name__ == "__main__":
    sys.exit(main())
