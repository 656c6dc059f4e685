"""Use case 5: LDA topic model of synthetic bag-of-words documents (the Griffiths-Steyvers construction of NB05).

Generate (6,000 documents over a 25-word grid vocabulary and 5 topics; 90% train, 10% test) -> Train (single CPU
instance; a test channel, so that test:pwll exists) -> if test:pwll >= MetricThreshold: register, else fail. The LDA
image is published in some regions only: synth stops with a clear message elsewhere.
"""

from pipelines.algorithms import LDA
from pipelines.builder import PipelineBuilder
from pipelines.steps.training import RECORDIO
from pipelines.usecase import BaselineNote, GeneratedDataset, UseCase

METRIC = "test:pwll"
DOCUMENTS = 6000
TRAINING_DOCUMENTS = DOCUMENTS * 9 // 10
# NB05's values; mini_batch_size is the number of training documents (DG lda).
HYPERPARAMETERS = {"num_topics": 5, "feature_dim": 25, "mini_batch_size": TRAINING_DOCUMENTS, "alpha0": 1.0}


def build(p: PipelineBuilder) -> None:
    generate = p.preprocess(
        "topic_documents", ("train", "test"), ["--target", "lda", "--seed", "0", "--documents", str(DOCUMENTS)],
        baseline=METRIC,
    )  # fmt: skip
    p.train_and_register(
        LDA,
        HYPERPARAMETERS,
        generate.channels(RECORDIO, "train", "test"),
        metric=METRIC,
        baseline=generate.baseline,
        description="LDA with 5 topics over a 25-word vocabulary, gated on test per-word log-likelihood.",
        gate_name="CheckPWLL",
    )


USE_CASE = UseCase(
    name="lda-topics",
    title="LDA topic modeling of synthetic documents",
    algorithms=(LDA,),
    dataset_name="generated: 6,000 documents, 25-word vocabulary, 5 topics",
    dataset=GeneratedDataset(),
    # Between one topic (-3.22) and the generator's own topics and mixtures (-2.35 per word on the test split).
    metric_threshold=-2.7,
    baseline=BaselineNote(
        value=-3.22,
        model="one topic: the training corpus' word frequencies",
        source="the generator's own output (seed 0): the test documents' per-word log-likelihood (natural log) "
        "under the add-one smoothed word frequencies of the training documents, -3.2196; the true topics and "
        "mixtures give -2.351; the Generate step computes the baseline",
    ),
    build=build,
)
