"""What the commands reach outside the process, gathered in one object so that tests can replace each part."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipelines.cli import aws
from pipelines.cli.errors import Failure


def utc_now() -> datetime:
    return datetime.now(UTC)


def stdout_is_tty() -> bool:
    # Looked up at call time: tests (and pipes) replace sys.stdout after import.
    return sys.stdout.isatty()


def ask_yes_no(question: str) -> bool:
    """Asks on the terminal; only an explicit yes counts. Without a terminal there is nobody to ask: False."""
    if not sys.stdin.isatty():
        return False
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def run_command(command: Sequence[str], cwd: Path) -> int:
    """Runs a command in the foreground, its output going straight to the terminal; returns its exit code."""
    try:
        return subprocess.run(list(command), cwd=cwd, check=False).returncode
    except FileNotFoundError:
        raise Failure(f"{command[0]} not found in {cwd}: install the project's tools first (`make install`)") from None


@dataclass(frozen=True)
class Runtime:
    sagemaker: Callable[[str], Any] = aws.sagemaker_client  # region -> boto3 SageMaker client
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], datetime] = utc_now
    run: Callable[[Sequence[str], Path], int] = run_command
    is_tty: Callable[[], bool] = stdout_is_tty
    confirm: Callable[[str], bool] = ask_yes_no
