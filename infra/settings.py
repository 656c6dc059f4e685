"""Typed deployment settings, read from CDK context (cdk.json or `-c key=value`) and validated at synth.

Values given with `-c` arrive as strings: lists and objects may then be written as JSON (`-c tags='{"team":"ml"}'`),
lists also comma-separated (`-c pipelines=abalone-xgboost,mnist-pca`), booleans as true/false.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipelines import naming
from pipelines.options import BuildOptions

_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
_PREFIX = naming.PREFIX_PATTERN  # names pipelines, groups, stacks; IAM is scoped to it
_SUBNET = re.compile(r"^subnet-[0-9a-f]{8,17}$")
_SECURITY_GROUP = re.compile(r"^sg-[0-9a-f]{8,17}$")
_FAMILY = re.compile(r"^[a-z][a-z0-9-]*$")  # e.g. m5, m6i, g5, inf2
_TAG_KEY = re.compile(r"^[\w .:/=+\-@]{1,128}$")
KEYS = (
    "region",
    "prefix",
    "pipelines",
    "spot",
    "instance_families",
    "vpc",
    "tags",
    "endpoints",
    "schedules",
    "dashboard",
    "notifications",
)


class SettingsError(ValueError):
    """A context value is missing or malformed; the message names the context key."""


@dataclass(frozen=True)
class Settings:
    region: str
    prefix: str
    pipelines: tuple[str, ...] | None = None  # None: every registered pipeline
    spot: bool = True
    instance_families: tuple[tuple[str, str], ...] = ()
    subnets: tuple[str, ...] = ()
    security_groups: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    endpoints: Any = field(default=None, compare=False)  # the raw `endpoints` value, read by infra/endpoint_settings
    # {use case: raw schedule object}; checked against the compiled pipelines by infra/schedule_settings
    schedules: Mapping[str, Any] = field(default_factory=dict, compare=False)
    # On by default: one CloudWatch dashboard costs at most $3 a month (the first 3 of an account are free).
    dashboard: bool = True
    # the parsed `notifications` object, None when absent (no notifications); checked by infra/notification_settings
    notifications: Any = field(default=None, compare=False)

    @classmethod
    def from_context(cls, context: Mapping[str, Any]) -> Settings:
        vpc = _vpc(context.get("vpc"))
        return cls(
            region=_matching(_required(context, "region"), _REGION, "region", "an AWS region name such as 'us-east-1'"),
            prefix=_matching(
                _required(context, "prefix"),
                _PREFIX,
                "prefix",
                "2-20 characters of a-z, 0-9 and '-', starting with a letter",
            ),  # fmt: skip
            pipelines=_pipelines(context.get("pipelines")),
            spot=_boolean(context.get("spot"), "spot", default=True),
            instance_families=_families(context.get("instance_families")),
            subnets=vpc[0],
            security_groups=vpc[1],
            tags=_tags(context.get("tags")),
            endpoints=context.get("endpoints"),
            schedules=_object(context.get("schedules"), "schedules"),
            dashboard=_boolean(context.get("dashboard"), "dashboard", default=True),
            notifications=_structured(context.get("notifications"), "notifications"),
        )

    def build_options(self) -> BuildOptions:
        return BuildOptions(
            spot=self.spot,
            subnets=self.subnets,
            security_groups=self.security_groups,
            instance_families=self.instance_families,
        )

    def selected(self, names: list[str]) -> list[str]:
        """The registered pipeline names to deploy; an unknown name in the setting is an error."""
        if self.pipelines is None:
            return names
        unknown = sorted(set(self.pipelines) - set(names))
        if unknown:
            raise SettingsError(f"context 'pipelines': unknown {', '.join(unknown)}; known: {', '.join(names)}")
        return [name for name in names if name in self.pipelines]


def _required(context: Mapping[str, Any], key: str) -> str:
    value = context.get(key)
    if not isinstance(value, str) or not value:
        raise SettingsError(f"context '{key}' is required (set it in cdk.json or pass -c {key}=...)")
    return value


def _matching(value: str, pattern: re.Pattern, key: str, expected: str) -> str:
    if not pattern.match(value):
        raise SettingsError(f"context '{key}': {value!r} is not {expected}")
    return value


def _structured(value: Any, key: str) -> Any:
    """A list or object given as JSON text on the command line, parsed; other values unchanged."""
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except json.JSONDecodeError as error:
            raise SettingsError(f"context '{key}': not valid JSON: {error}") from None
    return value


def _string_list(value: Any, key: str) -> list[str]:
    value = _structured(value, key)
    if isinstance(value, str):
        value = [item.strip() for item in value.split(",") if item.strip()]
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise SettingsError(f"context '{key}': expected a list of names (JSON list or comma-separated)")
    return value


def _pipelines(value: Any) -> tuple[str, ...] | None:
    if value is None or value == "all":
        return None
    names = _string_list(value, "pipelines")
    if not names:
        raise SettingsError("context 'pipelines': empty; give pipeline names or 'all'")
    return tuple(names)


def _boolean(value: Any, key: str, *, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise SettingsError(f"context '{key}': expected true or false, got {value!r}")


def _object(value: Any, key: str) -> dict:
    value = _structured(value, key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SettingsError(f"context '{key}': expected an object (JSON)")
    return value


def _families(value: Any) -> tuple[tuple[str, str], ...]:
    families = _object(value, "instance_families")
    for source, target in families.items():
        if not (_FAMILY.match(source) and isinstance(target, str) and _FAMILY.match(target)):
            raise SettingsError(
                f"context 'instance_families': {source!r}: {target!r} must map an instance family to another, "
                'e.g. {"m5": "m6i"}'
            )
    return tuple(sorted(families.items()))


def _vpc(value: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    vpc = _object(value, "vpc")
    if not vpc:
        return (), ()
    unknown = sorted(set(vpc) - {"subnet_ids", "security_group_ids"})
    if unknown:
        raise SettingsError(f"context 'vpc': unknown keys {', '.join(unknown)} (subnet_ids, security_group_ids)")
    subnets = _ids(vpc, "subnet_ids", _SUBNET.match)
    groups = _ids(vpc, "security_group_ids", _SECURITY_GROUP.match)
    return subnets, groups


def _ids(vpc: dict, key: str, valid: Callable[[str], object]) -> tuple[str, ...]:
    ids = vpc.get(key)
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and valid(i) for i in ids):
        raise SettingsError(f"context 'vpc.{key}': expected a non-empty list of ids, got {ids!r}")
    return tuple(ids)


def _tags(value: Any) -> tuple[tuple[str, str], ...]:
    tags = _object(value, "tags")
    for key, text in tags.items():
        if not _TAG_KEY.match(key) or not isinstance(text, str) or len(text) > 256:
            raise SettingsError(f"context 'tags': {key!r}: {text!r} is not a valid tag (key <= 128, value <= 256)")
    return tuple(sorted(tags.items()))
