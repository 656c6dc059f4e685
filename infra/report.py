"""Prints what a synth produced: one row per pipeline stack (python -m infra.report cdk.out)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pipelines.definition import count_steps


def pipeline_rows(cdk_out: Path) -> list[tuple[str, str, int, int, int]]:
    """(stack, pipeline, steps, definition characters, template bytes) for every pipeline in a cloud assembly."""
    rows = []
    for template_path in sorted(cdk_out.glob("*.template.json")):
        template = json.loads(template_path.read_text())
        for resource in template.get("Resources", {}).values():
            if resource["Type"] != "AWS::SageMaker::Pipeline":
                continue
            properties = resource["Properties"]
            body = properties["PipelineDefinition"]["PipelineDefinitionBody"]["Fn::Sub"][0]
            steps = count_steps(json.loads(body))
            stack = template_path.name.removesuffix(".template.json")
            rows.append((stack, properties["PipelineName"], steps, len(body), template_path.stat().st_size))
    return rows


def main(argv: list[str]) -> int:
    cdk_out = Path(argv[0] if argv else "cdk.out")
    rows = pipeline_rows(cdk_out)
    if not rows:
        print(f"no pipeline stacks in {cdk_out}", file=sys.stderr)
        return 1
    header = ("stack", "pipeline", "steps", "definition chars", "template bytes")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
