"""Markdown for the generated docs: tables and how amounts, rates and durations are written."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

NOT_FOUND = "price not found"


def cell(value: object) -> str:
    """A table cell: a `|` would end the cell and a line break the row."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]


def usd(amount: float | None) -> str:
    return NOT_FOUND if amount is None else f"${amount:,.2f}"


def usd_rate(rate: float | None) -> str:
    """A price per hour with the digits its source gives (0.115, 0.23), at least two."""
    if rate is None:
        return NOT_FOUND
    digits = f"{rate:.4f}".rstrip("0")
    return f"${digits}" if len(digits.split(".")[1]) >= 2 else f"${rate:.2f}"


def hours(amount: float) -> str:
    return f"{amount:g} h"
