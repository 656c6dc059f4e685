"""IP Insights: embeddings of (entity, IPv4 address) pairs that score how usual a pair is."""

from pipelines.algorithms.contract import (
    GPU_FAMILIES,
    Algorithm,
    ChannelSpec,
    Compute,
    Inference,
    MetricSpec,
    Range,
    dg,
)

_PAGE = dg("ip-insights")
_TUNING = dg("ip-insights-tuning")
_LAYOUT = "CSV without header: entity id, IPv4 address in dotted-decimal"

IP_INSIGHTS = Algorithm(
    name="IP Insights",
    framework="ipinsights",
    compute=Compute(
        cpu=True,
        gpu_families=GPU_FAMILIES,  # GPU recommended; CPU distributed training possible
        multi_instance=True,
        default_instance="ml.m5.xlarge",
        source=_PAGE,
    ),
    channels=(
        # text/csv only, File mode only (DG ip-insights-training-data-formats)
        ChannelSpec("train", ("text/csv",), dg("ip-insights-training-data-formats"), required=True, layout=_LAYOUT),
        ChannelSpec("validation", ("text/csv",), dg("ip-insights-training-data-formats"), layout=_LAYOUT),
    ),
    metrics=(
        MetricSpec(
            "validation:discriminator_auc", True, "AUC of validation pairs against random negatives, 0-1", _TUNING
        ),
    ),
    required=("num_entity_vectors", "vector_dim"),
    required_source=dg("ip-insights-hyperparameters"),
    tunable=(
        Range("epochs", "Integer", _TUNING, 1, 100),
        Range("learning_rate", "Continuous", _TUNING, 1e-4, 0.1),
        Range("mini_batch_size", "Integer", _TUNING, 100, 50000),
        Range("num_entity_vectors", "Integer", _TUNING, 10000, 1000000),
        Range("num_ip_encoder_layers", "Integer", _TUNING, 1, 10),
        Range("random_negative_sampling_rate", "Integer", _TUNING, 0, 10),
        Range("shuffled_negative_sampling_rate", "Integer", _TUNING, 0, 10),
        Range("vector_dim", "Integer", _TUNING, 8, 256),
        Range("weight_decay", "Continuous", _TUNING, 0, 1),
    ),
    inference=Inference(
        ("text/csv", "application/json", "application/jsonlines"),
        ("application/json", "application/jsonlines"),
        dg("ip-insights-inference-data-formats"),
    ),
)
