"""Use case 15: Semantic Segmentation (FCN, ResNet-50) on Pascal VOC 2012.

Download (the fast.ai pascal-voc.tgz, checked against its pinned SHA-256; the only step with network access) ->
Preprocess (VOC2012's segmentation train/val lists -> JPEG images and their single-channel PNG class masks, sizes
and class values checked, 255 kept as "ignore"; a label map) -> Train on one GPU instance, with num_classes and
num_training_samples from stats.json -> if validation:mIOU >= MetricThreshold: register, else fail.
"""

from pipelines.algorithms import SEMANTIC_SEGMENTATION
from pipelines.builder import PipelineBuilder
from pipelines.datasets import PASCAL_VOC
from pipelines.sdk import ParameterString
from pipelines.usecase import BaselineNote, UseCase

CHANNELS = ("train", "validation", "train_annotation", "validation_annotation", "label_map")
METRIC = "validation:mIOU"
HYPERPARAMETERS = {  # NB15's settings, but early stopping from epoch 5 (NB15's 10 equals its epochs: it never stops)
    "backbone": "resnet-50",
    "algorithm": "fcn",
    "use_pretrained_model": "True",
    "crop_size": 240,
    "epochs": 10,
    "learning_rate": 0.0001,
    "optimizer": "rmsprop",
    "lr_scheduler": "poly",
    "mini_batch_size": 16,
    "validation_mini_batch_size": 16,
    "early_stopping": "True",
    "early_stopping_patience": 2,
    "early_stopping_min_epochs": 5,  # the algorithm's default (DG segmentation-hyperparameters)
}


def build(p: PipelineBuilder) -> None:
    max_images = p.parameter(
        ParameterString("MaxImages", "0"),
        "Images per split, from the start of VOC's train/val lists, for a cheap run (0 = all: 1,464 + 1,449).",
    )
    images = p.prepare_images(
        "voc_segmentation", CHANNELS, ["--max-images", max_images], download=PASCAL_VOC, baseline=METRIC
    )
    p.train_on_images(
        images,
        SEMANTIC_SEGMENTATION,
        HYPERPARAMETERS,
        images.channels(None, *CHANNELS),  # like NB15: the algorithm knows its channels' formats
        metric=METRIC,
        description="FCN (ResNet-50) segmentation of the 21 Pascal VOC classes, gated on validation mIOU.",
        gate_name="CheckMIOU",
    )


USE_CASE = UseCase(
    name="voc-semantic-segmentation",
    title="Semantic Segmentation (FCN) on Pascal VOC 2012",
    algorithms=(SEMANTIC_SEGMENTATION,),
    dataset_name="Pascal VOC 2012 segmentation (1,464 train / 1,449 val images, 21 classes)",
    dataset=PASCAL_VOC,
    metric_threshold=0.4,
    baseline=BaselineNote(
        value=0.034,
        model="always background",
        source="background covers about 70% of the labelled pixels of VOC2012's validation masks (an estimate; "
        "VOC publishes no pixel counts), and mIOU averages IoU over all 21 classes, so one class scores at most "
        "its pixel share / 21; Preprocess computes the exact value on the validation masks",
    ),
    processing_instance_type="ml.m5.xlarge",
    build=build,
)
