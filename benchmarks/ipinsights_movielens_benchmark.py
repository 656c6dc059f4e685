"""Time and memory of processing/ipinsights_logins.py and processing/movielens.py at the notebooks' sizes.

Run on demand from the repository root (not a test): .venv/bin/python benchmarks/ipinsights_movielens_benchmark.py
Cases:
  ipinsights_logins  the defaults: 10,000 users over 10 days (NB17's size), 1% anomalies in test
  movielens          a generated zip in ml-100k's layout: ua.base 90,570 and ua.test 9,430 ratings (100,000 in all,
                     943 users, 1,682 items), read from a local path (--input)
Each case calls the script's main() in this process; outputs go to a fresh temporary folder (page cache, no fsync).
"""

import argparse
import contextlib
import io
import resource
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "processing"))
sys.dont_write_bytecode = True  # processing/ ships as a zip: no __pycache__ in it

import ipinsights_logins  # noqa: E402
import movielens  # noqa: E402

USERS, ITEMS, TRAIN, TEST = 943, 1682, 90_570, 9_430  # ml-100k's ua.base / ua.test


def ml100k_sized_zip(path: Path) -> Path:
    rng = np.random.default_rng(0)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, count in (("ml-100k/ua.base", TRAIN), ("ml-100k/ua.test", TEST)):
            rows = np.column_stack([
                rng.integers(1, USERS + 1, count), rng.integers(1, ITEMS + 1, count),
                rng.integers(1, 6, count), rng.integers(874_724_710, 893_286_638, count),
            ])  # fmt: skip
            archive.writestr(member, "".join(f"{u}\t{i}\t{r}\t{t}\n" for u, i, r, t in rows.tolist()))
    return path


def measure(main, argv: list[str], repeat: int) -> tuple[float, float, str]:
    """(best seconds, tracemalloc peak bytes of a separate run, summary line). Timing runs are not traced."""
    times, summary = [], ""
    for _ in range(repeat):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            start = time.perf_counter()
            code = main(argv)
            times.append(time.perf_counter() - start)
        assert code == 0, code
        summary = out.getvalue().strip()
    tracemalloc.start()
    with contextlib.redirect_stdout(io.StringIO()):
        main(argv)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return min(times), peak, summary


def output_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each case; the best is reported")
    args = parser.parse_args()
    table = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = ml100k_sized_zip(root / "ml-100k.zip")
        cases = [
            ("ipinsights_logins (10,000 users, 10 days)", ipinsights_logins.main, ["--output-dir", str(root / "ipi")]),
            ("movielens (100,000 ratings)", movielens.main,
             ["--input", str(source), "--output-dir", str(root / "ml")]),
        ]  # fmt: skip
        for name, script, argv in cases:
            seconds, peak, summary = measure(script, argv, args.repeat)
            table.append((name, seconds, peak, output_bytes(Path(argv[argv.index("--output-dir") + 1])), summary))
    print(__doc__.split("Cases:")[1].split("Each case")[0].strip("\n"))
    print(f"\n{'case':<44} {'seconds':>8} {'peak MB':>8} {'out MB':>8}")
    for name, seconds, peak, size, _ in table:
        print(f"{name:<44} {seconds:8.2f} {peak / 1e6:8.1f} {size / 1e6:8.1f}")
    print(
        f"\nseconds: best of {args.repeat} runs of main() in this process. peak MB: tracemalloc peak of the Python-side"
    )
    print("allocations (numpy buffers included) during one more, traced run; not an RSS figure.")
    print(f"Process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (Linux reports KiB).")
    print("\nSummaries:\n" + "\n".join(summary for *_, summary in table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
