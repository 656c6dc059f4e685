"""processing/topic_documents.py: seeded Griffiths-Steyvers bag-of-words documents -> LDA / NTM RecordIO (no input)."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
import topic_documents
from processing_testlib import files_under, run_processing
from recordio_reader import read_dense

SPLITS = ("train", "test", "validation", "auxiliary")
VOCABULARY = [f"r{row}c{column}" for row in range(5) for column in range(5)]


@pytest.fixture
def output_splits() -> tuple[str, ...]:
    return SPLITS


def run_topics(output: Path, target: str, *extra) -> int:
    return topic_documents.main(["--output-dir", str(output), "--target", target, *map(str, extra)])


def read_split(output: Path, split: str) -> np.ndarray:
    features, labels = read_dense((output / split / f"{split}.recordio").read_bytes())
    assert labels is None
    return features


def line_words(topic: int) -> set[int]:
    """The documented grid line of a topic: column t for t < 5, then row t - 5; word index = row * 5 + column."""
    if topic < 5:
        return {row * 5 + topic for row in range(5)}
    return {(topic - 5) * 5 + column for column in range(5)}


def test_lda_defaults_write_6000_documents_split_90_10(output, capsys):
    assert run_topics(output, "lda") == 0

    assert files_under(output) == [output / "test" / "test.recordio", output / "train" / "train.recordio"]
    train, test = read_split(output, "train"), read_split(output, "test")
    assert train.shape == (5400, 25) and test.shape == (600, 25)
    assert train.dtype == test.dtype == np.float32
    assert "wrote 6000 documents for lda" in capsys.readouterr().out


def test_ntm_defaults_write_5000_documents_split_80_20_and_the_vocabulary(output, capsys):
    assert run_topics(output, "ntm") == 0

    assert files_under(output) == [
        output / "auxiliary" / "vocab.txt",
        output / "train" / "train.recordio",
        output / "validation" / "validation.recordio",
    ]
    assert read_split(output, "train").shape == (4000, 25)
    assert read_split(output, "validation").shape == (1000, 25)
    assert (output / "auxiliary" / "vocab.txt").read_bytes() == ("\n".join(VOCABULARY) + "\n").encode("ascii")
    assert "wrote 5000 documents for ntm" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("target", "documents", "sizes"),
    [("lda", 2, (1, 1)), ("lda", 19, (17, 2)), ("lda", 100, (90, 10)), ("ntm", 2, (1, 1)), ("ntm", 19, (15, 4))],
)
def test_train_gets_the_first_share_rounded_down(output, target, documents, sizes):
    assert run_topics(output, target, "--documents", documents, "--seed", 3) == 0

    held_out = "test" if target == "lda" else "validation"
    train, rest = read_split(output, "train"), read_split(output, held_out)
    assert (len(train), len(rest)) == sizes
    # In document order: the files are the generated documents, split, not shuffled.
    np.testing.assert_array_equal(np.vstack([train, rest]), topic_documents.generate(3, documents, 5, 150))


def test_lda_and_ntm_hold_the_same_documents_split_differently(tmp_path):
    assert run_topics(tmp_path / "lda", "lda", "--documents", 50, "--seed", 9) == 0
    assert run_topics(tmp_path / "ntm", "ntm", "--documents", 50, "--seed", 9) == 0

    lda = np.vstack([read_split(tmp_path / "lda", "train"), read_split(tmp_path / "lda", "test")])
    ntm = np.vstack([read_split(tmp_path / "ntm", "train"), read_split(tmp_path / "ntm", "validation")])
    np.testing.assert_array_equal(lda, ntm)
    assert not (tmp_path / "lda" / "auxiliary").exists()


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path):
    outputs = {name: tmp_path / name for name in ("a", "b", "c")}
    for name, seed in (("a", 4), ("b", 4), ("c", 5)):
        assert run_topics(outputs[name], "ntm", "--seed", seed, "--documents", 40) == 0

    for split in ("train", "validation"):
        first, again, other = (outputs[name] / split / f"{split}.recordio" for name in ("a", "b", "c"))
        assert first.read_bytes() == again.read_bytes()
        assert first.read_bytes() != other.read_bytes()
    assert (outputs["a"] / "auxiliary" / "vocab.txt").read_bytes() == (
        outputs["c"] / "auxiliary" / "vocab.txt"
    ).read_bytes()


def test_counts_are_non_negative_integers_summing_to_poisson_lengths(output):
    assert run_topics(output, "lda", "--documents", 2000, "--average-length", 80, "--seed", 1) == 0

    counts = np.vstack([read_split(output, "train"), read_split(output, "test")])
    assert counts.shape == (2000, 25)
    assert np.all(counts >= 0)
    np.testing.assert_array_equal(counts, np.round(counts))
    lengths = counts.sum(axis=1)
    assert lengths.min() >= 1
    assert abs(lengths.mean() - 80) < 1  # Poisson(80): standard error of the mean 0.2
    assert abs(lengths.var() - 80) < 15  # and its variance equals its mean
    assert np.all(counts.sum(axis=0) > 0)  # 5 column topics reach every word


def test_lengths_are_at_least_one_word():
    counts = topic_documents.generate(0, 3000, 5, 1)
    lengths = counts.sum(axis=1)
    assert lengths.min() == 1  # Poisson(1) gives 0 about 37% of the time: those get 1 word
    assert np.mean(lengths == 1) > 0.6


def test_values_follow_the_documented_draws():
    seed, documents, topics, average = 11, 30, 7, 40
    rng = np.random.default_rng(seed)
    mixtures = rng.dirichlet(np.full(topics, 1 / topics), documents)
    lengths = np.maximum(rng.poisson(average, documents), 1)
    words = np.zeros((topics, 25))
    for topic in range(topics):
        words[topic, sorted(line_words(topic))] = 0.2
    probabilities = mixtures @ words
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    expected = rng.multinomial(lengths, probabilities).astype(np.float32)

    np.testing.assert_array_equal(topic_documents.generate(seed, documents, topics, average), expected)


@pytest.mark.parametrize("topics", range(2, 11))
def test_each_topic_puts_its_mass_evenly_on_its_grid_line(topics):
    words = topic_documents.topic_words(topics)
    assert words.shape == (topics, 25)
    for topic in range(topics):
        assert set(np.flatnonzero(words[topic])) == line_words(topic)
        np.testing.assert_array_equal(words[topic][sorted(line_words(topic))], 0.2)


@pytest.mark.parametrize("topic", range(10))
def test_a_document_of_one_topic_uses_exactly_the_words_of_its_line(topic):
    rng = np.random.default_rng(topic)
    mixtures = np.zeros((200, 10))
    mixtures[:, topic] = 1
    counts = topic_documents.word_counts(rng, mixtures, np.full(200, 100), topic_documents.topic_words(10))

    used = np.flatnonzero(counts.sum(axis=0))
    assert set(used) == line_words(topic)
    totals = counts.sum(axis=0)[sorted(line_words(topic))]
    assert np.all(np.abs(totals / 20_000 - 0.2) < 0.02)  # each of the 5 words about 1/5 of the words


def test_two_topics_keep_every_document_on_the_first_two_columns(output):
    assert run_topics(output, "lda", "--topics", 2, "--documents", 300, "--seed", 2) == 0

    counts = np.vstack([read_split(output, "train"), read_split(output, "test")])
    assert set(np.flatnonzero(counts.sum(axis=0))) == line_words(0) | line_words(1)


def test_documents_are_dominated_by_few_topics(output):
    """Dirichlet(1/5): most documents draw nearly all their words from one or two columns, unlike a uniform mix."""
    assert run_topics(output, "ntm", "--documents", 1000, "--average-length", 200, "--seed", 6) == 0

    counts = np.vstack([read_split(output, "train"), read_split(output, "validation")])
    per_column = counts.reshape(-1, 5, 5).sum(axis=1)  # word r * 5 + c -> column c
    top_two = np.sort(per_column, axis=1)[:, -2:].sum(axis=1) / counts.sum(axis=1)
    assert np.median(top_two) > 0.85  # a uniform mix would give about 0.45
    # Within a column the 5 words are equally likely, so the rows share the words about evenly overall.
    per_row = counts.reshape(-1, 5, 5).sum(axis=(0, 2)) / counts.sum()
    assert np.all(np.abs(per_row - 0.2) < 0.01)


def test_vocabulary_names_the_grid_positions_in_feature_order():
    assert list(topic_documents.VOCABULARY) == VOCABULARY
    assert VOCABULARY[7] == "r1c2"  # word 7 = row 1, column 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--target", "lda", "--topics", 1), "--topics must be 2..10"),
        (("--target", "lda", "--topics", 11), "--topics must be 2..10"),
        (("--target", "ntm", "--topics", 0), "argument --topics: must be a positive integer"),
        (("--target", "lda", "--documents", 0), "argument --documents: must be a positive integer"),
        (("--target", "lda", "--documents", 1), "--documents 1 is too few to give train and test"),
        (("--target", "ntm", "--documents", 1), "--documents 1 is too few to give train and validation"),
        (("--target", "lda", "--average-length", 0), "argument --average-length: must be a positive integer"),
        (("--target", "lda", "--average-length", -5), "argument --average-length"),
        (("--target", "lda", "--average-length", 2_000_000), "--average-length must be at most"),
        (("--target", "lda", "--seed", -1), "argument --seed: must not be negative"),
        (("--target", "lda", "--documents", "x"), "argument --documents: not an integer"),
        (("--target", "lda", "--documents", 10**12), "--documents must be at most 1,000,000"),  # was a MemoryError
        (("--target", "ntm", "--documents", 1_000_001), "--documents must be at most 1,000,000, got 1,000,001"),
        (("--target", "pca",), "argument --target: invalid choice"),
        ((), "--target"),
        (("--target", "lda", "--bogus"), "unrecognized arguments"),
    ],
)  # fmt: skip
def test_bad_arguments_exit_2_without_output(output, capsys, arguments, message):
    with pytest.raises(SystemExit) as exit_info:
        topic_documents.main(["--output-dir", str(output), *map(str, arguments)])

    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "topic_documents: error:" in err
    assert message in err
    assert files_under(output) == []


def test_output_dir_is_required(capsys):
    with pytest.raises(SystemExit) as exit_info:
        topic_documents.main(["--target", "lda"])
    assert exit_info.value.code == 2
    assert "--output-dir" in capsys.readouterr().err


def test_an_unwritable_output_exits_2_and_leaves_nothing(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")

    assert run_topics(blocker / "output", "ntm", "--documents", 5) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert blocker.read_text() == "not a folder"


def test_runs_through_the_dispatcher(tmp_path):
    result = run_processing("topic_documents", "--output-dir", tmp_path / "out", "--target", "ntm", "--documents", 10)
    assert result.returncode == 0, result.stderr
    assert read_split(tmp_path / "out", "train").shape == (8, 25)
    assert read_split(tmp_path / "out", "validation").shape == (2, 25)
    assert (tmp_path / "out" / "auxiliary" / "vocab.txt").read_text().split() == VOCABULARY


# --- --baseline test:pwll (lda) ---------------------------------------------------------------------------------


def test_unigram_pwll_on_a_hand_worked_example():
    # Train counts 3 and 1 of two words: add-one frequencies 4/6 and 2/6. A test document with one of each word
    # has the per-word log-likelihood (ln 2/3 + ln 1/3) / 2; adding a document of 2 first words adds 2 ln 2/3.
    train = np.array([[3, 0], [0, 1]], dtype=np.float32)
    assert topic_documents.unigram_pwll(train, np.array([[1, 1]], np.float32)) == pytest.approx(
        (math.log(2 / 3) + math.log(1 / 3)) / 2
    )
    assert topic_documents.unigram_pwll(train, np.array([[1, 1], [2, 0]], np.float32)) == pytest.approx(
        (3 * math.log(2 / 3) + math.log(1 / 3)) / 4
    )


def test_lda_baseline_is_the_pwll_of_the_test_documents_under_the_train_word_frequencies(output, capsys):
    assert run_topics(output, "lda", "--documents", 50, "--average-length", 20, "--baseline", "test:pwll") == 0

    assert files_under(output) == [
        output / "baseline" / "baseline.json",
        output / "test" / "test.recordio",
        output / "train" / "train.recordio",
    ]
    train, test = read_split(output, "train"), read_split(output, "test")
    totals = [sum(int(document[word]) for document in train) for word in range(25)]
    words = sum(totals)
    log_likelihood = sum(
        int(document[word]) * math.log((totals[word] + 1) / (words + 25)) for document in test for word in range(25)
    )
    document = json.loads((output / "baseline" / "baseline.json").read_text())
    assert document == {
        "metric": "test:pwll",
        "value": pytest.approx(log_likelihood / int(test.sum()), rel=1e-12),
        "model": "one topic: the training corpus' word frequencies, add-one smoothed",
        "split": "test",
        "records": 5,  # test documents
    }
    assert capsys.readouterr().out.endswith(
        f"topic_documents: baseline test:pwll {document['value']:.6g} ({document['model']} on test, 5 rows)\n"
    )


@pytest.mark.parametrize(
    ("target", "metric", "files"),
    [
        ("lda", "test:pwll", ["test/test.recordio", "train/train.recordio"]),
        (
            "ntm",
            "validation:total_loss",
            ["auxiliary/vocab.txt", "train/train.recordio", "validation/validation.recordio"],
        ),
    ],
)
def test_without_baseline_no_baseline_folder_appears_and_the_outputs_are_the_same(tmp_path, target, metric, files):
    assert run_topics(tmp_path / "plain", target, "--documents", 40) == 0
    assert run_topics(tmp_path / "with", target, "--documents", 40, "--baseline", metric) == 0

    assert not (tmp_path / "plain" / "baseline").exists()
    assert files_under(tmp_path / "plain") == [tmp_path / "plain" / path for path in files]
    for path in files:
        assert (tmp_path / "plain" / path).read_bytes() == (tmp_path / "with" / path).read_bytes()


@pytest.mark.parametrize(
    ("target", "metric", "reason", "supported"),
    [
        ("lda", "test:perplexity", "no baseline for this metric with --target lda", "test:pwll"),
        ("lda", "validation:pwll", "the validation split is not written (written: train, test)", "test:pwll"),
        ("lda", "pwll", "not of the form CHANNEL:NAME", "test:pwll"),
        ("lda", "validation:total_loss", "the validation split is not written (written: train, test)", "test:pwll"),
        ("ntm", "test:pwll", "the test split is not written (written: train, validation)", "validation:total_loss"),
        ("ntm", "validation:pwll", "no baseline for this metric with --target ntm", "validation:total_loss"),
        ("ntm", "train:total_loss", "no baseline for this metric with --target ntm", "validation:total_loss"),
        ("ntm", "total_loss", "not of the form CHANNEL:NAME", "validation:total_loss"),
    ],
)
def test_an_unsupported_baseline_metric_exits_2_without_output(output, capsys, target, metric, reason, supported):
    with pytest.raises(SystemExit) as exit_info:
        run_topics(output, target, "--documents", 20, "--baseline", metric)

    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    expected = f"topic_documents: error: --baseline {metric}: {reason}; supported with --target {target}: {supported}\n"
    assert expected in err
    assert files_under(output) == []


# --- --baseline validation:total_loss (ntm) ---------------------------------------------------------------------

NTM_MODEL = "one topic: the training corpus' word frequencies, add-one smoothed (per-word negative log-likelihood)"


def unigram_nll_by_hand(train: np.ndarray, held_out: np.ndarray) -> float:
    """-(sum of count * ln p(w) over the held-out documents and words) / held-out words, p(w) = (train count of
    w + 1) / (train words + vocabulary size), with plain loops."""
    vocabulary = len(train[0])
    totals = [sum(int(document[word]) for document in train) for word in range(vocabulary)]
    words = sum(totals)
    log_likelihood, held_out_words = 0.0, 0
    for document in held_out:
        for word in range(vocabulary):
            count = int(document[word])
            log_likelihood += count * math.log((totals[word] + 1) / (words + vocabulary))
            held_out_words += count
    return -log_likelihood / held_out_words


def test_unigram_nll_on_a_hand_worked_example():
    # Train counts 3 and 1 of two words: add-one frequencies 4/6 and 2/6. A validation document with one of each
    # word costs (ln 3/2 + ln 3) / 2 = 0.752 nats a word, positive.
    train = np.array([[3, 0], [0, 1]], dtype=np.float32)
    value = topic_documents.unigram_nll(train, np.array([[1, 1]], np.float32))
    assert value == pytest.approx((math.log(3 / 2) + math.log(3)) / 2, rel=1e-12)
    assert value == pytest.approx(0.7520, abs=1e-4)
    # Three words, train counts 2, 0, 1: frequencies 3/6, 1/6, 2/6. Two documents, 0 2 1 and 1 0 0: 4 words, each
    # costing ln 6, ln 6, ln 3 and ln 2.
    train = np.array([[2, 0, 0], [0, 0, 1]], dtype=np.float32)
    validation = np.array([[0, 2, 1], [1, 0, 0]], dtype=np.float32)
    expected = (2 * math.log(6) + math.log(3) + math.log(2)) / 4
    assert topic_documents.unigram_nll(train, validation) == pytest.approx(expected, rel=1e-12)


def test_ntm_baseline_is_the_nll_of_the_validation_documents_under_the_train_word_frequencies(output, capsys):
    arguments = ("--documents", 50, "--average-length", 20, "--baseline", "validation:total_loss")
    assert run_topics(output, "ntm", *arguments) == 0

    assert files_under(output) == [
        output / "auxiliary" / "vocab.txt",
        output / "baseline" / "baseline.json",
        output / "train" / "train.recordio",
        output / "validation" / "validation.recordio",
    ]
    train, validation = read_split(output, "train"), read_split(output, "validation")
    assert (len(train), len(validation)) == (40, 10)
    document = json.loads((output / "baseline" / "baseline.json").read_text())
    assert document == {
        "metric": "validation:total_loss",
        "value": pytest.approx(unigram_nll_by_hand(train, validation), rel=1e-12),
        "model": NTM_MODEL,
        "split": "validation",
        "records": 10,  # validation documents
    }
    assert document["value"] > 0
    assert capsys.readouterr().out.endswith(
        f"topic_documents: baseline validation:total_loss {document['value']:.6g} ({NTM_MODEL} on validation, "
        "10 rows)\n"
    )


def test_ntm_baseline_with_the_pipeline_arguments_through_the_dispatcher(tmp_path):
    out = tmp_path / "out"
    result = run_processing("topic_documents", "--target", "ntm", "--seed", 0, "--output-dir", out,
                            "--baseline", "validation:total_loss")  # fmt: skip
    assert result.returncode == 0, result.stderr

    train, validation = read_split(out, "train"), read_split(out, "validation")
    assert (len(train), len(validation)) == (4000, 1000)
    document = json.loads((out / "baseline" / "baseline.json").read_text())
    assert (document["split"], document["records"]) == ("validation", 1000)
    assert document["value"] == pytest.approx(unigram_nll_by_hand(train, validation), rel=1e-12)
    # The 5 column topics use the 25 words about evenly, so one topic costs about ln 25 = 3.219 nats a word.
    assert abs(document["value"] - math.log(25)) < 0.01
