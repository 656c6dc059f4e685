"""Command line of the pipeline registry: `python -m pipelines list`."""

from __future__ import annotations

import argparse
import sys

from pipelines.compiler import compile_pipeline
from pipelines.registry import USE_CASES

DEFAULT_REGION = "us-east-1"
DEFAULT_PREFIX = "sm-algo"


def list_pipelines(args: argparse.Namespace) -> int:
    rows = [("name", "algorithm", "dataset", "steps")]
    for use_case in USE_CASES:
        compiled = compile_pipeline(use_case, args.region, args.prefix)
        steps = " > ".join(step["Name"] for step in compiled.steps())
        rows.append((use_case.name, use_case.algorithm, use_case.dataset_name, steps))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[3]]).rstrip())
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m pipelines", description="The SageMaker pipelines of this app.")
    commands = root.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="list the pipelines: name, algorithm, dataset, steps")
    listing.add_argument("--region", default=DEFAULT_REGION, help=f"region to build for (default {DEFAULT_REGION})")
    listing.add_argument("--prefix", default=DEFAULT_PREFIX, help=f"name prefix (default {DEFAULT_PREFIX})")
    listing.set_defaults(run=list_pipelines)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
