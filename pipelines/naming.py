"""Where each name of a deployment comes from, once: the repository root, the app's default region and prefix
(cdk.json's context, the only place they are written), and how pipelines, model package groups and stacks are
named from the prefix."""

from __future__ import annotations

import json
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
_APP_CONTEXT = json.loads((REPO_ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
# The region and prefix `make synth` deploys with unless told otherwise (`-c region=... -c prefix=...`).
DEFAULT_REGION: str = _APP_CONTEXT["region"]
DEFAULT_PREFIX: str = _APP_CONTEXT["prefix"]


def pipeline_name(prefix: str, use_case: str) -> str:
    """The deployed pipeline, its model package group and its stack are all named <prefix>-<use case>."""
    return f"{prefix}-{use_case}"


def foundation_stack(prefix: str) -> str:
    return f"{prefix}-foundation"


def endpoint_stack(pipeline: str) -> str:
    """The opt-in endpoint stack of a pipeline (`pipeline_name`)."""
    return f"{pipeline}-endpoint"
