"""Use case 21: PCA of MNIST images, gated on the variance its components explain on held-out images.

PCA emits no objective metric, so the gate measures the model on data it has not seen: a batch transform projects
the test images with the trained model, and an evaluation step computes the explained variance ratio (variance of
the projections over the total variance of the test images). NB21 transposes the data (784 pixel rows x 50,000
image columns, "eigendigits"); this pipeline keeps images as rows, so the components live in pixel space and apply
to new images, which is what a held-out evaluation needs.

Preprocess (train: unlabelled RecordIO-protobuf; test: CSV pixels for the transform) -> Train -> CreateModel ->
Project the test images -> Evaluate -> if the ratio >= MetricThreshold: register with the report, else fail.
"""

from pipelines.algorithms import PCA
from pipelines.builder import PipelineBuilder
from pipelines.datasets import MNIST, MNIST_CHECKS
from pipelines.steps.training import RECORDIO
from pipelines.usecase import BaselineNote, UseCase

HYPERPARAMETERS = {
    "feature_dim": 784,
    "num_components": 50,
    "mini_batch_size": 200,
    "subtract_mean": "true",
    "algorithm_mode": "regular",
}


def build(p: PipelineBuilder) -> None:
    prepare = p.preprocess(
        "mnist", ("train", "test"),
        ["--target", "none", "--format", "recordio", "--test-format", "csv", "--splits", "train,test", *MNIST_CHECKS],
    )  # fmt: skip
    train = p.train(PCA, HYPERPARAMETERS, prepare.channels(RECORDIO, "train"))
    project = p.batch_transform(
        PCA, train.model_artifacts, prepare.output("test"), names=("CreateModel", "ProjectTestImages")
    )
    evaluation = p.evaluate("evaluate_pca", {"test": prepare.output("test"), "projections": project.output()})
    ratio = evaluation.metric("pca_metrics.explained_variance_ratio.value")
    p.register_if_passes(
        p.gate("explained variance ratio", ratio, higher_is_better=True, baseline=evaluation.baseline),
        PCA,
        train.model_artifacts,
        description="PCA of MNIST images (50 components), gated on held-out explained variance.",
        gate_name="CheckVariance",
        model_metrics=evaluation.model_metrics(),
    )


USE_CASE = UseCase(
    name="mnist-pca",
    title="PCA of MNIST images, gated on held-out explained variance",
    algorithms=(PCA,),
    dataset_name="MNIST (mnist.pkl.gz, 50,000/10,000/10,000 images)",
    dataset=MNIST,
    metric_threshold=0.75,
    baseline=BaselineNote(
        value=0.064,
        model="50 random orthonormal directions",
        source="for any data, a uniformly random 50-dimensional subspace of the 784 pixels keeps 50/784 of the "
        "variance in expectation; the evaluation step computes it for seeded directions on the test images",
    ),
    build=build,
)
