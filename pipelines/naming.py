"""Where each name of a deployment comes from, once: the repository root, the app's default region and prefix
(cdk.json's context, the only place they are written), and how pipelines, model package groups and stacks are
named from the prefix."""

from __future__ import annotations

import json
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
_APP_CONTEXT = json.loads((REPO_ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
# The region and prefix `make synth` deploys with unless told otherwise (`-c region=... -c prefix=...`).
DEFAULT_REGION: str = _APP_CONTEXT["region"]
DEFAULT_PREFIX: str = _APP_CONTEXT["prefix"]


# The prefix names the pipelines, model package groups and stacks, and IAM policies are scoped to it: short (names
# stay under SageMaker's 63-character limits) and plain. The synth settings and the CLI both check it with this.
PREFIX_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,19}$")
PREFIX_RULE = "2-20 lower-case letters, digits or hyphens, starting with a letter"


def pipeline_name(prefix: str, use_case: str) -> str:
    """The deployed pipeline, its model package group and its stack are all named <prefix>-<use case>."""
    return f"{prefix}-{use_case}"


def foundation_stack(prefix: str) -> str:
    return f"{prefix}-foundation"


def endpoint_stack(pipeline: str) -> str:
    """The opt-in endpoint stack of a pipeline (`pipeline_name`)."""
    return f"{pipeline}-endpoint"
