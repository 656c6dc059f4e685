"""The generated docs as files: docs/pipelines/<use case>.md for every registered use case and the index
(docs/pipelines/README.md), for the app's default region and prefix. `python -m pipelines docs [--check]` writes or
checks them (pipelines/cli/docs.py).

Everything is read from the definitions themselves (what SageMaker runs), not from the builders, so the pages cannot
drift from the deployed pipelines; the output has no timestamps and is byte-identical run to run.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pipelines import naming
from pipelines.compiler import CompiledPipeline, compile_pipeline
from pipelines.index_page import render_index
from pipelines.pages import DEFAULT_PREFIX, DEFAULT_REGION, INDEX, page_name, render_page
from pipelines.registry import USE_CASES

DOCS_DIR = naming.REPO_ROOT / "docs" / "pipelines"


def render_all(pipelines: Iterable[CompiledPipeline]) -> dict[str, str]:
    """{file name under docs/pipelines: content} for the given pipelines, the index included."""
    compiled = list(pipelines)
    files = {page_name(pipeline): render_page(pipeline) for pipeline in compiled}
    return {**files, INDEX: render_index(compiled)}


def _existing(directory: Path) -> set[str]:
    return {path.name for path in directory.glob("*.md")} if directory.is_dir() else set()


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def stale_files(files: dict[str, str], directory: Path) -> list[str]:
    """What differs between the generated files and the directory: changed, missing and extra pages."""
    existing = _existing(directory)
    changed = [f"{name} (changed)" for name in files if name in existing and _read(directory / name) != files[name]]
    missing = [f"{name} (missing)" for name in files if name not in existing]
    extra = [f"{name} (no longer generated)" for name in sorted(existing - set(files))]
    return sorted(changed + missing) + extra


def write_files(files: dict[str, str], directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name in _existing(directory) - set(files):
        (directory / name).unlink()  # the page of a pipeline that no longer exists
    for name, content in files.items():
        (directory / name).write_text(content, encoding="utf-8", newline="\n")


def compile_registered() -> list[CompiledPipeline]:
    """Every registered pipeline, compiled for the app's default region and prefix."""
    return [compile_pipeline(use_case, DEFAULT_REGION, DEFAULT_PREFIX) for use_case in USE_CASES]
