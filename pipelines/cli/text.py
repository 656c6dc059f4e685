"""Plain-text output: aligned tables, short durations, times."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta


def table(rows: Sequence[Sequence[str]]) -> list[str]:
    """Columns padded to their widest cell; the last column is not padded (it may be long, e.g. an ARN)."""
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]]).rstrip()
        for row in rows
    ]


def duration(delta: timedelta) -> str:
    """1h02m, 4m05s, 12s: precise enough to watch a pipeline, short enough for a table cell."""
    seconds = max(0, int(delta.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{seconds:02d}s"
    return f"{seconds}s"


def utc_minute(moment: datetime) -> str:
    """AWS returns times in the machine's zone; one zone for everyone reading the same table."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
