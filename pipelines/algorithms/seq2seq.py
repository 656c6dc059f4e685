"""Seq2Seq: sequence-to-sequence translation (MXNet Sockeye) on integer token ids."""

from pipelines.algorithms.contract import (
    GPU_FAMILIES,
    RECORDIO_PROTOBUF,
    Algorithm,
    ChannelSpec,
    Compute,
    Inference,
    MetricSpec,
    Range,
    dg,
    example,
)

_PAGE = dg("seq-2-seq")
_TUNING = dg("seq-2-seq-tuning")
_EXAMPLE = example("introduction_to_amazon_algorithms/seq2seq_translation_en-de/create_vocab_proto.py")
# The example's own training job leaves the channels' ContentType out; the algorithm knows its formats.
_RECORDS = 'RecordIO-protobuf, one record per pair: features["source"], features["target"] int32 tensors'

SEQ2SEQ = Algorithm(
    name="Seq2Seq",
    framework="seq2seq",
    compute=Compute(
        cpu=False,  # GPU only, one machine (several GPUs allowed)
        gpu_families=GPU_FAMILIES,
        multi_instance=False,
        default_instance="ml.g4dn.xlarge",
        source=_PAGE,
    ),
    channels=(
        # "If the algorithm doesn't find data in any of these three channels, training results in an error."
        ChannelSpec("train", (None, RECORDIO_PROTOBUF), f"{_PAGE}; {_EXAMPLE}", required=True, layout=_RECORDS),
        ChannelSpec("validation", (None, RECORDIO_PROTOBUF), f"{_PAGE}; {_EXAMPLE}", required=True, layout=_RECORDS),
        ChannelSpec(
            "vocab",
            (None,),
            f"{_PAGE}; {_EXAMPLE}",
            required=True,
            layout="vocab.src.json and vocab.trg.json: token -> id",
        ),
    ),
    metrics=(
        MetricSpec("validation:accuracy", True, "token accuracy, 0-1", _TUNING),
        # Sockeye, which Seq2Seq is built on, reports sacreBLEU / 100 during training: a fraction, not 0-100.
        MetricSpec("validation:bleu", True, "BLEU as a fraction, 0-1 (not 0-100)", _TUNING),
        MetricSpec("validation:perplexity", False, "perplexity, >= 1", _TUNING),
    ),
    spellings={"optimized_metric": ("perplexity", "accuracy", "bleu")},
    spellings_source=dg("seq-2-seq-hyperparameters"),
    tunable=(
        Range("num_layers_encoder", "Integer", _TUNING, 1, 10),
        Range("num_layers_decoder", "Integer", _TUNING, 1, 10),
        Range("optimizer_type", "Categorical", _TUNING, values=("adam", "sgd", "rmsprop")),
        Range("weight_init_type", "Categorical", _TUNING, values=("xavier", "uniform")),
        Range("learning_rate", "Continuous", _TUNING, 0.00005, 0.2),
        Range("weight_decay", "Continuous", _TUNING, 0.0, 0.1),
        Range("momentum", "Continuous", _TUNING, 0.5, 0.9),
        Range("clip_gradient", "Continuous", _TUNING, 1.0, 5.0),
    ),
    # Real time JSON (Content-Type equal to Accept), RecordIO-protobuf token ids in bulk, batch JSON Lines.
    inference=Inference(
        ("application/json", "application/jsonlines", RECORDIO_PROTOBUF),
        ("application/json", "application/jsonlines", RECORDIO_PROTOBUF),
        _PAGE,
    ),
)
