"""Use case 8: hosting fastText's pretrained language identifier lid.176 (176 languages) with BlazingText.

No training: PackageModel (downloads lid.176.bin, checks its published size and the fastText header, packs it as
model.tar.gz with model.bin at the root, as BlazingText hosting loads it) -> if the verification passed: register
the package for the BlazingText image, else fail. BlazingText hosts fastText .bin models as they are (DG blazingtext).
"""

from pipelines.algorithms import BLAZINGTEXT
from pipelines.context import PipelineContext
from pipelines.datasets import LID176
from pipelines.parameters import StandardParameters
from pipelines.recipes import register_if_passes
from pipelines.sdk import Join, JsonGet, PropertyFile
from pipelines.steps.gate import Gate
from pipelines.steps.processing import OUTPUT_ROOT, output_uri, processing_step
from pipelines.steps.register import BLAZINGTEXT_INFERENCE
from pipelines.usecase import UseCase


def build(ctx: PipelineContext, params: StandardParameters) -> list:
    verification = PropertyFile(name="Verification", output_name="verification", path="verification.json")
    package = processing_step(
        ctx,
        "PackageModel",
        script="lid176",
        instance_type=params.processing_instance_type,
        inputs={},
        outputs=("model", "verification"),
        arguments=["--source", params.input_data_uri, "--size", str(LID176.size), "--output-dir", OUTPUT_ROOT],
        property_files=[verification],
        network_isolation=False,  # it downloads the model from fastText's site (or an S3 copy)
    )
    passed = JsonGet(step_name=package.name, property_file=verification, json_path="verification.passed.value")
    gate = Gate("verification passed", passed, params.metric_threshold, higher_is_better=True)
    model_data = Join(on="/", values=[output_uri(package, "model"), "model.tar.gz"])
    register = register_if_passes(
        ctx,
        params,
        gate,
        BLAZINGTEXT,
        model_data,
        BLAZINGTEXT_INFERENCE,
        description="fastText lid.176 language identifier (176 languages), pretrained, for BlazingText hosting.",
        gate_name="CheckVerification",
    )
    return [package, register]


USE_CASE = UseCase(
    name="lid176-blazingtext",
    title="Pretrained fastText language identification (lid.176) hosted with BlazingText",
    algorithm=BLAZINGTEXT.label,
    dataset_name="fastText lid.176.bin (pretrained model, 131,266,198 bytes; no training data)",
    dataset=LID176,
    metric_threshold=1.0,  # the verification reports passed = 1
    training_instance_type=None,  # nothing is trained: no training parameters
    build=build,
)
