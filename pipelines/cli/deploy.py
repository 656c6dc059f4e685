"""deploy: put an approved model package behind a real-time endpoint with the opt-in endpoint stack."""

from __future__ import annotations

import argparse
import json
import shlex
from typing import Any

from pipelines import naming
from pipelines.cli import aws, catalog, cdk, models
from pipelines.cli.errors import Failure, UsageError
from pipelines.cli.runtime import Runtime


def deploy(args: argparse.Namespace, runtime: Runtime) -> int:
    catalog.use_case(args.name)
    if args.model_package:
        # The ARN names the package's region: the endpoint stack must be deployed there.
        arn_region = aws.model_package_region(args.model_package)  # also checks the ARN's form
        region = args.region or arn_region
        package = args.model_package
    else:
        region = args.region or aws.default_region()
        package = _latest_approved(runtime, region, args.prefix, args.name)
    command = endpoint_deploy_command(args, package, region)
    if args.dry_run:
        print(shlex.join(command))
        return 0
    if not args.model_package:
        _confirm(runtime, package, command[2])
    print(f"deploying {package}\n$ {shlex.join(command)}", flush=True)
    exit_code = runtime.run(command, cdk.ROOT)
    if exit_code != 0:
        raise Failure(f"cdk deploy failed with exit code {exit_code}")
    return 0


def _confirm(runtime: Runtime, package: str, stack: str) -> None:
    """A package the CLI chose itself is deployed only after a person has seen which one it is."""
    if not runtime.confirm(f"deploy {package} to the endpoint stack {stack}?"):
        raise UsageError(
            f"not deployed: the newest approved package is {package}; confirm on a terminal, or name it with "
            f"--model-package {package}"
        )


def _latest_approved(runtime: Runtime, region: str, prefix: str, name: str) -> str:
    group = aws.pipeline_name(prefix, name)
    with aws.missing_resource_means(models.no_group(group, region, prefix)):
        package = models.latest_approved(runtime.sagemaker(region), group)
    if package is None:
        raise Failure(
            f"no approved model package in {group} ({region}): approve one with "
            f"`python -m pipelines approve MODEL_PACKAGE_ARN` (see `python -m pipelines models NAME`)"
        )
    return package


def endpoint_deploy_command(args: argparse.Namespace, package: str, region: str) -> list[str]:
    """The endpoint stack is opt-in: it exists only for the use cases named in the `endpoints` context."""
    endpoint: dict[str, Any] = {"model_package_arn": package}
    if args.instance_type is not None:
        endpoint["instance_type"] = args.instance_type
    if args.instance_count is not None:
        endpoint["instance_count"] = args.instance_count
    stack = naming.endpoint_stack(aws.pipeline_name(args.prefix, args.name))
    return [
        # broadening: cdk asks before it widens IAM or security groups, rather than deploying any change unseen.
        cdk.CDK, "deploy", stack, "--exclusively", "--require-approval", "broadening",
        "-c", f"endpoints={json.dumps({args.name: endpoint}, separators=(',', ':'))}",
        *cdk.context_overrides(region, args.prefix),
    ]  # fmt: skip


def _instance_count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of instances of at least 1, got {text!r}")
    return int(text)


def add_commands(commands: argparse._SubParsersAction, online: argparse.ArgumentParser) -> None:
    deploying = commands.add_parser(
        "deploy",
        parents=[online],
        help="deploy a model package to a real-time endpoint (CDK)",
        description="Deploy the endpoint stack <prefix>-NAME-endpoint with the project's CDK CLI, serving the "
        "given model package or, by default, the newest Approved package of the group <prefix>-NAME, after you "
        "confirm it on the terminal.",
    )
    deploying.add_argument("name", metavar="NAME", help="the pipeline's use-case name, e.g. abalone-xgboost")
    deploying.add_argument("--model-package", metavar="ARN", help="the package to serve (default: newest Approved)")
    deploying.add_argument("--instance-type", metavar="T", help="endpoint instance type, e.g. ml.m5.large")
    deploying.add_argument("--instance-count", type=_instance_count, metavar="N", help="endpoint instance count")
    deploying.add_argument("--dry-run", action="store_true", help="print the cdk command instead of running it")
    deploying.set_defaults(run=deploy)
