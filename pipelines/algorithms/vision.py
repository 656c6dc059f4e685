"""The MXNet vision algorithms: Image Classification, Object Detection (SSD) and Semantic Segmentation.

All three train on GPUs only (P2, P3, G4dn, G5) and resume from checkpoints after a spot interruption (DG
model-managed-spot-training); they read images in File mode next to list or annotation channels.
"""

from pipelines.algorithms.contract import (
    CHECKPOINTS_SOURCE,
    GPU_FAMILIES,
    RECORDIO_PROTOBUF,
    Algorithm,
    ChannelSpec,
    Compute,
    Inference,
    MetricSpec,
    Range,
    dg,
)

IMAGES = ("image/jpeg", "image/png", "application/x-image")
_RECORDIO = "application/x-recordio"
_MODEL = "application/x-sagemaker-model"  # the incremental-training channel
_IC = dg("image-classification")
_IC_TUNING = dg("IC-tuning")
_OD = dg("object-detection")
_OD_TUNING = dg("object-detection-tuning")
_SS = dg("semantic-segmentation")
_SS_TUNING = dg("semantic-segmentation-tuning")


def _gpu(page: str, *, multi_instance: bool) -> Compute:
    return Compute(
        cpu=False, gpu_families=GPU_FAMILIES, multi_instance=multi_instance, default_instance="ml.g4dn.xlarge",
        source=f"{page}; {CHECKPOINTS_SOURCE}",
    )  # fmt: skip


IMAGE_CLASSIFICATION = Algorithm(
    name="Image Classification",
    framework="image-classification",
    compute=_gpu(_IC, multi_instance=True),
    checkpoints=True,
    channels=(
        # Images in train/validation, their .lst files (index, class id, relative path) in the *_lst channels.
        ChannelSpec("train", (_RECORDIO, *IMAGES), _IC, required=True, layout="image files, or one .rec"),
        ChannelSpec("validation", (_RECORDIO, *IMAGES), _IC, required=True, layout="image files, or one .rec"),
        ChannelSpec("train_lst", IMAGES, _IC, layout="one .lst: index<TAB>class id<TAB>relative path"),
        ChannelSpec("validation_lst", IMAGES, _IC, layout="one .lst: index<TAB>class id<TAB>relative path"),
        ChannelSpec("model", (_MODEL,), _IC, layout="a model.tar.gz of an earlier job"),
    ),
    metrics=(MetricSpec("validation:accuracy", True, "top-1 accuracy, 0-1", _IC_TUNING),),
    required=("num_classes", "num_training_samples"),  # and resize with image content types
    required_source=dg("IC-Hyperparameter"),
    spellings={"use_pretrained_model": ("0", "1"), "optimizer": ("sgd", "adam", "rmsprop", "nag")},
    spellings_source=dg("IC-Hyperparameter"),
    tunable=(
        Range("beta_1", "Continuous", _IC_TUNING, 1e-6, 0.999),
        Range("beta_2", "Continuous", _IC_TUNING, 1e-6, 0.999),
        Range("eps", "Continuous", _IC_TUNING, 1e-8, 1.0),
        Range("gamma", "Continuous", _IC_TUNING, 1e-8, 0.999),
        Range("learning_rate", "Continuous", _IC_TUNING, 1e-6, 0.5),
        Range("mini_batch_size", "Integer", _IC_TUNING, 8, 512),
        Range("momentum", "Continuous", _IC_TUNING, 0.0, 0.999),
        Range("optimizer", "Categorical", _IC_TUNING, values=("sgd", "adam", "rmsprop", "nag")),
        Range("weight_decay", "Continuous", _IC_TUNING, 0.0, 0.999),
    ),
    inference=Inference(IMAGES, ("application/json", "application/jsonlines"), _IC),
)

OBJECT_DETECTION = Algorithm(
    name="Object Detection",
    framework="object-detection",
    compute=_gpu(_OD, multi_instance=True),
    checkpoints=True,
    channels=(
        # In image format all four channels carry the image content type; an annotation is one JSON per image.
        ChannelSpec("train", (_RECORDIO, *IMAGES), _OD, required=True, layout="image files, or one .rec"),
        ChannelSpec("validation", (_RECORDIO, *IMAGES), _OD, required=True, layout="image files, or one .rec"),
        ChannelSpec("train_annotation", IMAGES, _OD, layout='one JSON per image: "annotations" boxes in pixels'),
        ChannelSpec("validation_annotation", IMAGES, _OD, layout='one JSON per image: "annotations" in pixels'),
        ChannelSpec("model", (_MODEL,), _OD, layout="a model.tar.gz of an earlier job"),
    ),
    metrics=(MetricSpec("validation:mAP", True, "mean average precision, 0-1", _OD_TUNING),),
    required=("num_classes", "num_training_samples"),
    required_source=dg("object-detection-api-config"),
    spellings={
        "use_pretrained_model": ("0", "1"),
        "base_network": ("vgg-16", "resnet-50"),
        "optimizer": ("sgd", "adam", "rmsprop", "adadelta"),
    },
    spellings_source=dg("object-detection-api-config"),
    tunable=(
        Range("learning_rate", "Continuous", _OD_TUNING, 1e-6, 0.5),
        Range("mini_batch_size", "Integer", _OD_TUNING, 8, 64),
        Range("momentum", "Continuous", _OD_TUNING, 0.0, 0.999),
        Range("optimizer", "Categorical", _OD_TUNING, values=("sgd", "adam", "rmsprop", "adadelta")),
        Range("weight_decay", "Continuous", _OD_TUNING, 0.0, 0.999),
    ),
    # The object-detection page says application/x-image, its inference-formats page image/jpeg and image/png.
    inference=Inference(IMAGES, ("application/json",), dg("object-detection-in-formats")),
)

_BOOLEAN = ("True", "False")

SEMANTIC_SEGMENTATION = Algorithm(
    name="Semantic Segmentation",
    framework="semantic-segmentation",
    compute=_gpu(_SS, multi_instance=False),  # GPU only, a single machine
    checkpoints=True,
    channels=(
        # The example notebook leaves the content types out; masks share their image's base name.
        ChannelSpec("train", (None, *IMAGES), _SS, required=True, layout="JPEG images"),
        ChannelSpec("validation", (None, *IMAGES), _SS, required=True, layout="JPEG images"),
        ChannelSpec("train_annotation", (None, "image/png"), _SS, required=True, layout="8-bit 1-channel PNG masks"),
        ChannelSpec(
            "validation_annotation", (None, "image/png"), _SS, required=True, layout="8-bit 1-channel PNG masks"
        ),
        ChannelSpec("label_map", (None, "application/json"), _SS, layout='{"scale": k} or {"map": {...}}'),
        ChannelSpec("model", (_MODEL,), _SS, layout="a model.tar.gz of an earlier job"),
    ),
    metrics=(
        MetricSpec("validation:mIOU", True, "mean intersection over union over all classes, 0-1", _SS_TUNING),
        MetricSpec("validation:pixel_accuracy", True, "fraction of pixels right, 0-1", _SS_TUNING),
    ),
    required=("num_classes", "num_training_samples"),
    required_source=dg("segmentation-hyperparameters"),
    spellings={
        "backbone": ("resnet-50", "resnet-101"),
        "algorithm": ("fcn", "psp", "deeplab"),
        "use_pretrained_model": _BOOLEAN,
        "early_stopping": _BOOLEAN,
        "optimizer": ("sgd", "adam", "adagrad", "rmsprop"),
        "lr_scheduler": ("step", "poly", "cosine"),
    },
    spellings_source=dg("segmentation-hyperparameters"),
    tunable=(
        Range("learning_rate", "Continuous", _SS_TUNING, 1e-4, 1e-1),
        Range("mini_batch_size", "Integer", _SS_TUNING, 1, 128),
        Range("momentum", "Continuous", _SS_TUNING, 0.9, 0.999),
        Range("optimizer", "Categorical", _SS_TUNING, values=("sgd", "adam", "adadelta")),
        Range("weight_decay", "Continuous", _SS_TUNING, 1e-5, 1e-3),
    ),
    # A PNG class mask, or per-class probabilities as a RecordIO-protobuf tensor.
    inference=Inference(("image/jpeg",), ("image/png", RECORDIO_PROTOBUF), _SS),
)
