"""Use case 6: Neural Topic Model of synthetic bag-of-words documents (NB06).

Generate (5,000 documents; 80% train, 20% validation, and the vocabulary as the auxiliary channel) -> Train (the
validation channel gives validation:total_loss and early stopping) -> if it is <= MetricThreshold: register, else
fail.
"""

from pipelines.algorithms import NTM
from pipelines.context import PipelineContext
from pipelines.parameters import StandardParameters
from pipelines.recipes import train_and_register
from pipelines.steps.processing import output_uri, preprocess_step
from pipelines.steps.register import InferenceSpec
from pipelines.steps.training import RECORDIO, Channel, channels_of
from pipelines.usecase import GeneratedDataset, UseCase

HYPERPARAMETERS = {"num_topics": 5, "feature_dim": 25}
INFERENCE = InferenceSpec(
    content_types=("text/csv", "application/json", "application/jsonlines", "application/x-recordio-protobuf"),
    response_types=("application/json", "application/jsonlines", "application/x-recordio-protobuf"),
)


def build(ctx: PipelineContext, params: StandardParameters) -> list:
    generate = preprocess_step(
        ctx, params, "topic_documents", ("train", "validation", "auxiliary"), ["--target", "ntm", "--seed", "0"]
    )
    # The auxiliary channel is the vocabulary (one word per line): the logs then show each topic's top words.
    channels = [
        *channels_of(generate, RECORDIO, "train", "validation"),
        Channel("auxiliary", output_uri(generate, "auxiliary"), "text/plain"),
    ]
    return [
        generate,
        *train_and_register(
            ctx,
            params,
            NTM,
            HYPERPARAMETERS,
            channels,
            metric="validation:total_loss",
            higher_is_better=False,
            inference=INFERENCE,
            description="Neural Topic Model with 5 topics over a 25-word vocabulary, gated on validation loss.",
            gate_name="CheckLoss",
        ),
    ]


USE_CASE = UseCase(
    name="ntm-topics",
    title="Neural Topic Model of synthetic documents",
    algorithm=NTM.label,
    dataset_name="generated: 5,000 documents, 25-word vocabulary, 5 topics",
    dataset=GeneratedDataset(),
    metric_threshold=20.0,
    build=build,
)
