"""The offline commands: list, show and definition read the pipelines this checkout would deploy; no AWS call."""

from __future__ import annotations

import argparse
import functools
from typing import TYPE_CHECKING, Any

from pipelines.cli import text
from pipelines.cli.errors import UsageError

if TYPE_CHECKING:
    from pipelines.cli.runtime import Runtime
    from pipelines.compiler import CompiledPipeline
    from pipelines.usecase import UseCase


def use_case(name: str) -> UseCase:
    # Imported here: the registry loads the SageMaker SDK (seconds), which watch and approve do not need.
    from pipelines import registry

    try:
        return registry.get(name)
    except KeyError as error:
        raise UsageError(error.args[0]) from None


def use_case_names() -> list[str]:
    from pipelines import registry

    return [case.name for case in registry.USE_CASES]


@functools.cache  # lru_cache without a size limit
def compiled_pipeline(name: str, region: str, prefix: str) -> CompiledPipeline:
    """Compiling takes a second or two: each (pipeline, region, prefix) is compiled once per process."""
    from pipelines.compiler import compile_pipeline
    from pipelines.context import ImageUnavailableError

    try:
        return compile_pipeline(use_case(name), region, prefix)
    except ImageUnavailableError as error:
        raise UsageError(f"{name} cannot be built for {region}: {error}") from None


def parameters(compiled: CompiledPipeline) -> list[dict[str, Any]]:
    """The definition's Parameters: Name, Type, DefaultValue, Description and, for some, EnumValues."""
    return list(compiled.document["Parameters"])


def list_pipelines(args: argparse.Namespace, runtime: Runtime) -> int:
    del runtime  # offline
    rows = [("name", "algorithm", "dataset", "steps")]
    for name in use_case_names():
        compiled = compiled_pipeline(name, args.region, args.prefix)
        steps = " > ".join(step["Name"] for step in compiled.steps())
        rows.append((name, compiled.use_case.algorithm, compiled.use_case.dataset_name, steps))
    _print(text.table(rows))
    return 0


def show_pipeline(args: argparse.Namespace, runtime: Runtime) -> int:
    del runtime  # offline
    compiled = compiled_pipeline(args.name, args.region, args.prefix)
    case = compiled.use_case
    print(f"{case.name}: {case.title}")
    about = [("pipeline", f"{compiled.name} ({args.region})"), ("algorithm", case.algorithm)]
    _print(text.table([*about, ("dataset", case.dataset_name)]))
    print("\nsteps")
    steps = [(f"{number}.", step["Name"], step["Type"]) for number, step in enumerate(compiled.steps(), start=1)]
    _print(text.table(steps), "  ")
    print("\nparameters")
    rows = [("name", "type", "default", "description"), *(_parameter_row(p) for p in parameters(compiled))]
    _print(text.table(rows), "  ")
    return 0


def _print(lines: list[str], indent: str = "") -> None:
    print("\n".join(indent + line for line in lines))


def _parameter_row(parameter: dict[str, Any]) -> tuple[str, str, str, str]:
    description = parameter.get("Description", "")
    allowed = [str(value) for value in parameter.get("EnumValues") or []]
    if any(value not in description for value in allowed):  # most descriptions already name them
        description += f" One of: {', '.join(allowed)}."
    default = parameter.get("DefaultValue")
    return parameter["Name"], parameter["Type"], "" if default is None else str(default), description


def print_definition(args: argparse.Namespace, runtime: Runtime) -> int:
    del runtime  # offline
    # Exactly what synth embeds in the stack: the ${...} placeholders are Fn::Sub variables, resolved at deploy.
    print(compiled_pipeline(args.name, args.region, args.prefix).definition)
    return 0


def add_commands(commands: argparse._SubParsersAction, offline: argparse.ArgumentParser) -> None:
    listing = commands.add_parser(
        "list",
        parents=[offline],
        help="list the pipelines: name, algorithm, dataset, steps",
        description="List every pipeline of this app with its algorithm, dataset and step graph (offline).",
    )
    listing.set_defaults(run=list_pipelines)
    show = commands.add_parser(
        "show",
        parents=[offline],
        help="a pipeline's algorithm, dataset, steps and parameters",
        description="Show a pipeline's algorithm, dataset, title, its steps in order and its parameters (offline).",
    )
    show.add_argument("name", metavar="NAME", help="the pipeline's use-case name, e.g. abalone-xgboost")
    show.set_defaults(run=show_pipeline)
    definition = commands.add_parser(
        "definition",
        parents=[offline],
        help="print the JSON pipeline definition synth embeds",
        description="Print the pipeline definition JSON exactly as synth embeds it, with its ${...} Fn::Sub "
        "placeholders (offline).",
    )
    definition.add_argument("name", metavar="NAME", help="the pipeline's use-case name, e.g. abalone-xgboost")
    definition.set_defaults(run=print_definition)
