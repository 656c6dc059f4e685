"""DeepAR: probabilistic forecasting of one-dimensional time series with a recurrent network."""

from pipelines.algorithms.contract import (
    GPU_FAMILIES,
    Algorithm,
    ChannelSpec,
    Compute,
    Inference,
    MetricSpec,
    Range,
    dg,
    example,
)

_PAGE = dg("deepar")
_TUNING = dg("deepar-tuning")
# JSON Lines records {"start": "YYYY-MM-DD HH:MM:SS", "target": [...]}; the format follows the file extension
# (.json, .json.gz, .parquet) unless the channel names it; the Chicago example names it "json".
_FORMATS = (None, "json")
_SOURCE = f"{_PAGE}; {example('introduction_to_applying_machine_learning/deepar_chicago_traffic_violations')}"
_LAYOUT = 'JSON Lines {"start": "YYYY-MM-DD HH:MM:SS", "target": [numbers]}, files ending in .json'

DEEPAR = Algorithm(
    name="DeepAR",
    framework="forecasting-deepar",
    compute=Compute(
        cpu=True,
        gpu_families=GPU_FAMILIES,
        multi_instance=True,
        default_instance="ml.c5.2xlarge",  # "start with ml.c4.2xlarge or ml.c4.4xlarge" (DG deepar, instances)
        source=_PAGE,
    ),
    channels=(
        ChannelSpec("train", _FORMATS, _SOURCE, required=True, layout=_LAYOUT),
        ChannelSpec("test", _FORMATS, _SOURCE, layout=_LAYOUT),
    ),
    metrics=(
        # Pooled over the last prediction_length points of every test series; the forecast is the mean of the
        # sample paths (DG deepar_how-it-works, deepar-tuning).
        MetricSpec("test:RMSE", False, "root mean squared error of the mean forecast, target units", _TUNING),
        MetricSpec("test:mean_wQuantileLoss", False, "mean weighted quantile loss, >= 0", _TUNING),
        MetricSpec("train:final_loss", False, "training negative log-likelihood", _TUNING),
    ),
    required=("context_length", "epochs", "prediction_length", "time_freq"),
    required_source=dg("deepar_hyperparameters"),
    spellings={"likelihood": ("gaussian", "beta", "negative-binomial", "student-T", "deterministic-L1")},
    spellings_source=dg("deepar_hyperparameters"),
    tunable=(  # likelihood is not tunable
        Range("mini_batch_size", "Integer", _TUNING, 32, 1028),
        Range("epochs", "Integer", _TUNING, 1, 1000),
        Range("context_length", "Integer", _TUNING, 1, 200),
        Range("num_cells", "Integer", _TUNING, 30, 200),
        Range("num_layers", "Integer", _TUNING, 1, 8),
        Range("dropout_rate", "Continuous", _TUNING, 0, 0.2),
        Range("embedding_dimension", "Integer", _TUNING, 1, 50),
        Range("learning_rate", "Continuous", _TUNING, 1e-5, 1e-1),
    ),
    # Real time JSON, batch transform JSON Lines; inference runs on CPU only (DG deepar, instances).
    inference=Inference(
        ("application/json", "application/jsonlines"),
        ("application/json", "application/jsonlines"),
        dg("deepar-in-formats"),
        gpu=False,
    ),
)
