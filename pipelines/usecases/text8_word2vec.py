"""Use case 9: BlazingText word2vec (skip-gram with subword information) on text8.

Preprocess (text8.gz -> the single line of tokens, validated) -> Train (`evaluation` on, so train:mean_rho, the
Spearman correlation on WS-353, exists) -> if it is >= MetricThreshold: register, else fail.
"""

from pipelines.algorithms import BLAZINGTEXT
from pipelines.builder import PipelineBuilder
from pipelines.datasets import TEXT8
from pipelines.usecase import BaselineNote, UseCase

# NB09's values (batch_size only matters for batch_skipgram).
HYPERPARAMETERS = {
    "mode": "skipgram",
    "epochs": 5,
    "min_count": 5,
    "sampling_threshold": 0.0001,
    "learning_rate": 0.05,
    "window_size": 5,
    "vector_dim": 100,
    "negative_samples": 5,
    "subwords": "True",  # "(Boolean) True or False" (DG blazingtext_hyperparameters)
    "min_char": 3,
    "max_char": 6,
    "batch_size": 11,
    "evaluation": "True",
}


def build(p: PipelineBuilder) -> None:
    prepare = p.preprocess("text8", ("train",))
    p.train_and_register(
        BLAZINGTEXT,
        HYPERPARAMETERS,
        prepare.channels("text/plain", "train"),  # word2vec takes the train channel only (DG blazingtext)
        metric="train:mean_rho",
        description="BlazingText skip-gram word vectors with subwords on text8, gated on WS-353 rho.",
        gate_name="CheckRho",
    )


USE_CASE = UseCase(
    name="text8-word2vec",
    title="BlazingText word2vec with subwords on text8",
    algorithms=(BLAZINGTEXT,),
    dataset_name="text8 (Wikipedia, about 100 MB, one line of tokens)",
    dataset=TEXT8,
    metric_threshold=0.3,
    baseline=BaselineNote(
        value=0.0,
        model="word vectors that learned nothing (random)",
        source="the definition of Spearman's rho: similarities of random vectors are unrelated to the WS-353 "
        "human ratings, so their rank correlation is 0 in expectation, whatever the corpus",
        at_run_time=False,
    ),
    build=build,
)
