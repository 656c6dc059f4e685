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
# Deployment guardrails: how an update shifts traffic from the old fleet to the new one.
# https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-blue-green.html
TRAFFIC_SHIFTING = ("canary", "linear", "all_at_once")
# TrafficRoutingConfig: a canary is at most 50% of the variant's instances, a linear step 10-50%.
# https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html
CANARY_PERCENT = (1, 50)
LINEAR_STEP_PERCENT = (10, 50)
# WaitIntervalInSeconds and TerminationWaitInSeconds are each at most 3600 seconds.
BAKE_MINUTES = (1, 60)
# Endpoints on Inf1 instances cannot use the guardrails: SageMaker falls back to all at once with no final bake.
# https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-exclusions.html
_NO_GUARDRAILS_FAMILIES = ("inf1",)
# MaximumExecutionTimeoutInSeconds: 600-28800, and longer than all the waits; an hour on top of them lets SageMaker
# start the new fleet. https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_BlueGreenUpdatePolicy.html
MIN_UPDATE_SECONDS, MAX_UPDATE_SECONDS = 600, 28800
PROVISIONING_SECONDS = 3600
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
    # None: canary where a canary fits (at least 2 instances, not Inf1), otherwise all at once; see `shifting`
    traffic_shifting: str | None = None
    canary_percent: int = 10  # of the new fleet's capacity, in the first step
    linear_step_percent: int = 20  # of the new fleet's capacity, per step (5 steps)
    # Each baking period: after each traffic step, and after the last one before the old fleet is terminated.
    bake_minutes: int = 10
    # The average ModelLatency (per minute) above which an update rolls back.
    latency_alarm_ms: float = 1000

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

    @property
    def shifting(self) -> str:
        """traffic_shifting, or its default: a canary needs a second instance (it is at most half the fleet) and an
        instance family that supports the guardrails."""
        if self.traffic_shifting is not None:
            return self.traffic_shifting
        return "canary" if _canary_fits(self.instance_type, self.instance_count) else "all_at_once"

    @property
    def bake_periods(self) -> int:
        """Baking periods of an update, one per traffic step: after each step but the last, and the final one after
        the last step, before the old fleet is terminated."""
        return {"canary": 2, "linear": math.ceil(100 / self.linear_step_percent), "all_at_once": 1}[self.shifting]

    @property
    def update_timeout_seconds(self) -> int:
        return max(MIN_UPDATE_SECONDS, self.bake_periods * self.bake_minutes * 60 + PROVISIONING_SECONDS)


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
    _check_guardrails(settings)


def _check_guardrails(settings: EndpointSettings) -> None:
    shifting = settings.traffic_shifting
    if shifting is not None and shifting not in TRAFFIC_SHIFTING:
        raise _FieldError("traffic_shifting", f"{shifting!r} is not one of {', '.join(TRAFFIC_SHIFTING)}")
    _check_int("canary_percent", settings.canary_percent, CANARY_PERCENT[0], maximum=CANARY_PERCENT[1])
    linear_minimum, linear_maximum = LINEAR_STEP_PERCENT
    _check_int("linear_step_percent", settings.linear_step_percent, linear_minimum, maximum=linear_maximum)
    _check_int("bake_minutes", settings.bake_minutes, BAKE_MINUTES[0], maximum=BAKE_MINUTES[1])
    _check_positive("latency_alarm_ms", settings.latency_alarm_ms)
    if shifting in ("canary", "linear"):
        _check_steps_fit(shifting, settings.instance_type, settings.instance_count)
    if settings.update_timeout_seconds > MAX_UPDATE_SECONDS:
        raise _FieldError(
            "bake_minutes",
            f"{settings.bake_periods} baking periods of {settings.bake_minutes} minutes and an hour to start the new "
            f"fleet exceed SageMaker's {MAX_UPDATE_SECONDS // 3600}-hour limit on an update; bake shorter or take "
            "larger linear steps",
        )


def _check_steps_fit(shifting: str, instance_type: str, instance_count: int) -> None:
    # An explicit canary or linear shift that SageMaker would refuse, or silently run all at once, is an error.
    if instances.family(instance_type) in _NO_GUARDRAILS_FAMILIES:
        raise _FieldError(
            "traffic_shifting",
            f"{shifting!r} is not supported on {instance_type}: SageMaker updates Inf1 endpoints all at once "
            "(use 'all_at_once' or another instance type)",
        )
    if instance_count < 2:
        raise _FieldError(
            "traffic_shifting",
            f"{shifting!r} needs instance_count 2 or more: each step is at most half of the new fleet "
            "(use 'all_at_once' with a single instance)",
        )


def _canary_fits(instance_type: str, instance_count: int) -> bool:
    return instance_count >= 2 and instances.family(instance_type) not in _NO_GUARDRAILS_FAMILIES


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
