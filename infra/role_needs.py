"""What the execution role must be allowed to do, derived from the compiled pipelines themselves: the step types
they use, the images they pull, the public datasets they read and the VPC they run in. Nothing is granted that no
pipeline needs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.compiler import CompiledPipeline
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

    @classmethod
    def of(
        cls, pipelines: Iterable[CompiledPipeline], region: str, options: BuildOptions = BuildOptions()
    ) -> RoleNeeds:
        pipelines = list(pipelines)
        images = {image for pipeline in pipelines for image in pipeline.images()}
        objects = [p.use_case.dataset.s3_object(region) for p in pipelines]
        reads = {S3Read(*found) for found in objects if found is not None}
        return cls(
            step_types=frozenset(t for pipeline in pipelines for t in pipeline.step_types()),
            model_package_groups=tuple(sorted(p.name for p in pipelines if "RegisterModel" in p.step_types())),
            repositories=tuple(sorted({EcrRepository.of_image(image) for image in images}, key=repr)),
            public_reads=tuple(sorted(reads, key=repr)),
            subnets=options.subnets,
            security_groups=options.security_groups,
        )
