"""argparse `type=` validators shared by the scripts: each returns the parsed value or raises ArgumentTypeError."""

import argparse
import re

_SHA256 = re.compile(r"[0-9a-f]{64}")


def positive(text: str) -> int:
    value = _integer(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def non_negative(text: str) -> int:
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text!r}")  # numpy rejects negative seeds
    return value


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None


def sha256_hex(text: str) -> str:
    """A SHA-256 as 64 hex digits, normalized to lower case."""
    value = text.strip().lower()
    if not _SHA256.fullmatch(value):
        raise argparse.ArgumentTypeError(f"not a SHA-256 (64 hex digits): {text!r}")
    return value
