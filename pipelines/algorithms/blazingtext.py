"""BlazingText: word2vec (skipgram, cbow, batch_skipgram) and supervised text classification (fastText)."""

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

_PAGE = dg("blazingtext")
_TUNING = dg("blazingtext-tuning")
_WORD2VEC = ("skipgram", "cbow", "batch_skipgram")
_SUPERVISED = {"mode": ("supervised",)}
_BOOLEAN = ("True", "False")  # "Valid values: (Boolean) True or False" (DG blazingtext_hyperparameters)

BLAZINGTEXT = Algorithm(
    name="BlazingText",
    framework="blazingtext",
    compute=Compute(
        cpu=True,
        gpu_families=GPU_FAMILIES,  # one GPU instance at most
        # cbow, skipgram and supervised: one CPU or one GPU instance; batch_skipgram: one or more CPU instances.
        multi_instance={"mode": ("batch_skipgram",)},
        default_instance="ml.c5.2xlarge",  # a C5 instance for data under 2 GB (DG blazingtext, instances)
        source=_PAGE,
    ),
    channels=(
        # One sentence per line, space-separated tokens; supervised lines start with __label__<class> tokens.
        ChannelSpec("train", ("text/plain",), _PAGE, required=True, layout="one sentence per line"),
        # "For Word2Vec training, upload the file under the train channel. No other channels are supported."
        ChannelSpec("validation", ("text/plain",), _PAGE, layout="__label__<class> tokens...", when=_SUPERVISED),
    ),
    metrics=(
        # Spearman's rho on WordSimilarity-353, when `evaluation` is on (its default).
        MetricSpec(
            "train:mean_rho",
            True,
            "Spearman rank correlation with WS-353 similarities, -1 to 1",
            _TUNING,
            when={"mode": _WORD2VEC, "evaluation": ("True", None)},
        ),
        MetricSpec("validation:accuracy", True, "fraction correct, 0-1", _TUNING, when=_SUPERVISED),
    ),
    required=("mode",),
    required_source=dg("blazingtext_hyperparameters"),
    spellings={
        "mode": (*_WORD2VEC, "supervised"),
        "evaluation": _BOOLEAN,
        "subwords": _BOOLEAN,
        "early_stopping": _BOOLEAN,
    },
    spellings_source=dg("blazingtext_hyperparameters"),
    tunable=(  # word2vec and text classification share the ranges of the names they have in common
        Range("batch_size", "Integer", _TUNING, 8, 32),
        Range("buckets", "Integer", _TUNING, 1000000, 10000000),
        Range("epochs", "Integer", _TUNING, 5, 15),
        Range("learning_rate", "Continuous", _TUNING, 0.005, 0.01),
        Range("min_count", "Integer", _TUNING, 0, 100),
        Range("mode", "Categorical", _TUNING, values=_WORD2VEC),
        Range("negative_samples", "Integer", _TUNING, 5, 25),
        Range("sampling_threshold", "Continuous", _TUNING, 0.0001, 0.001),
        Range("vector_dim", "Integer", _TUNING, 32, 300),
        Range("window_size", "Integer", _TUNING, 1, 10),
        Range("word_ngrams", "Integer", _TUNING, 1, 3),
    ),
    # Real time JSON, batch transform JSON Lines; Content-Type and Accept must be equal.
    inference=Inference(
        ("application/json", "application/jsonlines"), ("application/json", "application/jsonlines"), _PAGE
    ),
)
