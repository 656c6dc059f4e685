"""NTM: the Neural Topic Model, a variational autoencoder over bags of words."""

from pipelines.algorithms.contract import (
    FULLY_REPLICATED,
    GPU_FAMILIES,
    RECORD_REQUESTS,
    RECORD_RESPONSES,
    RECORDIO_PROTOBUF,
    Algorithm,
    ChannelSpec,
    Compute,
    Inference,
    MetricSpec,
    Range,
    dg,
)

_PAGE = dg("ntm")
_TUNING = dg("ntm-tuning")
_FORMATS = (RECORDIO_PROTOBUF, "text/csv")
_LAYOUT = 'RecordIO-protobuf: features["values"] float32 word counts (dense or sparse), no label'

NTM = Algorithm(
    name="NTM",
    framework="ntm",
    compute=Compute(
        cpu=True,
        gpu_families=GPU_FAMILIES,
        multi_instance=True,
        default_instance="ml.m5.xlarge",
        source=_PAGE,
    ),
    channels=(
        ChannelSpec("train", _FORMATS, _PAGE, required=True, layout=_LAYOUT),
        # The optional channels must be FullyReplicated.
        ChannelSpec("validation", _FORMATS, _PAGE, distributions=(FULLY_REPLICATED,), layout=_LAYOUT),
        ChannelSpec("test", _FORMATS, _PAGE, distributions=(FULLY_REPLICATED,), layout=_LAYOUT),
        ChannelSpec(
            "auxiliary",
            ("text/plain",),
            _PAGE,
            distributions=(FULLY_REPLICATED,),
            layout="vocab.txt, one word per line, in feature order",
        ),
    ),
    # "reconstruction loss + KL divergence" (DG ntm-tuning). Its normalization is not documented: read here as per
    # word (see the ntm-topics pipeline's gate), which is what a scale of about 7 on the 2,000-word 20 Newsgroups
    # example suggests (ln 2000 = 7.6); a per-document sum would be in the hundreds.
    metrics=(
        MetricSpec("validation:total_loss", False, "reconstruction loss + KL divergence, nats (see note)", _TUNING),
    ),
    required=("feature_dim", "num_topics"),
    required_source=dg("ntm_hyperparameters"),
    spellings={
        "encoder_layers_activation": ("sigmoid", "tanh", "relu"),
        "optimizer": ("sgd", "adam", "adagrad", "adadelta", "rmsprop"),
    },
    spellings_source=dg("ntm_hyperparameters"),
    tunable=(
        Range("encoder_layers_activation", "Categorical", _TUNING, values=("sigmoid", "tanh", "relu")),
        Range("learning_rate", "Continuous", _TUNING, 1e-4, 0.1),
        Range("mini_batch_size", "Integer", _TUNING, 16, 2048),
        Range("optimizer", "Categorical", _TUNING, values=("sgd", "adam", "adadelta")),
        Range("rescale_gradient", "Continuous", _TUNING, 0.1, 1.0),
        Range("weight_decay", "Continuous", _TUNING, 0, 1),
    ),
    inference=Inference(
        (*RECORD_REQUESTS, "application/jsonlines"),
        RECORD_RESPONSES,
        dg("ntm-in-formats"),
    ),
)
