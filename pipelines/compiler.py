"""Turns a use case into its pipeline definition: JSON text with Fn::Sub placeholders, built offline by the SDK."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from pipelines import contract_check, instances, placeholders
from pipelines.algorithms import Algorithm
from pipelines.builder import PipelineBuilder
from pipelines.context import PipelineContext
from pipelines.definition import walk_steps
from pipelines.options import BuildOptions
from pipelines.parameters import DESCRIPTIONS, StandardParameters
from pipelines.sdk import Pipeline, quiet
from pipelines.usecase import UseCase

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
# SageMaker's CreatePipeline limit on the definition (characters).
MAX_DEFINITION_CHARS = 1_048_576
MAX_DESCRIPTION_CHARS = 3072


class DefinitionError(ValueError):
    """A definition that could not be deployed as it is."""


@dataclass(frozen=True)
class CompiledPipeline:
    use_case: UseCase
    name: str
    definition: str  # canonical JSON (sorted keys, compact) holding ${...} placeholders
    # step name -> the algorithm the step runs or hosts (what the contract check holds it to)
    step_algorithms: Mapping[str, Algorithm] = field(default_factory=dict, compare=False, hash=False)

    @cached_property
    def document(self) -> dict:
        return json.loads(self.definition)

    def steps(self) -> Iterator[dict]:
        """Every step, including those nested in condition branches, in definition order."""
        return walk_steps(self.document)

    def step_types(self) -> set[str]:
        return {step["Type"] for step in self.steps()}

    def images(self) -> set[str]:
        """Every container image URI the pipeline's jobs and models run."""
        return {value for key, value in _walk(self.document) if key in _IMAGE_KEYS and isinstance(value, str)}

    def registered_content_types(self) -> list[str]:
        """The request content types of the model the pipeline registers (empty if it registers none)."""
        for step in self.steps():
            if step["Type"] == "RegisterModel":
                return list(step["Arguments"]["InferenceSpecification"]["SupportedContentTypes"])
        return []

    def placeholders(self) -> set[str]:
        return {name for name in _SUB_VARIABLE.findall(self.definition) if not name.startswith("AWS::")}

    @property
    def description(self) -> str:
        parameters = " ".join(f"{p['Name']}: {p['Description']}" for p in self.document["Parameters"])
        text = f"{self.use_case.title} ({self.use_case.algorithm}; {self.use_case.dataset_name}). {parameters}"
        return text[:MAX_DESCRIPTION_CHARS]


_IMAGE_KEYS = {"ImageUri", "TrainingImage", "Image"}


def _walk(node) -> Iterator[tuple[str, object]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


# (use case, region, prefix, options) -> its compiled pipeline. The cached value holds the use case, so its id is
# never reused for another while the entry exists.
_COMPILED: dict[tuple[int, str, str, BuildOptions], CompiledPipeline] = {}


def compile_pipeline(
    use_case: UseCase, region: str, prefix: str, options: BuildOptions = BuildOptions()
) -> CompiledPipeline:
    """The use case's pipeline for one deployment. Compiling takes a second or two and the result never changes
    within a process (the app, the docs and the CLI may each ask for it), so each is compiled once per process."""
    key = (id(use_case), region, prefix, options)
    if key not in _COMPILED:
        _COMPILED[key] = _compile(use_case, region, prefix, options)
    return _COMPILED[key]


def _compile(use_case: UseCase, region: str, prefix: str, options: BuildOptions) -> CompiledPipeline:
    params = StandardParameters.of(use_case, region, options)
    with quiet():
        ctx = PipelineContext(region=region, prefix=prefix, use_case=use_case.name, options=options)
        builder = PipelineBuilder(ctx, params)
        use_case.build(builder)
        allow_instance_types(ctx, params.as_list())
        # No Experiments trial per execution: the SDK's default differs by region, and it would need the role to
        # create experiment entities; executions and lineage are tracked by Pipelines itself.
        pipeline = Pipeline(
            ctx.pipeline_name,
            parameters=[*params.as_list(), *(parameter for parameter, _ in ctx.extra_parameters.values())],
            steps=builder.steps,
            sagemaker_session=ctx.session,
            pipeline_experiment_config=None,
        )
        document = json.loads(pipeline.definition())
    extra = {name: description for name, (_, description) in ctx.extra_parameters.items()}
    _describe_parameters(document, ctx.pipeline_name, {**DESCRIPTIONS, **extra})
    definition = json.dumps(document, sort_keys=True, separators=(",", ":"))
    compiled = CompiledPipeline(use_case, ctx.pipeline_name, definition, dict(ctx.step_algorithms))
    _check(compiled)
    violations = contract_check.check(compiled.name, compiled.document, ctx.step_algorithms, ctx.algorithm_image)
    violations += _gate_violations(compiled)
    if violations:
        raise contract_check.ContractError("\n".join(map(str, violations)))
    return compiled


def allow_instance_types(ctx: PipelineContext, parameters) -> None:
    """Gives each instance-type parameter its EnumValues: the types every job that runs on it supports, of the
    storage kind of its default, which decided the jobs' volume key (pipelines.instances.choices). Studio then
    shows a list, and `python -m pipelines start` refuses any other type before it calls AWS."""
    for parameter in parameters:
        uses = ctx.instance_uses.get(parameter.name)
        if not uses:
            continue
        allowed = instances.choices(parameter.default_value, uses)
        if parameter.default_value not in allowed:
            jobs = " and ".join(dict.fromkeys(job for job, _ in uses))
            families = ", ".join(dict.fromkeys(f for _, fs in uses for f in fs))
            raise DefinitionError(
                f"{ctx.use_case}: instance type {parameter.default_value} is not one its {jobs} jobs run on "
                f"(families {families}, as SageMaker offers them); check the instance_families setting"
            )
        parameter.enum_values = list(allowed)


def _gate_violations(compiled: CompiledPipeline) -> list[contract_check.Violation]:
    """A pipeline whose data has a trivial baseline computed at run time must gate on beating it: the condition
    before RegisterModel compares the metric with the Baseline property (pipelines.steps.gate)."""
    if not compiled.use_case.baseline.at_run_time:
        return []
    for step in compiled.steps():
        if step["Type"] == "Condition" and any(s["Type"] == "RegisterModel" for s in step["Arguments"]["IfSteps"]):
            if any(_is_baseline(condition.get("RightValue")) for condition in step["Arguments"]["Conditions"]):
                return []
            message = "the quality gate does not compare the metric with the trivial baseline computed at run time"
            return [contract_check.Violation(compiled.name, step["Name"], "gate baseline", message, __name__)]
    return []


def _describe_parameters(document: dict, pipeline_name: str, descriptions: dict[str, str]) -> None:
    """Studio shows a parameter's Description (part of the definition schema); the SDK has no field for it."""
    for parameter in document["Parameters"]:
        if parameter["Name"] not in descriptions:
            raise DefinitionError(f"{pipeline_name}: parameter {parameter['Name']} has no description")
        parameter["Description"] = descriptions[parameter["Name"]]


def _check(compiled: CompiledPipeline) -> None:
    unknown = compiled.placeholders() - set(placeholders.NAMES)
    if unknown:
        raise DefinitionError(f"{compiled.name}: unknown placeholders {sorted(unknown)} (Fn::Sub would fail)")
    if len(compiled.definition) > MAX_DEFINITION_CHARS:
        raise DefinitionError(
            f"{compiled.name}: definition has {len(compiled.definition)} characters, over SageMaker's "
            f"{MAX_DEFINITION_CHARS}"
        )


def _is_baseline(value: object) -> bool:
    """A JsonGet of a trivial baseline's value: baseline.json's "value" or an evaluation report's "baseline.value"."""
    reading = value.get("Std:JsonGet") if isinstance(value, dict) else None
    return isinstance(reading, dict) and reading.get("Path") in ("value", "baseline.value")
