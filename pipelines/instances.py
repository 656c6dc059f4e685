"""Instance types: which ones SageMaker offers for each kind of job, which have local NVMe storage, and the choices
an instance-type parameter offers.

Storage decides the volume key. SageMaker refuses a VolumeKmsKeyId for instance types with local instance storage
("You can't request a VolumeKmsKeyId when using an instance type with local storage", API reference: ResourceConfig,
ProcessingClusterConfig, TransformResources, HyperParameterTuningResourceConfig); their NVMe volumes are encrypted
by a hardware module on the instance. So a job's definition sets the project key exactly when its instance type has
no local storage, and the types its parameter offers all agree with that choice (see `choices`).

The types SageMaker offers per job kind are read from botocore's service model (the API's own enumerations,
installed and pinned with the SDK), so nothing here is a hand-kept copy of the API.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from pipelines.sdk import PipelineVariable

# https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceConfig.html (VolumeKmsKeyId, VolumeSizeInGB:
# "ML instance families with the NVMe-type instance storage include ml.p4d, ml.g4dn, and ml.g5"); EC2 names every
# other family with instance store volumes with a "d" after its generation (m5d, r5d, m6id, p3dn, p4de) and the
# G5/G6/P5/Trn families have NVMe without one (https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html,
# "Instance store specifications").
_LOCAL_STORAGE_FAMILY = re.compile(r"^([a-z]+\d+[a-z]*d[a-z]*|g5|g6|g6e|p5[a-z]*|trn\d+n?)$")
VOLUME_KEY_SOURCE = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceConfig.html"

# x86 CPU families the processing scripts and the built-in algorithms' CPU images run on. The developer guide
# recommends M5 and C5 for the built-in algorithms (https://docs.aws.amazon.com/sagemaker/latest/dg/
# cmn-info-instance-types.html); the memory-optimized R5 and the next Intel generation run the same x86 images, and
# R5d is the local-NVMe CPU family SageMaker offers for training and processing. Burstable (t3, *-flex), Graviton
# and newer generations are left out to keep Studio's list short; `instance_families` cannot reach them either.
CPU_FAMILIES = ("m5", "c5", "r5", "m6i", "c6i", "r6i", "r5d")

# botocore shape names of the instance-type enumerations, per kind of job.
_JOB_SHAPES = {
    "training": "TrainingInstanceType",
    "processing": "ProcessingInstanceType",
    "transform": "TransformInstanceType",
}


def family(instance_type: str) -> str:
    """'ml.g4dn.xlarge' -> 'g4dn'."""
    parts = instance_type.split(".")
    if len(parts) != 3 or parts[0] != "ml":
        raise ValueError(f"not a SageMaker instance type: {instance_type!r} (expected ml.<family>.<size>)")
    return parts[1]


def is_gpu(instance_type: str) -> bool:
    """NVIDIA GPU families are the P and G families (p3, g4dn, g5); Graviton's "g" comes after the generation."""
    return family(instance_type)[0] in "pg"


def has_local_storage(instance_type: str) -> bool:
    """True for types with local NVMe instance storage, which SageMaker encrypts itself and refuses a key for."""
    return bool(_LOCAL_STORAGE_FAMILY.match(family(instance_type)))


@cache
def offered(job: str) -> frozenset[str]:
    """The instance types SageMaker accepts for a kind of job ('training', 'processing' or 'transform')."""
    from botocore.session import get_session

    model = get_session().get_service_model("sagemaker")
    return frozenset(model.shape_for(_JOB_SHAPES[job]).enum)


def choices(default: str, uses: Sequence[tuple[str, Sequence[str]]]) -> tuple[str, ...]:
    """The EnumValues of an instance-type parameter whose default is `default` and on which jobs `uses` run, each
    (job kind, instance families): the types that every job's kind is offered on, in its families, whose storage
    agrees with the default's (all local NVMe, or all without). Ordered by the first job's families, then by size."""
    storage = has_local_storage(default)
    allowed = [
        t
        for t in frozenset.intersection(*(offered(job) for job, _ in uses))
        if all(family(t) in families for _, families in uses) and has_local_storage(t) == storage
    ]
    order = uses[0][1]
    return tuple(sorted(allowed, key=lambda t: (order.index(family(t)), _size_rank(t))))


def volume_key(instance_type, kms_key):
    """The key for a job's volume: `kms_key`, or None where the instance type has local storage. A parameter's
    default decides (its allowed values all agree with it, see `choices`)."""
    default = instance_type.default_value if isinstance(instance_type, PipelineVariable) else instance_type
    return None if has_local_storage(default) else kms_key


def _size_rank(instance_type: str) -> float:
    size = instance_type.rsplit(".", 1)[1]
    named = {"medium": 0.5, "large": 1.0, "xlarge": 2.0}
    if size in named:
        return named[size]
    multiple = size.removesuffix("xlarge")
    return 2.0 * float(multiple) if multiple.isdigit() else 1e9  # e.g. metal sizes last
