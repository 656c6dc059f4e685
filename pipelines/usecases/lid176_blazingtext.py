"""Use case 8: hosting fastText's pretrained language identifier lid.176 (176 languages) with BlazingText.

No training: PackageModel (downloads lid.176.bin, checks its published size and the fastText header, packs it as
model.tar.gz with model.bin at the root, as BlazingText hosting loads it; writes the language test, 60 sentences in
20 languages) -> CreateModel (the BlazingText image with that package) -> LanguageTest (a batch transform of the
sentences, JSON Lines) -> Evaluate (accuracy of the top label against the sentences' languages, and the accuracy of
always answering one language) -> if the accuracy >= MetricThreshold and beats that baseline: register the package
with the report, else fail. The gate thus runs the model in the very container an endpoint would, on real input.
BlazingText hosts fastText .bin models as they are (DG blazingtext).
"""

from pipelines.algorithms import BLAZINGTEXT
from pipelines.context import PipelineContext
from pipelines.datasets import LID176
from pipelines.parameters import StandardParameters
from pipelines.recipes import model_and_transform, register_if_passes
from pipelines.sdk import Join
from pipelines.steps.evaluation import evaluation_step
from pipelines.steps.gate import Gate
from pipelines.steps.processing import OUTPUT_ROOT, output_uri, processing_step
from pipelines.usecase import BaselineNote, UseCase

JSON_LINES = "application/jsonlines"  # BlazingText batch transform: Content-Type and Accept both JSON Lines


def build(ctx: PipelineContext, params: StandardParameters) -> list:
    package = processing_step(
        ctx,
        "PackageModel",
        script="lid176",
        instance_type=params.processing_instance_type,
        inputs={},
        outputs=("model", "verification", "language_test"),
        arguments=["--source", params.input_data_uri, "--size", str(LID176.size), "--output-dir", OUTPUT_ROOT],
        network_isolation=False,  # it downloads the model from fastText's site (or an S3 copy)
    )
    model_data = Join(on="/", values=[output_uri(package, "model"), "model.tar.gz"])
    language_test = output_uri(package, "language_test")
    sentences = Join(on="/", values=[language_test, "sentences.jsonl"])  # not languages.txt beside it
    model, transform = model_and_transform(
        ctx, params, BLAZINGTEXT, model_data, sentences, ("CreateModel", "LanguageTest"), JSON_LINES, JSON_LINES
    )
    evaluation = evaluation_step(
        ctx,
        script="evaluate_language_id",
        image=None,
        instance_type=params.processing_instance_type,
        inputs={"predictions": transform.properties.TransformOutput.S3OutputPath, "languages": language_test},
    )
    accuracy = evaluation.metric("language_id_metrics.accuracy.value")
    gate = Gate("language accuracy", accuracy, params.metric_threshold, True, evaluation.baseline())
    register = register_if_passes(
        ctx,
        params,
        gate,
        BLAZINGTEXT,
        model_data,
        description="fastText lid.176 language identifier (176 languages), pretrained, for BlazingText hosting.",
        gate_name="CheckAccuracy",
        model_metrics=evaluation.model_metrics(),
    )
    return [package, model, transform, evaluation.step, register]


USE_CASE = UseCase(
    name="lid176-blazingtext",
    title="Pretrained fastText language identification (lid.176) hosted with BlazingText",
    algorithms=(BLAZINGTEXT,),
    dataset_name="fastText lid.176.bin (pretrained model, 131,266,198 bytes; no training data)",
    dataset=LID176,
    metric_threshold=0.9,
    baseline=BaselineNote(
        value=0.05,
        model="always the same language",
        source="the language test's 60 sentences, 3 in each of 20 languages: 3 / 60; the evaluation step computes it",
    ),
    trains=False,  # nothing is trained: no training parameters
    build=build,
)
