"""Use case 8: hosting fastText's pretrained language identifier lid.176 (176 languages) with BlazingText.

No training: Download (lid.176.bin, checked against its pinned SHA-256 and published size; the only step with
network access) -> PackageModel (checks the size again and the fastText header, packs it as model.tar.gz with
model.bin at the root, as BlazingText hosting loads it; writes the language test, 60 sentences in 20 languages) ->
CreateModel (the BlazingText image with that package) -> LanguageTest (a batch transform of the sentences, JSON
Lines) -> Evaluate (accuracy of the top label against the sentences' languages, and the accuracy of always answering
one language) -> if the accuracy >= MetricThreshold and beats that baseline: register the package with the report,
else fail. The gate thus runs the model in the very container an endpoint would, on real input. BlazingText hosts
fastText .bin models as they are (DG blazingtext).
"""

from pipelines.algorithms import BLAZINGTEXT
from pipelines.builder import PipelineBuilder
from pipelines.datasets import LID176
from pipelines.steps.processing import OUTPUT_ROOT, input_path
from pipelines.usecase import BaselineNote, UseCase

JSON_LINES = "application/jsonlines"  # BlazingText batch transform: Content-Type and Accept both JSON Lines


def build(p: PipelineBuilder) -> None:
    download = p.download(LID176)
    package = p.process(
        "PackageModel",
        "lid176",
        inputs={"raw": download.output("raw")},
        outputs=("model", "verification", "language_test"),
        arguments=["--input", input_path("raw"), "--size", str(LID176.size), "--output-dir", OUTPUT_ROOT],
    )
    model_data = package.output("model", "model.tar.gz")
    test = p.batch_transform(
        BLAZINGTEXT,
        model_data,
        package.output("language_test", "sentences.jsonl"),  # not languages.txt beside it
        names=("CreateModel", "LanguageTest"),
        content_type=JSON_LINES,
        accept=JSON_LINES,
    )
    evaluation = p.evaluate(
        "evaluate_language_id", {"predictions": test.output(), "languages": package.output("language_test")}
    )
    accuracy = evaluation.metric("language_id_metrics.accuracy.value")
    p.register_if_passes(
        p.gate("language accuracy", accuracy, higher_is_better=True, baseline=evaluation.baseline),
        BLAZINGTEXT,
        model_data,
        description="fastText lid.176 language identifier (176 languages), pretrained, for BlazingText hosting.",
        gate_name="CheckAccuracy",
        model_metrics=evaluation.model_metrics(),
    )


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
