"""Strict parsing of numbers in CSV cells."""

import math
import re
from typing import TypeVar

T = TypeVar("T", int, float)

# float() alone also accepts 'nan', 'inf', '1_000' and surrounding whitespace: none is a valid cell value.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_COUNT = re.compile(r"[0-9]+")
# The largest finite float32 (numpy.finfo(numpy.float32).max), written out: this module does not need numpy.
FLOAT32_MAX = 3.4028234663852886e38


def parse_decimal(text: str) -> float:
    """A finite decimal number such as '0.455', '-1', '1e-3'; ValueError with a short reason otherwise."""
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"not a number: {text!r}")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text!r}")
    return value


def parse_float32(text: str) -> float:
    """parse_decimal, limited to the float32 range: the built-in algorithms read their inputs as float32, where a
    larger value becomes infinity."""
    return check_float32(parse_decimal(text), text)


def check_float32(value: T, text: str) -> T:
    """value, if float32 holds it (to the nearest float32); ValueError naming text otherwise."""
    if abs(value) > FLOAT32_MAX:
        raise ValueError(f"number beyond the float32 range (magnitude at most {FLOAT32_MAX:.8g}): {text!r}")
    return value


def parse_non_negative(text: str) -> float:
    """parse_float32 of a quantity that cannot be negative, such as a count of people."""
    value = parse_float32(text)
    if value < 0:
        raise ValueError(f"negative value {text!r}")
    return value


def parse_count(text: str) -> int:
    """A non-negative integer written with digits only ('15', not '15.0' or '+15')."""
    if _COUNT.fullmatch(text):
        return int(text)
    parse_decimal(text)  # non-numeric text gets the "not a number" reason
    raise ValueError(f"not a non-negative integer: {text!r}")
