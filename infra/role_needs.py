"""What the execution role must be allowed to do, derived from the compiled pipelines themselves: the step types
they use, the images they pull, the public datasets they read and the VPC they run in. Nothing is granted that no
pipeline needs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from infra.job_requests import job_requests
from pipelines.compiler import CompiledPipeline
from pipelines.instances import has_local_storage
from pipelines.options import BuildOptions

_ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?/(?P<repo>[^:@]+)"
)


@dataclass(frozen=True)
class EcrRepository:
    account: str
    region: str
    name: str

    @classmethod
    def of_image(cls, image_uri: str) -> EcrRepository:
        match = _ECR_IMAGE.match(image_uri)
        if not match:
            raise ValueError(f"not an ECR image URI: {image_uri!r}")
        return cls(match["account"], match["region"], match["repo"])


@dataclass(frozen=True)
class S3Read:
    """Read access to one key (or key prefix) of a bucket that is not the project's."""

    bucket: str
    key: str


@dataclass(frozen=True)
class RoleNeeds:
    step_types: frozenset[str]
    model_package_groups: tuple[str, ...]  # of the pipelines that register models
    repositories: tuple[EcrRepository, ...]
    public_reads: tuple[S3Read, ...]
    subnets: tuple[str, ...] = ()  # the jobs' VPC subnets and security groups, if they run in a VPC
    security_groups: tuple[str, ...] = ()
    # the pipelines whose networked steps run with a download role of their own (`download_role_name`)
    download_roles: tuple[str, ...] = ()
    # step type -> the local-NVMe instance types its jobs may run on, which carry no volume key
    local_storage_types: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # whether every processing job is network isolated (the pipelines' role creates the download steps' jobs too)
    isolated_processing: bool = True
    # key patterns (under the data bucket) of the training checkpoints, which SageMaker deletes in S3 when the
    # algorithm deletes them locally
    checkpoint_prefixes: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, pipelines: Iterable[CompiledPipeline], region: str, options: BuildOptions = BuildOptions()
    ) -> RoleNeeds:
        pipelines = list(pipelines)
        images = {image for pipeline in pipelines for image in pipeline.images()}
        objects = [p.use_case.dataset.s3_object(region) for p in pipelines]
        reads = {S3Read(*found) for found in objects if found is not None}
        requests = [request for pipeline in pipelines for request in job_requests(pipeline)]
        local: dict[str, set[str]] = {}
        for request in requests:
            if request.volume_key is None:
                local.setdefault(request.step_type, set()).update(filter(has_local_storage, request.instance_types))
        return cls(
            step_types=frozenset(t for pipeline in pipelines for t in pipeline.step_types()),
            model_package_groups=tuple(sorted(p.name for p in pipelines if "RegisterModel" in p.step_types())),
            repositories=tuple(sorted({EcrRepository.of_image(image) for image in images}, key=repr)),
            public_reads=tuple(sorted(reads, key=repr)),
            subnets=options.subnets,
            security_groups=options.security_groups,
            download_roles=tuple(sorted({r.pipeline for r in requests if r.uses_download_role})),
            local_storage_types=tuple((kind, tuple(sorted(types))) for kind, types in sorted(local.items()) if types),
            isolated_processing=all(r.network_isolation for r in requests if r.step_type == "Processing"),
            checkpoint_prefixes=tuple(sorted({prefix for p in pipelines for prefix in checkpoint_prefixes(p)})),
        )


def checkpoint_prefixes(pipeline: CompiledPipeline) -> list[str]:
    """The data-bucket key patterns of the pipeline's training checkpoints: s3://<bucket>/<pipeline>/<execution
    id>/<step>/checkpoints -> '<pipeline>/*/<step>/checkpoints'."""
    found = []
    for step in pipeline.steps():
        job = step.get("Arguments", {})
        job = job.get("TrainingJobDefinition", job)
        uri = job.get("CheckpointConfig", {}).get("S3Uri") if isinstance(job, dict) else None
        if uri is None:
            continue
        values = uri["Std:Join"]["Values"] if isinstance(uri, dict) else uri.split("/")
        parts = ["*" if isinstance(value, dict) else value for value in values]
        if parts[:2] != ["s3:/", "${DataBucket}"] and parts[:3] != ["s3:", "", "${DataBucket}"]:
            raise ValueError(f"{pipeline.name}: checkpoints outside the data bucket: {uri!r}")
        found.append("/".join(parts[parts.index("${DataBucket}") + 1 :]))
    return found


def download_role_name(pipeline_name: str) -> str:
    """The role of a pipeline's networked steps: named, so the execution role can pass exactly these roles."""
    return f"{pipeline_name}-download"
