"""Operations command line of the pipelines: `python -m pipelines COMMAND` (see `python -m pipelines --help`).

Offline: list, show, definition, docs. On AWS: start, watch, cost, approve, models, deploy. Every failure is one
`error: ...` line on stderr: exit 2 when the request itself is wrong (unknown pipeline or parameter), 1 when AWS, the
CDK or the execution failed; --debug adds the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from typing import NoReturn

from pipelines import naming
from pipelines.cli import aws, catalog, cost, deploy, docs, executions, models
from pipelines.cli.errors import USAGE_EXIT, CliError, Failure
from pipelines.cli.runtime import Runtime

__all__ = ["Runtime", "main", "parser"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # Same `error: ` line as every other failure; the usage after it says what was expected.
        self.exit(USAGE_EXIT, f"error: {message}\n{self.format_usage()}")


def _common_options(region_default: str | None, region_help: str) -> argparse.ArgumentParser:
    options = _Parser(add_help=False)
    options.add_argument("--region", default=region_default, help=region_help)
    prefix_help = f"name prefix of the deployment (default {aws.DEFAULT_PREFIX}): pipeline, model package group and "
    prefix_help += "stack are <prefix>-NAME"
    options.add_argument("--prefix", type=_prefix, default=aws.DEFAULT_PREFIX, help=prefix_help)
    options.add_argument("--debug", action="store_true", help="show the traceback of an error")
    return options


def _prefix(text: str) -> str:
    """The deployment prefix, checked as the synth settings check it: it ends up in stack names and cdk's argv."""
    if not naming.PREFIX_PATTERN.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{naming.PREFIX_RULE}, got {text!r}")
    return text


def parser() -> argparse.ArgumentParser:
    root = _Parser(prog="python -m pipelines", description="Build, run and deploy the SageMaker pipelines of this app.")
    commands = root.add_subparsers(dest="command", required=True)
    offline = _common_options(aws.FALLBACK_REGION, f"region to build for (default {aws.FALLBACK_REGION})")
    online = _common_options(
        None, f"AWS region (default: the one of the ARN, else of the AWS config/env, else {aws.FALLBACK_REGION})"
    )
    catalog.add_commands(commands, offline)
    docs.add_commands(commands, offline)
    executions.add_commands(commands, online)
    cost.add_commands(commands, online)
    models.add_commands(commands, online)
    deploy.add_commands(commands, online)
    return root


def main(argv: list[str] | None = None, runtime: Runtime | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args, runtime or Runtime())
    except BrokenPipeError:
        return _reader_went_away()
    except Exception as error:  # every failure ends as one line (with the traceback before it under --debug)
        failure = _as_cli_error(error)
        if args.debug:
            traceback.print_exc()
        print(f"error: {failure}", file=sys.stderr)
        return failure.exit_code


def _reader_went_away() -> int:
    # `... | head` closed the pipe: not an error. Point stdout at /dev/null so that the flush at exit stays quiet.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0


def _as_cli_error(error: Exception) -> CliError:
    if isinstance(error, CliError):
        return error
    explained = aws.explain(error)
    if explained is not None:
        return explained
    return Failure(f"unexpected {type(error).__name__}: {error} (run with --debug for the traceback)")
