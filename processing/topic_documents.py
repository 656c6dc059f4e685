"""Seeded synthetic bag-of-words documents for the built-in LDA and NTM algorithms, generated here (no input).

The construction of Griffiths and Steyvers, "Finding Scientific Topics" (PNAS 2004), as the SageMaker LDA and NTM
example notebooks use it:
  vocabulary  25 words laid out as a 5 x 5 grid; word r * 5 + c sits in row r, column c and is named `r{r}c{c}`
              (r0c0, r0c1, ..., r4c4): feature i of every record counts word i.
  topics      each topic spreads its mass evenly (1/5 each) over the 5 words of one line of the grid. --topics k
              (2..10) takes the columns first, then the rows: topic t < 5 is column t, topic 5 + j is row j. So the
              default 5 topics are the 5 columns, and 10 topics are all 5 columns and all 5 rows.
  documents   per document, drawn from np.random.default_rng(seed) in this order for all documents at once: the topic
              mixture theta ~ Dirichlet(1/k, ..., 1/k); the length ~ Poisson(--average-length), at least 1 word; the
              word counts ~ Multinomial(length, theta @ topic word distributions). The notebooks' generator uses
              np.int / np.float, which numpy 1.24 removed; the same arguments here give byte-identical files.

Output: RecordIO-protobuf, one dense float32 record of the 25 word counts per document, without labels.
  --target lda  DIR/train/train.recordio: the first 90% of the documents (rounded down); DIR/test/test.recordio:
                the rest (LDA reports test:pwll on a test channel).
  --target ntm  DIR/train/train.recordio: the first 80% (rounded down); DIR/validation/validation.recordio: the
                rest (NTM's validation:total_loss); DIR/auxiliary/vocab.txt: the 25 word names, one a line, in
                feature order (NTM's auxiliary channel).
--documents defaults to 6000 for lda and 5000 for ntm.

--baseline METRIC also writes DIR/baseline/baseline.json (see shared.baselines) for the pipeline's quality gate:
what a model with no topics scores, one topic that is the training documents' word frequencies with add-one
(Laplace) smoothing, p(w) = (train count of w + 1) / (train words + 25). One metric per target:
  --target lda  test:pwll, LDA's per-word log-likelihood (natural log) of the test documents: value = sum over the
                test documents and words of count * ln p(w), divided by the number of test words.
  --target ntm  validation:total_loss, the same computed on the validation documents and negated: value =
                -(sum over the validation documents and words of count * ln p(w)) / (validation words), a
                per-word negative log-likelihood in nats (positive; about ln 25 = 3.22 on these documents).
Its "records" counts the documents of that split.

How the ntm baseline reads total_loss is an assumption. NTM documents validation:total_loss only as
"reconstruction loss + KL divergence" (Developer Guide, ntm-tuning), not its normalization. It is read here as a
per-word negative log-likelihood in nats, the KL term of a model without topics being 0: its scale of about 7 on
the 2,000-word 20 Newsgroups example matches ln 2000 = 7.6 per word, where a per-document sum would be in the
hundreds. Should NTM report another normalization (per document, or a mean over the mini-batches of a sum), this
baseline is on another scale than the metric and the gate comparing them means nothing.
"""

import argparse
import os
from collections.abc import Sequence

import numpy as np
from shared.arguments import non_negative, positive
from shared.baselines import OUTPUT as BASELINE_OUTPUT
from shared.baselines import Baseline, check_metric
from shared.cli import run
from shared.outputs import staged_outputs
from shared.recordio import write_dense

GRID = 5
VOCABULARY = tuple(f"r{row}c{column}" for row in range(GRID) for column in range(GRID))
MIN_TOPICS, MAX_TOPICS = 2, 2 * GRID
# Counts are written as float32, which holds integers exactly up to 2**24: keep the documents well below that.
MAX_AVERAGE_LENGTH = 1_000_000
# At most this many documents: 166 times the pipeline's 6,000, and the generator's arrays (a few hundred bytes a
# document: topic mixtures, word probabilities and counts) stay within a few hundred MB.
MAX_DOCUMENTS = 1_000_000
# target -> (default --documents, tenths of the documents in train, name of the held-out split)
TARGETS = {"lda": (6000, 9, "test"), "ntm": (5000, 8, "validation")}
# target -> the metrics --baseline computes for it
BASELINE_METRICS = {"lda": ("test:pwll",), "ntm": ("validation:total_loss",)}
UNIGRAM_MODEL = "one topic: the training corpus' word frequencies, add-one smoothed"
# target -> the baseline's model in words (baseline.json "model")
BASELINE_MODELS = {"lda": UNIGRAM_MODEL, "ntm": f"{UNIGRAM_MODEL} (per-word negative log-likelihood)"}


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    counts = generate(args.seed, args.documents, args.topics, args.average_length)
    train_count = split_sizes(args.target, args.documents)[0]
    held_out = TARGETS[args.target][2]
    splits = {"train": counts[:train_count], held_out: counts[train_count:]}
    names = [*splits, "auxiliary"] if args.target == "ntm" else list(splits)
    baseline = None
    if args.baseline is not None:  # parse_args allows only test:pwll for lda, validation:total_loss for ntm
        score = unigram_pwll if args.target == "lda" else unigram_nll
        value = score(splits["train"], splits[held_out])
        baseline = Baseline(args.baseline, value, BASELINE_MODELS[args.target], held_out, len(splits[held_out]))
        names.append(BASELINE_OUTPUT)
    with staged_outputs({name: os.path.join(args.output_dir, name) for name in names}) as staging:
        for split, rows in splits.items():
            with open(os.path.join(staging[split], f"{split}.recordio"), "wb") as file:
                write_dense(file, rows)
        if args.target == "ntm":
            write_vocabulary(os.path.join(staging["auxiliary"], "vocab.txt"))
        if baseline is not None:
            baseline.write(staging[BASELINE_OUTPUT])
    sizes = ", ".join(f"{split} {len(rows)}" for split, rows in splits.items())
    print(
        f"topic_documents: wrote {args.documents} documents for {args.target} ({args.topics} topics, average length "
        f"{args.average_length}, seed {args.seed}): {sizes}" + (", vocabulary 25 words" if args.target == "ntm" else "")
    )
    if baseline is not None:
        print(baseline.summary("topic_documents"))
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="topic_documents", description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", required=True, help="gets train/ and test/ (lda) or validation/ and auxiliary/")
    parser.add_argument("--target", required=True, choices=sorted(TARGETS), help="the algorithm the data are for")
    parser.add_argument("--seed", type=non_negative, default=0)
    parser.add_argument("--documents", type=positive, help="number of documents (default: 6000 lda, 5000 ntm)")
    parser.add_argument("--topics", type=positive, default=5, help="2..10: the grid's columns, then its rows")
    parser.add_argument("--average-length", type=positive, default=150, help="mean words per document (Poisson)")
    parser.add_argument(
        "--baseline",
        metavar="METRIC",
        help="also write baseline/baseline.json; lda: test:pwll, ntm: validation:total_loss",
    )
    args = parser.parse_args(argv)
    if not MIN_TOPICS <= args.topics <= MAX_TOPICS:
        parser.error(f"--topics must be {MIN_TOPICS}..{MAX_TOPICS} (5 columns + 5 rows of the grid), got {args.topics}")
    if args.average_length > MAX_AVERAGE_LENGTH:
        parser.error(f"--average-length must be at most {MAX_AVERAGE_LENGTH:,} (counts are float32)")
    if args.documents is None:
        args.documents = TARGETS[args.target][0]
    if args.documents > MAX_DOCUMENTS:
        parser.error(f"--documents must be at most {MAX_DOCUMENTS:,}, got {args.documents:,}")
    if min(split_sizes(args.target, args.documents)) < 1:
        held_out = TARGETS[args.target][2]
        parser.error(f"--documents {args.documents} is too few to give train and {held_out} a document each")
    splits = ("train", TARGETS[args.target][2])
    check_metric(parser, args.baseline, BASELINE_METRICS[args.target], splits, f" with --target {args.target}")
    return args


def split_sizes(target: str, documents: int) -> tuple[int, int]:
    """(train, held-out) document counts: train is the target's share (90% or 80%), rounded down."""
    train = documents * TARGETS[target][1] // 10
    return train, documents - train


def topic_words(topics: int) -> np.ndarray:
    """(topics, 25) word distributions: topic t < 5 is uniform on column t, topic 5 + j on row j."""
    grid = np.arange(GRID * GRID).reshape(GRID, GRID)
    lines = [grid[:, column] for column in range(GRID)] + [grid[row, :] for row in range(GRID)]
    words = np.zeros((topics, GRID * GRID))
    for topic in range(topics):
        words[topic, lines[topic]] = 1 / GRID
    return words


def generate(seed: int, documents: int, topics: int, average_length: int) -> np.ndarray:
    """(documents, 25) float32 word counts, drawn as the module docstring describes."""
    rng = np.random.default_rng(seed)
    mixtures = rng.dirichlet(np.full(topics, 1 / topics), documents)
    lengths = np.maximum(rng.poisson(average_length, documents), 1)
    return word_counts(rng, mixtures, lengths, topic_words(topics))


def word_counts(rng: np.random.Generator, mixtures: np.ndarray, lengths: np.ndarray, words: np.ndarray) -> np.ndarray:
    """(documents, 25) float32 counts: lengths[i] words drawn from mixtures[i] @ words."""
    probabilities = mixtures @ words
    probabilities /= probabilities.sum(axis=1, keepdims=True)  # rounding must not push a row's sum above 1
    return rng.multinomial(lengths, probabilities).astype(np.float32)


def unigram_pwll(train: np.ndarray, test: np.ndarray) -> float:
    """Per-word natural-log likelihood of the test counts under the add-one smoothed word frequencies of train."""
    frequencies = train.sum(axis=0, dtype=np.float64) + 1
    log_probabilities = np.log(frequencies / frequencies.sum())
    counts = test.astype(np.float64)
    return float((counts @ log_probabilities).sum() / counts.sum())


def unigram_nll(train: np.ndarray, held_out: np.ndarray) -> float:
    """Per-word negative natural-log likelihood (nats, positive) of the held-out counts under the add-one smoothed
    word frequencies of train: -unigram_pwll, the ntm baseline of validation:total_loss."""
    return -unigram_pwll(train, held_out)


def write_vocabulary(path: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as file:
        file.write("".join(f"{word}\n" for word in VOCABULARY))
