"""processing/evaluate_language_id.py: BlazingText batch-transform answers vs. the expected languages.

The prediction files are written by hand in the format of the BlazingText developer guide
(https://docs.aws.amazon.com/sagemaker/latest/dg/blazingtext.html, "Model Artifacts for the Text Classification
Algorithm"): Accept application/jsonlines, one `{"prob": [p], "label": ["__label__xx"]}` per request line, in a
file named after the input file plus ".out". Expected values are counted by hand in each test.
"""

import json
from pathlib import Path

import evaluate_language_id
import lid176
import pytest
from processing_testlib import assert_fails_in_process, assert_input_error, files_under, run_processing

LANGUAGES = ["en", "en", "fr", "de", "en"]


def answer(code: str, prob: float = 0.9, *others: str) -> str:
    """One line of BlazingText's JSON Lines answer; others: the next labels when k > 1."""
    labels = [f"__label__{code}", *(f"__label__{other}" for other in others)]
    return json.dumps({"prob": [prob] + [0.01] * len(others), "label": labels})


def write_lines(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def job(tmp_path) -> Path:
    """Expected languages, an empty predictions folder, an existing empty output folder."""
    write_lines(tmp_path / "language_test" / "languages.txt", LANGUAGES)
    (tmp_path / "predictions").mkdir()
    (tmp_path / "output").mkdir()
    return tmp_path


def predictions(job: Path, lines: list[str], name: str = "sentences.jsonl.out") -> Path:
    return write_lines(job / "predictions" / name, lines)


def run_evaluation(job: Path, languages: Path | None = None) -> int:
    return evaluate_language_id.main(
        [
            "--predictions-dir",
            str(job / "predictions"),
            "--languages-dir",
            str(languages or job / "language_test"),
            "--output-dir",
            str(job / "output"),
        ]  # fmt: skip
    )


def report(job: Path) -> dict:
    return json.loads((job / "output" / "evaluation.json").read_text())


def baseline(value: float, code: str, records: int) -> dict:
    return {"metric": "accuracy", "value": value, "model": f"always {code}", "split": "language_test",
            "records": records}  # fmt: skip


def test_accuracy_and_majority_baseline(job, capsys):
    # expected en en fr de en; answered en fr fr de en: 4 of 5 right. Majority: en, 3 of 5.
    predictions(job, [answer("en"), answer("fr"), answer("fr", 0.6), answer("de"), answer("en")])
    assert run_evaluation(job) == 0
    assert report(job) == {
        "language_id_metrics": {"accuracy": {"value": 0.8}, "sentences": {"value": 5}},
        "baseline": baseline(0.6, "en", 5),
    }
    assert capsys.readouterr().out == (
        "evaluate_language_id: 5 sentences, accuracy 0.8 (4 right); baseline 0.6: always en; "
        "misidentified: line 2 en -> fr\n"
    )


def test_blank_lines_between_assembled_batches_are_skipped(job):
    predictions(job, ["", answer("en"), answer("en"), "", "  ", answer("fr"), answer("de"), "", answer("it"), ""])
    assert run_evaluation(job) == 0
    assert report(job)["language_id_metrics"] == {"accuracy": {"value": 0.8}, "sentences": {"value": 5}}


def test_the_top_label_counts_when_k_is_more_than_1(job):
    # {"prob": [p1, p2], "label": ["__label__1", "__label__2"]}: the first label is the answer
    predictions(job, [answer("en", 0.9, "fr"), answer("fr", 0.5, "en"), answer("en", 0.5, "fr"), answer("de"),
                      answer("en")])  # fmt: skip
    assert run_evaluation(job) == 0
    assert report(job)["language_id_metrics"]["accuracy"] == {"value": 0.6}  # lines 2 and 3 wrong


def test_files_are_read_in_name_order_and_the_languages_file_may_be_given_itself(job):
    predictions(job, [answer("en"), answer("en")], name="a.jsonl.out")
    predictions(job, [answer("fr"), answer("de"), answer("de")], name="b.jsonl.out")
    assert run_evaluation(job, languages=job / "language_test" / "languages.txt") == 0
    assert report(job)["language_id_metrics"]["accuracy"] == {"value": 0.8}


def test_baseline_ties_go_to_the_first_code_in_sorted_order(job):
    write_lines(job / "language_test" / "languages.txt", ["fr", "de", "fr", "de", "zh"])
    predictions(job, [answer("fr"), answer("de"), answer("fr"), answer("nl"), answer("ja")])
    assert run_evaluation(job) == 0
    assert report(job) == {
        "language_id_metrics": {"accuracy": {"value": 0.6}, "sentences": {"value": 5}},
        "baseline": baseline(0.4, "de", 5),
    }


def test_lid176_test_set_answered_perfectly_and_all_wrong(tmp_path, capsys):
    model = tmp_path / "lid.176.bin"
    model.write_bytes(b"\xba\x16\x4f\x2f\x0c\x00\x00\x00" + bytes(32))  # magic 793712314, version 12
    assert lid176.main(["--input", str(model), "--output-dir", str(tmp_path / "out"), "--size", "40"]) == 0
    languages = tmp_path / "out" / "language_test"
    codes = (languages / "languages.txt").read_text().split()
    requests = (languages / "sentences.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(codes) == len(requests) == 60
    job = tmp_path / "job"
    (job / "output").mkdir(parents=True)
    predictions(job, [answer(code) for code in codes])
    assert run_evaluation(job, languages) == 0
    # balanced, 3 sentences of each of 20 languages: always "ar" (first in sorted order) is right 3 times in 60
    assert report(job) == {
        "language_id_metrics": {"accuracy": {"value": 1.0}, "sentences": {"value": 60}},
        "baseline": baseline(0.05, "ar", 60),
    }
    predictions(job, [answer("la") for _ in codes])
    assert run_evaluation(job, languages) == 0
    assert report(job)["language_id_metrics"]["accuracy"] == {"value": 0.0}
    last = capsys.readouterr().out.splitlines()[-1]
    assert "accuracy 0 (0 right)" in last and "misidentified: line 1 en -> la, " in last
    assert last.endswith("line 10 es -> la and 50 more")  # en en en fr fr fr de de de es ...: 60 wrong, 10 listed


def test_the_log_lists_at_most_10_mistakes(job, capsys):
    write_lines(job / "language_test" / "languages.txt", ["en"] * 12)
    predictions(job, [answer("fr")] * 12)
    assert run_evaluation(job) == 0
    out = capsys.readouterr().out
    assert out.count(" en -> fr") == 10 and out.endswith("line 10 en -> fr and 2 more\n")


def test_runs_through_the_dispatcher(job):
    predictions(job, [answer(code) for code in LANGUAGES])
    args = ["--predictions-dir", job / "predictions", "--languages-dir", job / "language_test"]
    result = run_processing("evaluate_language_id", *args, "--output-dir", job / "output")
    assert result.returncode == 0, result.stderr
    assert report(job)["language_id_metrics"]["accuracy"] == {"value": 1.0}
    result = run_processing("evaluate_language_id", *args[:2], "--languages-dir", job / "missing",
                            "--output-dir", job / "other")  # fmt: skip
    assert_input_error(result, f"{job / 'missing'}: no such file or folder")


# --- bad input: one error line naming file and line, exit 2, no evaluation.json ----------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"prob": [0.9], "label": ["__label__en"]', "not JSON"),
        ("__label__en 0.9", "not JSON"),
        ('{"prob": [0.9]}', 'no label: expected {"label": ["__label__xx"], "prob": [p]}, got {"prob": [0.9]}'),
        ('{"prob": [0.9], "label": "__label__en"}', "no label"),
        ('{"prob": [], "label": []}', "no label"),
        ('{"prob": [0.9], "label": [7]}', "no label"),
        ('["__label__en"]', "no label"),
        ('{"prob": [0.9], "label": ["en"]}', "unknown label 'en': expected __label__<language>"),
        ('{"prob": [0.9], "label": ["__lable__en"]}', "unknown label '__lable__en'"),
        ('{"prob": [0.9], "label": ["__label__"]}', "unknown label '__label__'"),
    ],
)
def test_bad_answer_names_file_and_line(job, capsys, line, message):
    path = predictions(job, [answer("en"), "", line, answer("de"), answer("en")])
    code = run_evaluation(job)
    assert_fails_in_process(code, capsys, job / "output", f"error: {path}: row 3: {message}")


def test_more_answers_than_sentences_names_the_first_extra_answer(job, capsys):
    path = predictions(job, [answer(code) for code in LANGUAGES] + ["", answer("en")])
    languages = job / "language_test" / "languages.txt"
    code = run_evaluation(job)
    message = f"error: {path}: row 7: answer 6 has no expected language: {languages} has 5 lines"
    assert_fails_in_process(code, capsys, job / "output", message)


def test_fewer_answers_than_sentences_names_the_first_unanswered_line(job, capsys):
    predictions(job, [answer(code) for code in LANGUAGES[:3]])
    languages = job / "language_test" / "languages.txt"
    code = run_evaluation(job)
    message = f"error: {languages}: row 4: no answer for this sentence: {job / 'predictions'} holds 3 answers for 5"
    assert_fails_in_process(code, capsys, job / "output", message)


def test_a_file_not_named_like_transform_output_fails(job, capsys):
    predictions(job, [answer(code) for code in LANGUAGES])
    path = predictions(job, [answer("en")], name="notes.txt")
    code = run_evaluation(job)
    assert_fails_in_process(code, capsys, job / "output", f"error: {path}: not a batch transform output")


def test_prediction_file_that_is_not_utf8_fails(job, capsys):
    path = job / "predictions" / "sentences.jsonl.out"
    path.write_bytes(b'{"label": ["__label__en"], "prob": [0.9]}\n\xff\n')
    assert_fails_in_process(run_evaluation(job), capsys, job / "output", f"error: {path}: not UTF-8 text")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("en\n\nfr\n", "row 2: expected one language code, got ''"),
        ("en\nfr de\n", "row 2: expected one language code, got 'fr de'"),
        ("", "no language codes"),
        ("\n", "row 1: expected one language code"),
    ],
)
def test_bad_languages_file_fails(job, capsys, text, message):
    languages = job / "language_test" / "languages.txt"
    languages.write_text(text)
    predictions(job, [answer("en")])
    assert_fails_in_process(run_evaluation(job), capsys, job / "output", f"error: {languages}: {message}")


def test_missing_inputs_fail(job, capsys):
    predictions(job, [answer(code) for code in LANGUAGES])
    (job / "language_test" / "languages.txt").unlink()
    code = run_evaluation(job)
    assert_fails_in_process(code, capsys, job / "output", f"error: {job / 'language_test'}: no languages.txt")
    write_lines(job / "language_test" / "languages.txt", LANGUAGES)
    (job / "predictions" / "sentences.jsonl.out").unlink()
    code = run_evaluation(job)
    assert_fails_in_process(code, capsys, job / "output", f"error: {job / 'predictions'}: folder has no input files")


def test_nothing_is_written_on_error(job, capsys):
    predictions(job, [answer(code) for code in LANGUAGES[:4]])
    assert run_evaluation(job) == 2
    assert files_under(job / "output") == []
    assert sorted(path.name for path in job.iterdir()) == ["language_test", "output", "predictions"]  # no staging
