"""Strict parsing of numbers in CSV cells."""

import math
import re

# float() alone also accepts 'nan', 'inf', '1_000' and surrounding whitespace: none is a valid cell value.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_COUNT = re.compile(r"[0-9]+")


def parse_decimal(text: str) -> float:
    """A finite decimal number such as '0.455', '-1', '1e-3'; ValueError with a short reason otherwise."""
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"not a number: {text!r}")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text!r}")
    return value


def parse_count(text: str) -> int:
    """A non-negative integer written with digits only ('15', not '15.0' or '+15')."""
    if _COUNT.fullmatch(text):
        return int(text)
    parse_decimal(text)  # non-numeric text gets the "not a number" reason
    raise ValueError(f"not a non-negative integer: {text!r}")
