"""Object2Vec: embeddings of pairs of objects (here: user and movie ids) trained on a label per pair."""

from pipelines.algorithms.contract import (
    GPU_FAMILIES,
    Algorithm,
    ChannelSpec,
    Compute,
    Inference,
    MetricSpec,
    dg,
)

_PAGE = dg("object2vec")
_TUNING = dg("object2vec-tuning")
_FORMATS = ("application/jsonlines",)
_LAYOUT = 'JSON Lines {"in0": [token ids], "in1": [token ids], "label": number}'
_REGRESSION = {"output_layer": ("mean_squared_error",)}
_CLASSIFICATION = {"output_layer": ("softmax",)}


def _metrics(channel: str) -> tuple[MetricSpec, ...]:
    return (
        MetricSpec(f"{channel}:mean_squared_error", False, "MSE of the labels", _TUNING, when=_REGRESSION),
        MetricSpec(f"{channel}:accuracy", True, "fraction correct, 0-1", _TUNING, when=_CLASSIFICATION),
        MetricSpec(f"{channel}:cross_entropy", False, "log loss, >= 0", _TUNING, when=_CLASSIFICATION),
    )


OBJECT2VEC = Algorithm(
    name="Object2Vec",
    framework="object2vec",
    compute=Compute(
        cpu=True,
        gpu_families=GPU_FAMILIES,
        multi_instance=False,  # a single machine (multi-GPU allowed)
        default_instance="ml.m5.2xlarge",  # "start with ml.m5.2xlarge" for CPU (DG object2vec, instances)
        source=_PAGE,
    ),
    channels=(
        ChannelSpec("train", _FORMATS, dg("object2vec-training-formats"), required=True, layout=_LAYOUT),
        ChannelSpec("validation", _FORMATS, dg("object2vec-training-formats"), layout=_LAYOUT),
        ChannelSpec("test", _FORMATS, dg("object2vec-training-formats"), layout=_LAYOUT),
    ),
    metrics=(*_metrics("validation"), *_metrics("test")),
    required=("enc0_max_seq_len", "enc0_vocab_size"),
    required_source=dg("object2vec-hyperparameters"),
    spellings={"output_layer": ("softmax", "mean_squared_error")},
    spellings_source=dg("object2vec-hyperparameters"),
    # No pipeline tunes Object2Vec: its tunable ranges are not recorded here.
    inference=Inference(
        ("application/json", "application/jsonlines"),
        ("application/json", "application/jsonlines"),
        dg("object2vec-inference-formats"),
    ),
)
