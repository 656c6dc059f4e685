"""approve and models: the model package group a pipeline registers into, and the manual approval gate."""

from __future__ import annotations

import argparse
from typing import Any

from pipelines.cli import aws, catalog, cdk, text
from pipelines.cli.runtime import Runtime


def approve(args: argparse.Namespace, runtime: Runtime) -> int:
    arn_region = aws.model_package_region(args.model_package_arn)  # also checks the ARN's form
    region = args.region or arn_region
    status = "Rejected" if args.reject else "Approved"
    request = {"ModelPackageArn": args.model_package_arn, "ModelApprovalStatus": status}
    if args.note is not None:
        request["ApprovalDescription"] = args.note
    client = runtime.sagemaker(region)
    with aws.missing_resource_means(f"no model package {args.model_package_arn} in {region}"):
        client.update_model_package(**request)
    print(f"{status}: {args.model_package_arn}")
    return 0


def list_models(args: argparse.Namespace, runtime: Runtime) -> int:
    catalog.use_case(args.name)  # an unknown name is a usage error, not an empty group
    region = args.region or aws.default_region()
    group = aws.pipeline_name(args.prefix, args.name)
    client = runtime.sagemaker(region)
    with aws.missing_resource_means(no_group(group, region, args.prefix)):
        summaries = model_packages(client, ModelPackageGroupName=group, SortBy="CreationTime", SortOrder="Descending")
    if not summaries:
        print(f"no model packages in {group} ({region}): an execution registers one when its model passes the gate")
        return 0
    rows = [("version", "status", "created", "metrics", "arn")]
    rows += [_package_row(client.describe_model_package(ModelPackageName=s["ModelPackageArn"])) for s in summaries]
    print("\n".join(text.table(rows)))
    return 0


def no_group(group: str, region: str, prefix: str) -> str:
    """What a missing group means: the pipeline stack, which creates it, is not deployed."""
    hint = cdk.deploy_hint(group, region, prefix)  # the group is named like the pipeline stack
    return f"no model package group {group} in {region}: deploy the pipeline with `{hint}`"


def model_packages(client: Any, **filters: Any) -> list[dict[str, Any]]:
    pages = client.get_paginator("list_model_packages").paginate(**filters)
    return [summary for page in pages for summary in page["ModelPackageSummaryList"]]


def latest_approved(client: Any, group: str) -> str | None:
    """The newest Approved package of the group, or None."""
    response = client.list_model_packages(
        ModelPackageGroupName=group,
        ModelApprovalStatus="Approved",
        SortBy="CreationTime",
        SortOrder="Descending",
        MaxResults=1,
    )
    summaries = response["ModelPackageSummaryList"]
    return summaries[0]["ModelPackageArn"] if summaries else None


def _package_row(package: dict[str, Any]) -> tuple[str, str, str, str, str]:
    metrics = package.get("ModelMetrics", {}).get("ModelQuality", {}).get("Statistics", {}).get("S3Uri", "-")
    return (
        str(package.get("ModelPackageVersion", "-")),
        package.get("ModelApprovalStatus", "-"),
        text.utc_minute(package["CreationTime"]),
        metrics,
        package["ModelPackageArn"],
    )


def add_commands(commands: argparse._SubParsersAction, online: argparse.ArgumentParser) -> None:
    approving = commands.add_parser(
        "approve",
        parents=[online],
        help="approve (or reject) a registered model package",
        description="Set a model package's approval status to Approved (or Rejected with --reject). The region "
        "defaults to the one in the ARN.",
    )
    approving.add_argument(
        "model_package_arn", metavar="MODEL_PACKAGE_ARN", help="the package to approve (see `models`)"
    )
    approving.add_argument("--reject", action="store_true", help="reject the package instead of approving it")
    approving.add_argument("--note", metavar="TEXT", help="why: stored as the package's ApprovalDescription")
    approving.set_defaults(run=approve)
    listing = commands.add_parser(
        "models",
        parents=[online],
        help="the model packages a pipeline registered, newest first",
        description="List the model packages of the group <prefix>-NAME, newest first: version, approval status, "
        "creation time, model metrics S3 URI and ARN.",
    )
    listing.add_argument("name", metavar="NAME", help="the pipeline's use-case name, e.g. abalone-xgboost")
    listing.set_defaults(run=list_models)
