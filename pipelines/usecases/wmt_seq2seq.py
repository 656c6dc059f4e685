"""Use case 20: Seq2Seq English-to-German translation on WMT17 (the preprocessed, tokenized release).

Download (corpus.tc.en.gz, corpus.tc.de.gz, dev.tgz; the only step with network access; no published checksums to
pin, so it logs their SHA-256) -> Preprocess (the first MaxSentencePairs training pairs, vocabularies of
VocabularySize, RecordIO-protobuf int32 token ids; newstest2014 as validation) -> Train on a GPU (channels train,
validation, vocab) -> if validation:bleu >= MetricThreshold: register, else fail. The default run is NB20's cheap
demo (10,000 pairs): expect a low BLEU; the threshold is low.
"""

from pipelines.algorithms import SEQ2SEQ
from pipelines.builder import PipelineBuilder
from pipelines.datasets import WMT17_DE_EN, WMT17_FILES
from pipelines.sdk import ParameterString
from pipelines.steps.processing import OUTPUT_ROOT, input_path
from pipelines.steps.training import JobLimits
from pipelines.usecase import BaselineNote, UseCase

# NB20's max_seq_len_source/target. Longer training pairs are left out of the training records (Sockeye, which
# Seq2Seq is built on, leaves them out too); the validation set is kept whole, so BLEU is newstest2014's.
MAX_SEQUENCE_LENGTH = 60
HYPERPARAMETERS = {  # NB20's settings
    "max_seq_len_source": MAX_SEQUENCE_LENGTH,
    "max_seq_len_target": MAX_SEQUENCE_LENGTH,
    "optimized_metric": "bleu",
    "batch_size": 64,
    "checkpoint_frequency_num_batches": 1000,
    "rnn_num_hidden": 512,
    "num_layers_encoder": 1,
    "num_layers_decoder": 1,
    "num_embed_source": 512,
    "num_embed_target": 512,
    "checkpoint_threshold": 3,
    "max_num_batches": 2100,
}


def build(p: PipelineBuilder) -> None:
    # Strings, because processing container arguments are strings (the script checks they are whole numbers).
    max_pairs = p.parameter(
        ParameterString("MaxSentencePairs", "10000"),
        "Training sentence pairs read from the start of the corpus (0 = all, about 5.9 million).",
    )
    vocabulary_size = p.parameter(
        ParameterString("VocabularySize", "50000"),
        "Entries of each language's vocabulary, the special tokens <pad> <unk> <s> </s> included.",
    )
    download = p.download(WMT17_DE_EN, WMT17_FILES)
    prepare = p.process(
        "Preprocess",
        "wmt",
        inputs={"raw": download.output("raw")},
        outputs=("train", "validation", "vocab"),
        arguments=[
            "--input",
            input_path("raw"),
            "--output-dir",
            OUTPUT_ROOT,
            "--max-pairs",
            max_pairs,
            "--vocab-size",
            vocabulary_size,
            "--max-length",
            str(MAX_SEQUENCE_LENGTH),
        ],  # fmt: skip
    )
    p.train_and_register(
        SEQ2SEQ,
        HYPERPARAMETERS,
        # Seq2Seq knows its three channels' formats (RecordIO-protobuf records, JSON vocabularies): like NB20, the
        # channels declare no content type.
        prepare.channels(None, "train", "validation", "vocab"),
        metric="validation:bleu",
        description="Seq2Seq English-German translation (WMT17), gated on validation BLEU.",
        gate_name="CheckBleu",
        limits=JobLimits(max_runtime_in_seconds=4 * 3600),
    )


USE_CASE = UseCase(
    name="wmt-seq2seq",
    title="Seq2Seq English-German translation on WMT17",
    algorithms=(SEQ2SEQ,),
    dataset_name="WMT17 en-de, preprocessed (corpus.tc.*: about 5.9M pairs; newstest2014: 3,003 pairs)",
    dataset=WMT17_DE_EN,
    metric_threshold=0.01,  # Seq2Seq reports BLEU as a fraction (Sockeye's sacrebleu score / 100)
    baseline=BaselineNote(
        value=0.0,
        model="a translation that shares no 4-gram with the references",
        source="the definition of BLEU (Papineni et al. 2002): the geometric mean of the 1- to 4-gram precisions "
        "is 0 when no 4-gram matches, whatever the sentences",
        at_run_time=False,
    ),
    processing_instance_type="ml.m5.xlarge",
    build=build,
)
