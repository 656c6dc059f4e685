"""The two ways a command fails: the user asked for something impossible (exit 2), or AWS or a tool failed (exit 1)."""

from __future__ import annotations

USAGE_EXIT = 2
FAILURE_EXIT = 1


class CliError(Exception):
    """A failure main() reports as one `error: ...` line; the exit code says whose fault it was."""

    exit_code = FAILURE_EXIT


class UsageError(CliError):
    """Unknown pipeline, unknown parameter, a value of the wrong type: nothing was sent to AWS."""

    exit_code = USAGE_EXIT


class Failure(CliError):
    """AWS, the CDK CLI or the execution itself failed."""

    exit_code = FAILURE_EXIT
