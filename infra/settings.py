"""Typed deployment settings, read from CDK context (cdk.json or `-c key=value`) and validated at synth."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
# The prefix names the pipelines, model package groups and stacks; IAM policies are scoped to it, so it must be
# short (names stay under SageMaker's 63-character limits) and plain.
_PREFIX = re.compile(r"^[a-z][a-z0-9-]{1,19}$")


class SettingsError(ValueError):
    """A context value is missing or malformed; the message names the context key."""


@dataclass(frozen=True)
class Settings:
    region: str
    prefix: str

    @classmethod
    def from_context(cls, context: Mapping[str, Any]) -> Settings:
        region = _required(context, "region")
        prefix = _required(context, "prefix")
        if not _REGION.match(region):
            raise SettingsError(f"context 'region': {region!r} is not an AWS region name such as 'us-east-1'")
        if not _PREFIX.match(prefix):
            raise SettingsError(
                f"context 'prefix': {prefix!r} must be 2-20 characters of a-z, 0-9 and '-', starting with a letter"
            )
        return cls(region=region, prefix=prefix)


def _required(context: Mapping[str, Any], key: str) -> str:
    value = context.get(key)
    if not isinstance(value, str) or not value:
        raise SettingsError(f"context '{key}' is required (set it in cdk.json or pass -c {key}=...)")
    return value
