"""docs: write docs/pipelines/ from the registered pipelines' definitions, or check that it is up to date (offline)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines import naming
from pipelines.cli.errors import Failure
from pipelines.cli.runtime import Runtime


def _shown(directory: Path) -> str:
    """The directory as the repository names it (docs/pipelines), or as given when it lies elsewhere."""
    resolved = directory.resolve()
    return str(resolved.relative_to(naming.REPO_ROOT)) if resolved.is_relative_to(naming.REPO_ROOT) else str(directory)


def write_or_check(args: argparse.Namespace, runtime: Runtime) -> int:
    del runtime  # offline
    # Imported here: generating compiles every pipeline with the SageMaker SDK, which the AWS commands do not need.
    from pipelines import docs, prices
    from pipelines.definition import NoDefaultError
    from pipelines.pages import REGENERATE

    directory: Path = args.directory or docs.DOCS_DIR
    try:
        files = docs.render_all(docs.compile_registered())
    except (prices.MissingPriceError, NoDefaultError) as error:
        raise Failure(str(error)) from None
    if not args.check:
        docs.write_files(files, directory)
        print(f"wrote {len(files)} files to {directory}")
        return 0
    stale = docs.stale_files(files, directory)
    if stale:
        again = REGENERATE if args.directory is None else f"python -m pipelines docs --directory {directory}"
        raise Failure(f"{_shown(directory)} is stale: {', '.join(stale)}. Run `{again}`.")
    return 0


def add_commands(commands: argparse._SubParsersAction, offline_options: argparse.ArgumentParser) -> None:
    # Not offline_options' --region and --prefix: the docs describe the app's defaults (cdk.json), nothing else.
    del offline_options
    docs = commands.add_parser(
        "docs",
        help="write docs/pipelines/ from the pipeline definitions (--check: only compare)",
        description="Write one page per pipeline and the index to docs/pipelines/, generated from the definitions "
        "for the app's default region and prefix (offline). --check writes nothing and fails, naming the stale "
        "files, when the directory differs.",
    )
    docs.add_argument("--check", action="store_true", help="compare with the directory; exit 1 if it is stale")
    docs.add_argument(
        "--directory", type=Path, metavar="DIR", help="where the pages are written or checked (default docs/pipelines)"
    )
    docs.add_argument("--debug", action="store_true", help="show the traceback of an error")
    docs.set_defaults(run=write_or_check)
