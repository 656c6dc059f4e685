"""Use case 5: LDA topic model of synthetic bag-of-words documents (the Griffiths-Steyvers construction of NB05).

Generate (6,000 documents over a 25-word grid vocabulary and 5 topics; 90% train, 10% test) -> Train (single CPU
instance; a test channel, so that test:pwll exists) -> if test:pwll >= MetricThreshold: register, else fail. The LDA
image is published in some regions only: synth stops with a clear message elsewhere.
"""

from pipelines.algorithms import LDA
from pipelines.context import PipelineContext
from pipelines.parameters import StandardParameters
from pipelines.recipes import train_and_register
from pipelines.steps.processing import preprocess_step
from pipelines.steps.register import InferenceSpec
from pipelines.steps.training import RECORDIO, channels_of
from pipelines.usecase import GeneratedDataset, UseCase

DOCUMENTS = 6000
TRAINING_DOCUMENTS = DOCUMENTS * 9 // 10
# NB05's values; mini_batch_size is the number of training documents (DG lda).
HYPERPARAMETERS = {"num_topics": 5, "feature_dim": 25, "mini_batch_size": TRAINING_DOCUMENTS, "alpha0": 1.0}
INFERENCE = InferenceSpec(
    content_types=("text/csv", "application/json", "application/x-recordio-protobuf"),
    response_types=("application/json", "application/x-recordio-protobuf"),
)


def build(ctx: PipelineContext, params: StandardParameters) -> list:
    generate = preprocess_step(
        ctx, params, "topic_documents", ("train", "test"),
        ["--target", "lda", "--seed", "0", "--documents", str(DOCUMENTS)],
    )  # fmt: skip
    return [
        generate,
        *train_and_register(
            ctx,
            params,
            LDA,
            HYPERPARAMETERS,
            channels_of(generate, RECORDIO, "train", "test"),
            metric="test:pwll",
            higher_is_better=True,
            inference=INFERENCE,
            description="LDA with 5 topics over a 25-word vocabulary, gated on test per-word log-likelihood.",
            gate_name="CheckPWLL",
        ),
    ]


USE_CASE = UseCase(
    name="lda-topics",
    title="LDA topic modeling of synthetic documents",
    algorithm=LDA.label,
    dataset_name="generated: 6,000 documents, 25-word vocabulary, 5 topics",
    dataset=GeneratedDataset(),
    metric_threshold=-3.0,
    training_instance_type="ml.c5.2xlarge",
    single_instance=True,  # LDA trains on a single CPU instance only (DG lda)
    build=build,
)
