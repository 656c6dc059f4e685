"""Use case 13: Image Classification (ResNet) on Caltech-256, by transfer learning or full training.

Preprocess (the 256_ObjectCategories tar -> images and .lst files; a seeded 60 images per class for training, the
rest for validation, as the notebooks split) -> Train on a GPU, with num_classes and num_training_samples read from
the preprocessing step's stats.json -> if validation:accuracy >= MetricThreshold: register, else fail.
UsePretrainedModel 1 (default) fine-tunes ImageNet weights (NB13b/e), 0 trains from scratch (NB13a).
"""

from pipelines.algorithms import IMAGE_CLASSIFICATION
from pipelines.builder import PipelineBuilder
from pipelines.datasets import CALTECH_256
from pipelines.sdk import ParameterString
from pipelines.usecase import BaselineNote, UseCase

CHANNELS = ("train", "validation", "train_lst", "validation_lst")
# Pretrained weights accept only 224 x 224 inputs (DG IC-Hyperparameter); resize must exceed it.
METRIC = "validation:accuracy"
HYPERPARAMETERS = {
    "num_layers": 18,
    "image_shape": "3,224,224",
    "resize": 256,
    "mini_batch_size": 128,
    "learning_rate": 0.01,
    "top_k": 5,
    "checkpoint_frequency": 2,
}


def build(p: PipelineBuilder) -> None:
    pretrained = p.parameter(
        ParameterString("UsePretrainedModel", "1", enum_values=["0", "1"]),
        "1: transfer learning from ImageNet weights (only the top layer starts fresh); 0: full training from random "
        "weights, which needs far more Epochs than transfer learning and a MetricThreshold of its own (the default "
        "0.5 is set for transfer learning; with 6 epochs full training stays far below it and fails the gate).",
    )
    epochs = p.parameter(
        ParameterString("Epochs", "6"),
        "Passes over the training images (NB13e's 6 for transfer learning; full training needs tens).",
    )
    images = p.prepare_images("caltech256", CHANNELS, ["--train-per-class", "60", "--seed", "0"], baseline=METRIC)
    p.train_on_images(
        images,
        IMAGE_CLASSIFICATION,
        {**HYPERPARAMETERS, "use_pretrained_model": pretrained, "epochs": epochs},
        images.channels("application/x-image", *CHANNELS),
        metric=METRIC,
        description="ResNet-18 image classifier of the 257 Caltech-256 categories, gated on validation accuracy.",
        gate_name="CheckAccuracy",
    )


USE_CASE = UseCase(
    name="caltech256-image-classification",
    title="Image Classification (ResNet-18) on Caltech-256, transfer learning or full training",
    algorithms=(IMAGE_CLASSIFICATION,),
    dataset_name="Caltech-256 (256_ObjectCategories.tar: about 30,600 images, 257 categories)",
    dataset=CALTECH_256,
    metric_threshold=0.5,
    baseline=BaselineNote(
        value=0.0505,
        model="always 257.clutter",
        source="Caltech-256 (Griffin, Holub and Perona 2007): its largest category, clutter, has 827 of the "
        "30,607 images; with 60 per category in training, 767 of the 15,187 validation images; Preprocess "
        "computes it on the validation list",
    ),
    processing_instance_type="ml.m5.xlarge",
    build=build,
)
