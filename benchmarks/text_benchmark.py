"""Time and memory of processing/dbpedia.py and processing/text8.py at the real data sets' sizes.

Run on demand from the repository root (not a test): .venv/bin/python benchmarks/text_benchmark.py
Cases:
  dbpedia 1.0   a generated dbpedia_csv.tar.gz: 560,000 train + 70,000 test rows (~45-word abstracts, quoted CSV),
                --train-fraction 1.0
  dbpedia 0.2   the same archive, --train-fraction 0.2 (the notebook's setting)
  text8         a generated text8.gz: one line of ~100 MB of random lowercase words
Each case runs the script's main() in a child `python -c` (processing/ on sys.path); peak memory is that child's
VmHWM (peak resident set size of its own address space, read from /proc/self/status as main() returns), so it
includes the interpreter and numpy (~30-40 MB). Not ru_maxrss: Linux keeps that across fork+exec, so a child of this
large benchmark process would report the parent's peak.
"""

import csv
import gzip
import io
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
CLASSES = ["Company", "EducationalInstitution", "Artist", "Athlete", "OfficeHolder", "MeanOfTransportation",
           "Building", "NaturalPlace", "Village", "Animal", "Plant", "Album", "Film", "WrittenWork"]  # fmt: skip
WORDS = np.array(["the", "of", "and", "in", "a", "is", "was", "to", "by", "for", "on", "as", "with", "from", "his",
                  "at", "an", "it", "born", "american", "which", "he", "that", "its", "known", "album", "film",
                  "company", "river", "village", "species", "(1999)", ",", ",", ",", ".", ".", "don't", "well-known",
                  "3.14", '"quoted"', "zürich"])  # fmt: skip


def documents(rng: np.random.Generator, count: int) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n")
    lengths = rng.integers(20, 70, count)
    indexes = rng.integers(0, len(WORDS), int(lengths.sum()))
    start = 0
    for row, length in enumerate(lengths.tolist()):
        words = WORDS[indexes[start : start + length]].tolist()
        start += length
        writer.writerow([row % 14 + 1, " ".join(words[:3]).title(), " " + " ".join(words[3:])])
    return text.getvalue().encode()


def dbpedia_archive(path: Path) -> None:
    rng = np.random.default_rng(0)
    with tarfile.open(path, "w:gz", compresslevel=6) as archive:
        for name, data in (("classes.txt", ("\n".join(CLASSES) + "\n").encode()), ("readme.txt", b"generated\n"),
                           ("test.csv", documents(rng, 70_000)), ("train.csv", documents(rng, 560_000))):  # fmt: skip
            info = tarfile.TarInfo(f"dbpedia_csv/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def text8_gz(path: Path, size: int = 100_000_000) -> None:
    rng = np.random.default_rng(0)
    vocabulary = np.array([bytes(rng.integers(97, 123, n, dtype=np.uint8)) for n in rng.integers(1, 12, 50_000)])
    with gzip.open(path, "wb", compresslevel=6) as file:
        written = 0
        while written < size:
            chunk = b" " + b" ".join(vocabulary[rng.integers(0, len(vocabulary), 200_000)].tolist())
            chunk = chunk[: size - written]
            file.write(chunk)
            written += len(chunk)


def measure(args: list[str]) -> tuple[float, int, str]:
    """(seconds, child VmHWM KiB, stdout) of the script's main(ARGS[1:]) in a fresh interpreter.

    The module is imported directly (processing/ on sys.path, as in the zip), not through the dispatcher table.
    """
    code = (
        f"import sys; sys.path.insert(0, 'processing'); import {args[0]}; code = {args[0]}.main(sys.argv[1:]); "
        "hwm = [line for line in open('/proc/self/status') if line.startswith('VmHWM')][0]; "
        "print(hwm.split()[1], file=sys.stderr); sys.exit(code)"
    )
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code, *args[1:]], cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    assert result.returncode == 0, (args, result.stderr)
    return seconds, int(result.stderr.split()[-1]), result.stdout.strip()


def main() -> int:
    table = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        started = time.perf_counter()
        dbpedia_archive(root / "dbpedia_csv.tar.gz")
        text8_gz(root / "text8.gz")
        print(f"generated inputs in {time.perf_counter() - started:.0f} s: dbpedia_csv.tar.gz "
              f"{(root / 'dbpedia_csv.tar.gz').stat().st_size / 1e6:.0f} MB, text8.gz "
              f"{(root / 'text8.gz').stat().st_size / 1e6:.0f} MB")  # fmt: skip
        archive = root / "dbpedia_csv.tar.gz"
        cases = [
            ("dbpedia --train-fraction 1.0", ["dbpedia", "--input", archive, "--train-fraction", "1.0"]),
            ("dbpedia --train-fraction 0.2", ["dbpedia", "--input", archive, "--train-fraction", "0.2"]),
            ("text8 (100 MB, gzip)", ["text8", "--input", root / "text8.gz"]),
        ]
        for index, (name, argv) in enumerate(cases):
            out = root / f"out{index}"
            seconds, peak, summary = measure([*map(str, argv), "--output-dir", str(out)])
            size = sum(path.stat().st_size for path in out.rglob("*") if path.is_file())
            table.append((name, seconds, peak, size, summary))
    print(__doc__.split("Cases:")[1].strip("\n"))
    print(f"\n{'case':<32} {'seconds':>8} {'VmHWM MB':>12} {'out MB':>8}")
    for name, seconds, peak, size, _ in table:
        print(f"{name:<32} {seconds:8.1f} {peak / 1024:12.0f} {size / 1e6:8.0f}")
    print("\nSummaries:\n" + "\n".join(summary for *_, summary in table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
