"""LDA: latent Dirichlet allocation topic model."""

from pipelines.algorithms.contract import (
    RECORD_REQUESTS,
    RECORDIO_PROTOBUF,
    Algorithm,
    ChannelSpec,
    Compute,
    Inference,
    MetricSpec,
    Range,
    dg,
)

_PAGE = dg("lda")
_TUNING = dg("lda-tuning")
_LAYOUT = 'RecordIO-protobuf: features["values"] float32 word counts (dense or sparse), no label'

LDA = Algorithm(
    name="LDA",
    framework="lda",
    compute=Compute(
        cpu=True,
        gpu_families=(),  # single-instance CPU training only (DG lda)
        multi_instance=False,
        default_instance="ml.c5.2xlarge",
        source=_PAGE,
    ),
    channels=(
        # CSV must be dense and is read in File mode only.
        ChannelSpec("train", (RECORDIO_PROTOBUF, "text/csv"), _PAGE, required=True, layout=_LAYOUT),
        ChannelSpec("test", (RECORDIO_PROTOBUF, "text/csv"), _PAGE, layout=_LAYOUT),
    ),
    # The per-word log-likelihood of the test documents (natural log, so negative; higher is better). How LDA
    # infers the test documents' topic mixtures is not documented.
    metrics=(MetricSpec("test:pwll", True, "per-word log-likelihood of the test documents, nats, < 0", _TUNING),),
    required=("num_topics", "feature_dim", "mini_batch_size"),
    required_source=dg("lda_hyperparameters"),
    tunable=(
        Range("alpha0", "Continuous", _TUNING, 0.1, 10),
        Range("num_topics", "Integer", _TUNING, 1, 150),
    ),
    inference=Inference(
        RECORD_REQUESTS,
        ("application/json", RECORDIO_PROTOBUF),
        _PAGE,
        gpu=False,
    ),
)
