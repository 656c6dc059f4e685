"""Use case 7: BlazingText supervised classification of DBpedia abstracts into 14 classes, with tuning.

Preprocess (the dbpedia_csv archive; lower-cased, tokenized without downloads, one `__label__<class> tokens...`
line per document; a seeded 20% of train.csv as NB07 keeps, all of test.csv as validation) -> Tune (NB07h's
ranges, objective validation:accuracy) -> if the best accuracy >= MetricThreshold: register the best model, else fail.
"""

from pipelines.algorithms import BLAZINGTEXT
from pipelines.builder import PipelineBuilder
from pipelines.datasets import DBPEDIA
from pipelines.sdk import ContinuousParameter, IntegerParameter
from pipelines.usecase import BaselineNote, UseCase

OBJECTIVE = "validation:accuracy"
# NB07's settings; the tuned ones (NB07h) are left to the ranges.
STATIC_HYPERPARAMETERS = {
    "mode": "supervised",
    "epochs": 10,
    "early_stopping": "True",  # "(Boolean) True or False" (DG blazingtext_hyperparameters)
    "patience": 4,
    "min_epochs": 5,
    "word_ngrams": 2,
}
RANGES = {
    "learning_rate": ContinuousParameter(0.005, 0.01),
    "min_count": IntegerParameter(0, 100),
    "vector_dim": IntegerParameter(32, 300),
}


def build(p: PipelineBuilder) -> None:
    prepare = p.preprocess(
        "dbpedia", ("train", "validation"), ["--train-fraction", "0.2", "--seed", "0"], baseline=OBJECTIVE
    )
    p.tune_and_register(
        BLAZINGTEXT,
        STATIC_HYPERPARAMETERS,
        RANGES,
        prepare.channels("text/plain", "train", "validation"),
        objective=OBJECTIVE,
        baseline=prepare.baseline,
        description="BlazingText DBpedia classifier (14 classes), best of a tuning job, gated on accuracy.",
        gate_name="CheckAccuracy",
    )


USE_CASE = UseCase(
    name="dbpedia-blazingtext",
    title="BlazingText text classification of DBpedia abstracts with hyperparameter tuning",
    algorithms=(BLAZINGTEXT,),
    dataset_name="DBpedia ontology (dbpedia_csv: 560,000 train / 70,000 test abstracts, 14 classes)",
    dataset=DBPEDIA,
    metric_threshold=0.9,
    baseline=BaselineNote(
        value=0.071,
        model="always the most frequent class",
        source="DBpedia's test.csv has 5,000 abstracts of each of its 14 classes (Zhang, Zhao and LeCun 2015): "
        "1/14; Preprocess computes it on the validation file",
    ),
    training_instance_type="ml.c5.4xlarge",
    max_tuning_jobs=9,
    build=build,
)
