"""The index of docs/pipelines/ (its README.md): every pipeline with its steps and cost, the prices used and their
sources, and how to regenerate the directory."""

from __future__ import annotations

from collections.abc import Sequence

from pipelines import prices
from pipelines.compiler import CompiledPipeline
from pipelines.cost import cost_totals, job_estimates
from pipelines.markdown import table, usd, usd_rate
from pipelines.pages import COMMAND, DEFAULT_PREFIX, DEFAULT_REGION, GENERATED_NOTE, REGENERATE, page_name


def _index_row(compiled: CompiledPipeline) -> tuple[str, ...]:
    names = [step["Name"] for step in compiled.steps()]
    totals = cost_totals(compiled.document, compiled.name)
    extra = " + " + ", ".join(totals.open_ended) if totals.open_ended else ""
    return (
        f"[{compiled.use_case.name}]({page_name(compiled)})",
        compiled.use_case.algorithm,
        compiled.use_case.dataset_name,
        f"{len(names)}: {' > '.join(names)}",
        usd(totals.on_demand) + extra,
        usd(totals.with_spot) + extra,
    )


def _prices_section(pipelines: Sequence[CompiledPipeline]) -> list[str]:
    estimates = (estimate for p in pipelines for estimate in job_estimates(p.document, p.name))
    entries = {name: prices.on_demand(name) for name in sorted({estimate.instance_type for estimate in estimates})}
    rows = [(f"`{name}`", usd_rate(price.usd_per_hour), ", ".join(price.sources)) for name, price in entries.items()]
    cited = sorted({key for price in entries.values() for key in price.sources})
    return [
        "## Prices",
        "",
        f"SageMaker on-demand prices in {prices.REGION} per instance-hour (`pipelines/prices.py`), read on "
        f"{prices.READ_ON}, applied alike to training, processing and batch transform jobs. The official page, "
        f"{prices.OFFICIAL_PAGE}, could not be read with the tools used (its tables load by script), so every figure "
        "comes from secondary sources that quote it: check them there before relying on the estimates.",
        "",
        *table(("instance type", "on-demand per hour", "sources"), rows),
        "",
        *(f"- {key}: {prices.SOURCES[key]}" for key in cited),
        "",
        f"Managed spot saving: {prices.SPOT_SAVING:.0%}, {prices.SPOT_SAVING_SOURCE}.",
    ]


def _regenerate_section() -> list[str]:
    return [
        "## Regenerate",
        "",
        f"`{REGENERATE}` (or `{COMMAND}`) rewrites this directory from the registered pipelines; `--check` only "
        "compares and exits 1, listing the stale files. `tests/pipelines/test_docs.py` fails when a committed page "
        "differs from what the definitions generate. Generation stops with `MissingPriceError` when a pipeline uses "
        "an instance type that `pipelines/prices.py` has no price for.",
    ]


def render_index(pipelines: Sequence[CompiledPipeline]) -> str:
    header = (
        "use case",
        "algorithm",
        "dataset",
        "steps",
        "cost per run: on-demand, upper bound",
        "with managed spot, upper bound",
    )
    sections = [
        ["# Pipelines", "", GENERATED_NOTE],
        [
            f"One page per pipeline, generated from its definition (region `{DEFAULT_REGION}`, prefix "
            f"`{DEFAULT_PREFIX}`, default parameters): step graph, parameters, training channels, quality gate, "
            "instances and estimated cost. The cost is an upper bound: every job at its maximum runtime, on-demand "
            "and with managed spot where the pipeline enables it; `+ step` names a step priced per instance-hour "
            "only (batch transform). Each page says what the estimate includes and excludes.",
        ],
        table(header, (_index_row(compiled) for compiled in pipelines)),
        _prices_section(pipelines),
        _regenerate_section(),
    ]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"
