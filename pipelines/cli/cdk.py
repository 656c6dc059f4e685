"""The project's CDK CLI and the context it deploys with."""

from __future__ import annotations

import json
import shlex

from pipelines import naming

ROOT = naming.REPO_ROOT  # cdk.json, node_modules
CDK = "node_modules/.bin/cdk"  # the version pinned in package.json, relative to ROOT


def context_overrides(region: str, prefix: str) -> list[str]:
    """-c region/prefix where they differ from cdk.json: the stack must be the one of the region and prefix the CLI
    looked the model package up in, not whatever cdk.json pins."""
    pinned = _cdk_json_context()
    overrides: list[str] = []
    for key, value in (("region", region), ("prefix", prefix)):
        if pinned.get(key) != value:
            overrides += ["-c", f"{key}={value}"]
    return overrides


def deploy_hint(stack: str, region: str, prefix: str) -> str:
    return shlex.join([CDK, "deploy", stack, *context_overrides(region, prefix)])


def _cdk_json_context() -> dict:
    try:
        return json.loads((ROOT / "cdk.json").read_text()).get("context", {})
    except (OSError, ValueError):
        return {}
