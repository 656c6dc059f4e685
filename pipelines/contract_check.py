"""Checks every step of a compiled pipeline definition against the contracts of the algorithms it uses.

The request shapes say whether SageMaker accepts a request; the contracts say whether the algorithm can do
anything with it: its image, the instance types it trains on, its channels and their formats, the hyperparameters
it needs and how it spells them, what may be tuned and over which range, the metrics it emits (and on which
channel, in which direction) and the formats its models answer. A violation is one line naming the pipeline, the
step, the fact and the fact's source; compile_pipeline stops the synth on any.

The check reads the definition as SageMaker will (the JSON), not the objects that built it, so it sees what is
deployed. Which algorithm a step runs comes from the build (PipelineContext.uses).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pipelines import instances
from pipelines.algorithms import Algorithm
from pipelines.algorithms.contract import CHECKPOINTS_SOURCE, SPOT_WAIT_WITHOUT_CHECKPOINTS, Range, holds
from pipelines.definition import walk_steps

BOTOCORE_SOURCE = "botocore service model (the API's instance-type enumerations)"
SHARDS_SOURCE = "https://docs.aws.amazon.com/sagemaker/latest/dg/randomcutforest.html"
_FINAL_METRIC = re.compile(r"^Steps\.([^.]+)\.FinalMetricDataList\['([^']+)'\]\.Value$")
_BEST_OBJECTIVE = re.compile(r"^Steps\.([^.]+)\.BestTrainingJob\.FinalHyperParameterTuningJobObjectiveMetric\.Value$")
_STEP_OUTPUT = re.compile(r"^Steps\.([^.]+)\.ProcessingOutputConfig\.Outputs\['([^']+)'\]")
_MODEL_NAME = re.compile(r"^Steps\.([^.]+)\.ModelName$")
_MAXIMIZING = {"GreaterThanOrEqualTo", "GreaterThan"}
_MINIMIZING = {"LessThanOrEqualTo", "LessThan"}


class ContractError(ValueError):
    """A pipeline definition that breaks a fact of an algorithm's contract."""


@dataclass(frozen=True)
class Violation:
    pipeline: str
    step: str
    fact: str
    message: str
    source: str

    def __str__(self) -> str:
        return f"{self.pipeline}: step {self.step}: {self.fact}: {self.message} [{self.source}]"


def check(
    pipeline: str,
    document: Mapping,
    step_algorithms: Mapping[str, Algorithm],
    image_of: Callable[[Algorithm], str],
) -> list[Violation]:
    """Every violation of the definition `document` (a parsed pipeline definition)."""
    return list(_Checker(pipeline, document, step_algorithms, image_of).violations())


class _Checker:
    def __init__(self, pipeline, document, step_algorithms, image_of):
        self.pipeline = pipeline
        self.steps = {step["Name"]: step for step in walk_steps(document)}
        self.parameters = {parameter["Name"]: parameter for parameter in document.get("Parameters", [])}
        self.algorithms = step_algorithms
        self.image_of = image_of
        self.found: list[Violation] = []

    def violations(self) -> list[Violation]:
        for name, step in self.steps.items():
            kind = step["Type"]
            arguments = step.get("Arguments", {})
            if kind == "Training":
                self._job(name, "training", arguments["ResourceConfig"])
                self._training(name, self.algorithms.get(name), arguments, arguments.get("HyperParameters", {}))
            elif kind == "Tuning":
                definition, config = arguments["TrainingJobDefinition"], arguments["HyperParameterTuningJobConfig"]
                self._job(name, "training", definition["ResourceConfig"])
                algorithm = self.algorithms.get(name)
                tuned = {r["Name"] for ranges in config.get("ParameterRanges", {}).values() for r in ranges}
                self._training(name, algorithm, definition, definition.get("StaticHyperParameters", {}), tuned)
                if algorithm:
                    self._tuning(name, algorithm, config, definition)
            elif kind == "Processing":
                self._job(name, "processing", arguments["ProcessingResources"]["ClusterConfig"])
            elif kind == "Transform":
                self._job(name, "transform", arguments["TransformResources"])
                self._transform(name, arguments)
            elif kind in ("Model", "RegisterModel"):
                self._model(name, kind, arguments)
            elif kind == "Condition":
                for condition in arguments["Conditions"]:
                    self._condition(name, condition)
        return self.found

    def _fail(self, step: str, fact: str, message: str, source: str) -> None:
        violation = Violation(self.pipeline, step, fact, message, source)
        if violation not in self.found:  # a rule reached twice (e.g. a gate's two conditions) is reported once
            self.found.append(violation)

    # Instance types and volume keys, for every kind of job.

    def _choices(self, step: str, value) -> list[str]:
        """The instance types a job may run on: a literal, or an instance-type parameter's default and EnumValues."""
        if isinstance(value, str):
            return [value]
        name = _parameter_name(value)
        parameter = self.parameters.get(name or "")
        if parameter is None:
            self._fail(step, "instance type", f"{value} is neither a type nor a parameter", BOTOCORE_SOURCE)
            return []
        allowed = parameter.get("EnumValues")
        if not allowed:
            self._fail(step, "instance type", f"parameter {name} lists no EnumValues", BOTOCORE_SOURCE)
            return [parameter["DefaultValue"]]
        if parameter["DefaultValue"] not in allowed:
            self._fail(step, "instance type", f"{name}'s default is not among its EnumValues", BOTOCORE_SOURCE)
        return list(allowed)

    def _job(self, step: str, job: str, resources: Mapping) -> None:
        choices = self._choices(step, resources["InstanceType"])
        unknown = [t for t in choices if t not in instances.offered(job)]
        if unknown:
            self._fail(step, "instance type", f"SageMaker {job} offers no {', '.join(unknown)}", BOTOCORE_SOURCE)
        if "VolumeKmsKeyId" in resources:
            if nvme := [t for t in choices if instances.has_local_storage(t)]:
                message = f"sets a VolumeKmsKeyId, which SageMaker refuses on local-NVMe {', '.join(nvme)}"
                self._fail(step, "volume key", message, instances.VOLUME_KEY_SOURCE)
        elif ebs := [t for t in choices if not instances.has_local_storage(t)]:
            message = f"leaves the project key off the EBS volume of {', '.join(ebs)}"
            self._fail(step, "volume key", message, instances.VOLUME_KEY_SOURCE)

    # Training and tuning jobs.

    def _training(self, step, algorithm: Algorithm | None, job: Mapping, hyperparameters: Mapping, tuned=()) -> None:
        if algorithm is None:
            self._fail(step, "algorithm", "no contract recorded for this training step", "pipelines/algorithms")
            return
        image = job["AlgorithmSpecification"]["TrainingImage"]
        if image != self.image_of(algorithm):
            self._fail(step, "image", f"{image} is not {algorithm.label}'s image", algorithm.image_source)
        resources = job["ResourceConfig"]
        self._instances(step, algorithm, resources, hyperparameters)
        channels = {channel["ChannelName"]: channel for channel in job.get("InputDataConfig", [])}
        self._channels(step, algorithm, channels, hyperparameters, resources["InstanceCount"])
        self._hyperparameters(step, algorithm, hyperparameters, set(tuned))
        self._spot(step, algorithm, job)

    def _instances(self, step: str, algorithm: Algorithm, resources: Mapping, hyperparameters: Mapping) -> None:
        families = algorithm.instance_families()
        outside = [t for t in self._choices(step, resources["InstanceType"]) if instances.family(t) not in families]
        if outside:
            message = f"{algorithm.name} does not train on {', '.join(outside)} (families {', '.join(families)})"
            self._fail(step, "instances", message, algorithm.compute.source)
        count = resources["InstanceCount"]
        multi = algorithm.compute.multi_instance
        if count != 1 and not (multi is True or (multi and holds(multi, hyperparameters))):
            message = f"{algorithm.name} trains on one instance only; InstanceCount is {count}"
            self._fail(step, "single instance", message, algorithm.compute.source)

    def _channels(self, step: str, algorithm: Algorithm, channels: Mapping, hyperparameters, count) -> None:
        for name, channel in channels.items():
            spec = algorithm.channel(name)
            if spec is None or not holds(spec.when, hyperparameters):
                self._fail(step, "channels", f"{algorithm.name} reads no channel {name!r} here", _page(algorithm))
                continue
            if channel.get("ContentType") not in spec.content_types:
                accepted = ", ".join(str(t) if t else "(none)" for t in spec.content_types)
                message = f"channel {name} has ContentType {channel.get('ContentType')!r}; accepted: {accepted}"
                self._fail(step, "channel format", message, spec.source)
            distribution = channel["DataSource"]["S3DataSource"]["S3DataDistributionType"]
            if distribution not in spec.distributions:
                message = f"channel {name} is {distribution}; {algorithm.name} accepts {', '.join(spec.distributions)}"
                self._fail(step, "channel distribution", message, spec.source)
            elif distribution == "ShardedByS3Key" and count != 1:
                self._shards(step, name, channel, count)
        for spec in algorithm.channels:
            if spec.required and spec.name not in channels:
                self._fail(step, "channels", f"required channel {spec.name} is missing", spec.source)

    def _shards(self, step: str, name: str, channel: Mapping, count) -> None:
        """A channel split by S3 key over several instances needs a file per instance: its producer must write
        as many shards as there are instances."""
        source = _parameter_path(channel["DataSource"]["S3DataSource"]["S3Uri"])
        match = _STEP_OUTPUT.match(source or "")
        arguments = self.steps.get(match.group(1), {}).get("Arguments", {}) if match else {}
        container = arguments.get("AppSpecification", {}).get("ContainerArguments", [])
        shards = [container[i + 1] for i, part in enumerate(container[:-1]) if part == "--shards"]
        if not any(_same_count(value, count) for value in shards):
            message = f"channel {name} is ShardedByS3Key over {count} instances, but its files are not one per instance"
            self._fail(step, "shards", message, SHARDS_SOURCE)

    def _hyperparameters(self, step: str, algorithm: Algorithm, hyperparameters: Mapping, tuned: set[str]) -> None:
        missing = [name for name in algorithm.required if name not in hyperparameters and name not in tuned]
        if missing:
            self._fail(step, "hyperparameters", f"required {', '.join(missing)} not set", algorithm.required_source)
        for name, allowed in algorithm.spellings.items():
            if name not in hyperparameters:
                continue
            values = self._values(hyperparameters[name])
            wrong = [value for value in values if value not in allowed]
            if wrong:
                message = f"{name} = {', '.join(map(repr, wrong))}; {algorithm.name} spells it {' or '.join(allowed)}"
                self._fail(step, "hyperparameter spelling", message, algorithm.spellings_source)

    def _values(self, value) -> list:
        """A hyperparameter's possible values: the literal, or a string parameter's default and EnumValues."""
        if isinstance(value, str):
            return [value]
        parameter = self.parameters.get(_parameter_name(_joined(value)) or "")
        if parameter is None:
            return []  # computed at run time (e.g. counts from stats.json): nothing to spell
        return [parameter["DefaultValue"], *parameter.get("EnumValues", [])]

    def _spot(self, step: str, algorithm: Algorithm, job: Mapping) -> None:
        if "CheckpointConfig" in job and not algorithm.checkpoints:
            self._fail(step, "checkpoints", f"{algorithm.name} does not resume from checkpoints", CHECKPOINTS_SOURCE)
        wait = job.get("StoppingCondition", {}).get("MaxWaitTimeInSeconds")
        unresumable_spot = job.get("EnableManagedSpotTraining") and "CheckpointConfig" not in job
        if unresumable_spot and (wait is None or wait > SPOT_WAIT_WITHOUT_CHECKPOINTS):
            message = f"spot without checkpoints may wait {SPOT_WAIT_WITHOUT_CHECKPOINTS} s at most, not {wait}"
            self._fail(step, "spot", message, CHECKPOINTS_SOURCE)

    def _tuning(self, step: str, algorithm: Algorithm, config: Mapping, definition: Mapping) -> None:
        objective = config["HyperParameterTuningJobObjective"]
        statics = definition.get("StaticHyperParameters", {})
        self._metric(
            step,
            algorithm,
            objective["MetricName"],
            statics,
            job=definition,
            maximizing=objective["Type"] == "Maximize",
        )
        for kind, ranges in config.get("ParameterRanges", {}).items():
            for tuned in ranges:
                self._range(step, algorithm, kind.removesuffix("ParameterRanges"), tuned)

    def _range(self, step: str, algorithm: Algorithm, kind: str, tuned: Mapping) -> None:
        spec = algorithm.range(tuned["Name"])
        if spec is None:
            names = ", ".join(r.name for r in algorithm.tunable) or "none"
            self._fail(step, "tuning", f"{tuned['Name']} is not tunable (tunable: {names})", _tuning_page(algorithm))
            return
        if spec.kind != kind:
            self._fail(step, "tuning", f"{spec.name} is tuned as {kind}, not {spec.kind}", spec.source)
        elif kind == "Categorical":
            outside = [value for value in tuned["Values"] if value not in spec.values]
            if outside:
                message = f"{spec.name} values {', '.join(outside)} are not among {', '.join(spec.values)}"
                self._fail(step, "tuning", message, spec.source)
        else:
            self._bounds(step, spec, tuned)

    def _bounds(self, step: str, spec: Range, tuned: Mapping) -> None:
        low, high = spec.bounds()
        if float(tuned["MinValue"]) < low or float(tuned["MaxValue"]) > high:
            message = (
                f"{spec.name} tuned over [{tuned['MinValue']}, {tuned['MaxValue']}], beyond the recommended "
                f"[{low:g}, {high:g}]"
            )
            self._fail(step, "tuning", message, spec.source)

    # Metrics read by the quality gates.

    def _condition(self, step: str, condition: Mapping) -> None:
        left = _parameter_path(condition.get("LeftValue"))
        maximizing = condition["Type"] in _MAXIMIZING
        if not maximizing and condition["Type"] not in _MINIMIZING:
            return
        if match := _FINAL_METRIC.match(left or ""):
            producer, metric = match.groups()
            algorithm = self.algorithms.get(producer)
            if algorithm:
                job = self.steps[producer]["Arguments"]
                self._metric(step, algorithm, metric, job.get("HyperParameters", {}), job=job, maximizing=maximizing)
        elif match := _BEST_OBJECTIVE.match(left or ""):
            tuning = self.steps[match.group(1)]["Arguments"]["HyperParameterTuningJobConfig"]
            objective = tuning["HyperParameterTuningJobObjective"]
            if (objective["Type"] == "Maximize") != maximizing:
                message = f"compares {objective['MetricName']} as if {'higher' if maximizing else 'lower'} were better"
                self._fail(step, "metric direction", message, "the tuning job's own objective type")

    def _metric(self, step, algorithm: Algorithm, name: str, hyperparameters, *, job, maximizing: bool) -> None:
        spec = _known_metric(algorithm, name)
        if spec is None:
            emitted = ", ".join(m.name for m in algorithm.metrics) or "none"
            self._fail(
                step, "metric", f"{algorithm.name} emits no {name} (it emits {emitted})", _tuning_page(algorithm)
            )
            return
        if not holds(spec.when, hyperparameters):
            needs = "; ".join(f"{k} in {', '.join(map(str, v))}" for k, v in spec.when.items())
            self._fail(step, "metric", f"{name} is emitted only with {needs}", spec.source)
        channels = {channel["ChannelName"] for channel in job.get("InputDataConfig", [])}
        if spec.channel not in channels and spec.channel != "train":
            self._fail(step, "metric", f"{name} needs a {spec.channel} channel", spec.source)
        if spec.maximize != maximizing:
            better = "higher" if spec.maximize else "lower"
            self._fail(step, "metric direction", f"{name} is better when {better}", spec.source)

    # Models: registered packages, models for batch transform, and the transforms themselves.

    def _model(self, step: str, kind: str, arguments: Mapping) -> None:
        algorithm = self.algorithms.get(step)
        if algorithm is None:
            self._fail(step, "algorithm", "no contract recorded for this model", "pipelines/algorithms")
            return
        if kind == "Model":
            images = [arguments["PrimaryContainer"]["Image"]]
        else:
            images = [container["Image"] for container in arguments["InferenceSpecification"]["Containers"]]
        if any(image != self.image_of(algorithm) for image in images):
            self._fail(step, "image", f"{', '.join(images)} is not {algorithm.label}'s image", algorithm.image_source)
        if kind == "RegisterModel":
            self._inference(step, algorithm, arguments["InferenceSpecification"])

    def _inference(self, step: str, algorithm: Algorithm, specification: Mapping) -> None:
        inference = algorithm.inference
        requests = [t for t in specification["SupportedContentTypes"] if t not in inference.content_types]
        responses = [t for t in specification["SupportedResponseMIMETypes"] if t not in inference.response_types]
        if requests or responses:
            message = f"{algorithm.name} models do not take {', '.join(requests + responses)}"
            self._fail(step, "inference formats", message, inference.source)
        kinds = ("SupportedRealtimeInferenceInstanceTypes", "SupportedTransformInstanceTypes")
        hosts = [t for key in kinds for t in specification.get(key, [])]
        wrong = [t for t in hosts if not (inference.gpu if instances.is_gpu(t) else inference.cpu)]
        if wrong:
            self._fail(step, "inference instances", f"{algorithm.name} models do not run on {', '.join(wrong)}",
                       inference.source)  # fmt: skip

    def _transform(self, step: str, arguments: Mapping) -> None:
        match = _MODEL_NAME.match(_parameter_path(arguments["ModelName"]) or "")
        algorithm = self.algorithms.get(match.group(1)) if match else None
        if algorithm is None:
            self._fail(step, "algorithm", "the transform's model has no recorded contract", "pipelines/algorithms")
            return
        request = arguments["TransformInput"].get("ContentType")
        accept = arguments["TransformOutput"].get("Accept")
        inference = algorithm.inference
        if request not in inference.content_types or accept not in inference.response_types:
            message = f"{algorithm.name} models do not take {request} with Accept {accept}"
            self._fail(step, "inference formats", message, inference.source)


def _parameter_path(value) -> str | None:
    return value["Get"] if isinstance(value, Mapping) and set(value) == {"Get"} else None


def _parameter_name(value) -> str | None:
    path = _parameter_path(value)
    return path.split(".", 1)[1] if path and path.startswith("Parameters.") else None


def _joined(value):
    """The single value inside a Std:Join of one element (how a parameter becomes a string hyperparameter)."""
    if isinstance(value, Mapping) and "Std:Join" in value and len(value["Std:Join"]["Values"]) == 1:
        return value["Std:Join"]["Values"][0]
    return value


def _same_count(value, count) -> bool:
    return value == count or _joined(value) == count or (isinstance(count, int) and value == str(count))


def _known_metric(algorithm: Algorithm, name: str):
    return next((spec for spec in algorithm.metrics if spec.name == name), None)


def _page(algorithm: Algorithm) -> str:
    return algorithm.channels[0].source if algorithm.channels else algorithm.image_source


def _tuning_page(algorithm: Algorithm) -> str:
    sources = [spec.source for spec in algorithm.metrics] + [spec.source for spec in algorithm.tunable]
    return sources[0] if sources else algorithm.compute.source
