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
from pipelines.context import PipelineContext
from pipelines.datasets import MNIST
from pipelines.parameters import StandardParameters
from pipelines.recipes import model_and_transform, register_if_passes
from pipelines.steps.evaluation import evaluation_step
from pipelines.steps.gate import Gate
from pipelines.steps.processing import SKLEARN_VERSION, output_uri, preprocess_step
from pipelines.steps.training import RECORDIO, channels_of, model_artifacts, training_step
from pipelines.usecase import BaselineNote, UseCase

HYPERPARAMETERS = {
    "feature_dim": 784,
    "num_components": 50,
    "mini_batch_size": 200,
    "subtract_mean": "true",
    "algorithm_mode": "regular",
}


def build(ctx: PipelineContext, params: StandardParameters) -> list:
    prepare = preprocess_step(
        ctx, params, "mnist", ("train", "test"),
        ["--target", "none", "--format", "recordio", "--test-format", "csv", "--splits", "train,test"],
    )  # fmt: skip
    train = training_step(
        ctx,
        "Train",
        PCA,
        HYPERPARAMETERS,
        channels_of(prepare, RECORDIO, "train"),
        params.training_instance_type,
        params.training_instances,
    )
    model, project = model_and_transform(
        ctx, params, PCA, model_artifacts(train), output_uri(prepare, "test"), ("CreateModel", "ProjectTestImages")
    )
    evaluation = evaluation_step(
        ctx,
        script="evaluate_pca",
        image=ctx.image("sklearn", SKLEARN_VERSION),
        instance_type=params.processing_instance_type,
        inputs={"test": output_uri(prepare, "test"), "projections": project.properties.TransformOutput.S3OutputPath},
    )
    ratio = evaluation.metric("pca_metrics.explained_variance_ratio.value")
    variance = Gate("explained variance ratio", ratio, params.metric_threshold, True, evaluation.baseline())
    check = register_if_passes(
        ctx,
        params,
        variance,
        PCA,
        model_artifacts(train),
        description="PCA of MNIST images (50 components), gated on held-out explained variance.",
        gate_name="CheckVariance",
        model_metrics=evaluation.model_metrics(),
    )
    return [prepare, train, model, project, evaluation.step, check]


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
