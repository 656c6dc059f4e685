"""Use case 14: Object Detection (SSD, ResNet-50) of bird species on CUB-200-2011.

Download (CUB_200_2011.tgz, checked against its pinned SHA-256; the only step with network access) -> Preprocess
(the `Classes` chosen, by default NB14's five species; the archive's train/test split; one JSON annotation per image
with the size read from the image and the box in pixels) -> Train on a GPU, with num_classes and
num_training_samples from stats.json -> if validation:mAP >= MetricThreshold: register, else fail.
"""

from pipelines.algorithms import OBJECT_DETECTION
from pipelines.builder import PipelineBuilder
from pipelines.datasets import CUB_200_2011
from pipelines.sdk import ParameterString
from pipelines.usecase import BaselineNote, UseCase

CHANNELS = ("train", "validation", "train_annotation", "validation_annotation")
HYPERPARAMETERS = {  # NB14's settings
    "base_network": "resnet-50",
    "use_pretrained_model": 1,
    "mini_batch_size": 16,
    "epochs": 100,
    "learning_rate": 0.001,
    "lr_scheduler_step": "33,67",
    "lr_scheduler_factor": 0.1,
    "optimizer": "sgd",
    "momentum": 0.9,
    "weight_decay": 0.0005,
    "overlap_threshold": 0.5,
    "nms_threshold": 0.45,
    "image_shape": 512,
    "label_width": 350,  # >= 5 x boxes per image + 2 (DG); CUB has one box per image
}


def build(p: PipelineBuilder) -> None:
    classes = p.parameter(
        ParameterString("Classes", "17,36,47,68,73"),
        "CUB class ids (1-200) to train on, comma-separated, or 'all'; the default is NB14's five-species sample.",
    )
    images = p.prepare_images("cub200", CHANNELS, ["--classes", classes], download=CUB_200_2011)
    p.train_on_images(
        images,
        OBJECT_DETECTION,
        HYPERPARAMETERS,
        images.channels("image/jpeg", *CHANNELS),  # annotation channels too (DG object-detection)
        metric="validation:mAP",
        description="SSD (ResNet-50) bird detector on CUB-200-2011, gated on validation mAP.",
        gate_name="CheckMAP",
    )


USE_CASE = UseCase(
    name="cub200-object-detection",
    title="Object Detection (SSD) of bird species on CUB-200-2011",
    algorithms=(OBJECT_DETECTION,),
    dataset_name="CUB-200-2011 (CUB_200_2011.tgz: 11,788 images of 200 species, one box each)",
    dataset=CUB_200_2011,
    metric_threshold=0.5,  # NB14: about 0.7 with the five species after 100 epochs
    baseline=BaselineNote(
        value=0.0,
        model="a detector that finds no box",
        source="the definition of mean average precision: without detections every class's precision-recall "
        "curve is empty, so mAP is 0, whatever the images",
        at_run_time=False,
    ),
    processing_instance_type="ml.m5.xlarge",
    build=build,
)
