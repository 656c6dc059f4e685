"""Opt-in real-time endpoints, one per pipeline, read from the CDK context value `endpoints` and validated at synth.

    "endpoints": {"abalone-xgboost": {"model_package_arn": "arn:aws:sagemaker:...:model-package/<group>/<n>"}}

in cdk.json, or the same object as a JSON string: `-c endpoints='{"abalone-xgboost": {...}}'` (the CLI passes
context values as strings). No `endpoints` means no endpoint stacks.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields
from typing import Any

from infra.settings import SettingsError
from pipelines import instances

CONTEXT_KEY = "endpoints"
# The request content types the stack's invoke example knows; the registered model decides which it accepts.
CONTENT_TYPES = ("text/csv", "application/json", "application/jsonlines", "image/jpeg", "application/x-image")
_MODEL_PACKAGE_ARN = re.compile(
    r"^arn:aws[a-z-]*:sagemaker:[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d:\d{12}:model-package/[A-Za-z0-9-]{1,63}/\d+$"
)


class _FieldError(SettingsError):
    """One field is invalid; the parser adds the context key path in front."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"'{field}': {reason}")
        self.field = field
        self.reason = reason


def capture_prefix(pipeline_name: str) -> str:
    """Where an endpoint's captured data goes in the data bucket, next to the pipeline's executions; SageMaker appends
    <endpoint>/<variant>/<yyyy>/<mm>/<dd>/<hh>/. The foundation expires it (a lifecycle rule per pipeline)."""
    return f"{pipeline_name}/data-capture/"


@dataclass(frozen=True)
class EndpointSettings:
    model_package_arn: str
    instance_type: str = "ml.m5.large"
    instance_count: int = 1
    max_instances: int | None = None  # None: instance_count, i.e. no autoscaling
    invocations_per_instance: float = 100  # autoscaling target: invocations per instance and minute
    # 0 turns data capture off. A sample is enough to watch for drift, and every captured request (and response) is
    # stored and encrypted: 10% rather than all of them.
    data_capture_percent: int = 10
    # of the invoke example only (None: the first type the pipeline registers the model for that has an example)
    content_type: str | None = None

    def __post_init__(self) -> None:
        if self.max_instances is None:
            object.__setattr__(self, "max_instances", self.instance_count)
        _validate(self)

    @property
    def instance_limit(self) -> int:
        """max_instances as __post_init__ filled it in: the field's type keeps None only for the constructor."""
        return self.instance_count if self.max_instances is None else self.max_instances

    @property
    def autoscales(self) -> bool:
        return self.instance_limit > self.instance_count

    @property
    def captures_data(self) -> bool:
        return self.data_capture_percent > 0


FIELDS = tuple(f.name for f in fields(EndpointSettings))


def endpoint_settings_from_context(
    value: Any, known_pipelines: Collection[str], region: str | None = None
) -> dict[str, EndpointSettings]:
    """{use case name: EndpointSettings} from the context value `endpoints` (absent: no endpoints). With `region`,
    each model package must be in it: SageMaker creates models only from packages of its own region."""
    if value is None:
        return {}
    endpoints = _as_mapping(value)
    unknown = sorted(set(endpoints) - set(known_pipelines))
    if unknown:
        raise SettingsError(
            f"context '{CONTEXT_KEY}': unknown pipeline {', '.join(map(repr, unknown))}; "
            f"known pipelines: {', '.join(sorted(known_pipelines))}"
        )
    return {name: _settings(name, endpoints[name], region) for name in sorted(endpoints)}


def _as_mapping(value: Any) -> Mapping[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise SettingsError(f"context '{CONTEXT_KEY}': not valid JSON ({error})") from None
    if not isinstance(value, Mapping):
        raise SettingsError(f"context '{CONTEXT_KEY}': must be an object of {{pipeline: settings}}, not {value!r}")
    return value


def _settings(name: str, value: Any, region: str | None) -> EndpointSettings:
    path = f"{CONTEXT_KEY}.{name}"
    if not isinstance(value, Mapping):
        raise SettingsError(f"context '{path}': must be an object of endpoint settings, not {value!r}")
    unknown = sorted(set(value) - set(FIELDS))
    if unknown:
        raise SettingsError(f"context '{path}': unknown field {', '.join(unknown)}; fields: {', '.join(FIELDS)}")
    if "model_package_arn" not in value:
        raise SettingsError(f"context '{path}.model_package_arn' is required")
    try:
        settings = EndpointSettings(**value)
    except _FieldError as error:
        raise SettingsError(f"context '{path}.{error.field}': {error.reason}") from None
    package_region = settings.model_package_arn.split(":")[3]
    if region and package_region != region:
        raise SettingsError(
            f"context '{path}.model_package_arn': the model package is in {package_region}, the endpoint in {region}"
        )
    return settings


def _validate(settings: EndpointSettings) -> None:
    arn = settings.model_package_arn
    if not isinstance(arn, str) or not _MODEL_PACKAGE_ARN.match(arn):
        raise _FieldError(
            "model_package_arn",
            f"{arn!r} is not a versioned model package ARN "
            "(arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>)",
        )
    _check_instance_type(settings.instance_type)
    _check_int("instance_count", settings.instance_count, 1)
    _check_int("max_instances", settings.max_instances, settings.instance_count, "instance_count")
    _check_positive("invocations_per_instance", settings.invocations_per_instance)
    _check_int("data_capture_percent", settings.data_capture_percent, 0, maximum=100)
    if settings.content_type is not None and settings.content_type not in CONTENT_TYPES:
        raise _FieldError("content_type", f"{settings.content_type!r} is not one of {', '.join(CONTENT_TYPES)}")


def _check_instance_type(instance_type: Any) -> None:
    if not isinstance(instance_type, str) or not re.match(r"^ml\.[a-z0-9-]+\.[a-z0-9]+$", instance_type):
        raise _FieldError("instance_type", f"{instance_type!r} is not a SageMaker instance type such as 'ml.m5.large'")
    # SageMaker encrypts local NVMe storage in hardware and CreateEndpointConfig refuses a KmsKeyId for such types,
    # while the endpoint config always sets the project key (for example ml.m5d, ml.g4dn, ml.p4d).
    if instances.has_local_storage(instance_type):
        raise _FieldError(
            "instance_type",
            f"{instance_type!r} has local NVMe storage, for which SageMaker refuses the KMS key the endpoint "
            "config sets; choose an EBS-backed type such as ml.m5.xlarge or ml.c5.xlarge",
        )


def _check_int(field: str, value: Any, minimum: int, minimum_name: str = "", maximum: int | None = None) -> None:
    # bool is an int in Python, but `true` is no instance count
    if not isinstance(value, int) or isinstance(value, bool):
        raise _FieldError(field, f"{value!r} is not an integer")
    if value < minimum:
        bound = f"{minimum_name} ({minimum})" if minimum_name else str(minimum)
        raise _FieldError(field, f"{value} is below {bound}")
    if maximum is not None and value > maximum:
        raise _FieldError(field, f"{value} is above {maximum}")


def _check_positive(field: str, value: Any) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not (0 < value < math.inf):
        raise _FieldError(field, f"{value!r} is not a positive number")
