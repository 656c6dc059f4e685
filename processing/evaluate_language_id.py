"""Evaluation of a hosted language identifier (lid.176 on BlazingText) on the fixed language test set.

The lid176-blazingtext pipeline packages fastText's pretrained model without training it, so its gate needs real
predictions: a batch transform of the packaged model answers language_test/sentences.jsonl (written by lid176.py,
one `{"source": "<sentence>"}` per line) and this script compares the answers with language_test/languages.txt (the
expected ISO 639-1 code of each line, same order).

Predictions (--predictions-dir): the transform writes `NAME.out` for each input file NAME; every file here must be
named so, and the files are read in name order (the one input file gives one sentences.jsonl.out). BlazingText's
batch transform takes and returns application/jsonlines (developer guide, "Model Artifacts for the Text
Classification Algorithm", https://docs.aws.amazon.com/sagemaker/latest/dg/blazingtext.html): with AssembleWith Line
each line answers one request line, `{"prob": [p], "label": ["__label__en"]}` (top k first when k > 1). The
first label, without its 9-character `__label__` prefix, is the predicted language. Blank lines are skipped (a
multi-record transform may leave some between assembled batches); a line that is not JSON, has no non-empty
`label` list of strings, or a label without the `__label__` prefix is an InputError naming the file and line, and
so is a count mismatch with languages.txt (naming the first line left without a partner).

Writes OUTPUT_DIR/evaluation.json:
    {"language_id_metrics": {"accuracy": {"value": A}, "sentences": {"value": N}},
     "baseline": {"metric": "accuracy", "value": B, "model": "always <code>", "split": "language_test",
                  "records": N}}
A is the share of the N sentences whose predicted language is the expected one; B is the accuracy of always
answering the most frequent expected language (shared.baselines.majority_accuracy; ties: the first code in sorted
order), 1/20 on the balanced test set. The pipeline's gate reads language_id_metrics.accuracy.value (and the
baseline's value).
"""

import argparse
import dataclasses
import os
from collections.abc import Sequence

from shared.baselines import Baseline, majority_accuracy
from shared.cli import run
from shared.errors import InputError
from shared.inputs import list_input_files, non_blank_lines, parse_json, read_text
from shared.outputs import staged_outputs, write_json

REPORT_FILE = "evaluation.json"
LANGUAGES_FILE = "languages.txt"  # as lid176.py / language_test.py write it
TRANSFORM_SUFFIX = ".out"  # batch transform output name: input file name + ".out"
LABEL_PREFIX = "__label__"  # fastText's label prefix, 9 characters
SPLIT = "language_test"
SHOWN_MISTAKES = 10  # misidentified sentences listed in the log


def main(argv: Sequence[str]) -> int:
    return run(_main, argv)


def _main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    languages_path = languages_file(args.languages_dir)
    expected = read_languages(languages_path)
    predicted = read_predictions(list_input_files(args.predictions_dir))
    check_counts(expected, predicted, languages_path, args.predictions_dir)
    right = [code == language for code, (_, _, language) in zip(expected, predicted, strict=True)]
    accuracy = sum(right) / len(expected)
    baseline = majority_baseline(expected)
    report = {
        "language_id_metrics": {"accuracy": {"value": accuracy}, "sentences": {"value": len(expected)}},
        "baseline": dataclasses.asdict(baseline),
    }
    with staged_outputs({"evaluation": args.output_dir}) as staging:
        write_json(os.path.join(staging["evaluation"], REPORT_FILE), report)
    mistakes = [
        f"line {number} {code} -> {language}"
        for number, (code, (_, _, language), ok) in enumerate(zip(expected, predicted, right, strict=True), start=1)
        if not ok
    ]
    shown = "; misidentified: " + ", ".join(mistakes[:SHOWN_MISTAKES]) if mistakes else ""
    more = f" and {len(mistakes) - SHOWN_MISTAKES} more" if len(mistakes) > SHOWN_MISTAKES else ""
    print(
        f"evaluate_language_id: {len(expected)} sentences, accuracy {accuracy:.6g} ({sum(right)} right); "
        f"baseline {baseline.value:.6g}: {baseline.model}{shown}{more}"
    )
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="evaluate_language_id", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--predictions-dir", required=True, help="the batch transform's output (NAME.out files, JSON Lines)"
    )
    parser.add_argument("--languages-dir", required=True, help=f"folder holding {LANGUAGES_FILE} (or the file)")
    parser.add_argument("--output-dir", required=True, help=f"gets {REPORT_FILE}")
    return parser.parse_args(argv)


def languages_file(path: str) -> str:
    """languages.txt in the given folder, or the given file itself."""
    if os.path.isfile(path):
        return path
    if not os.path.isdir(path):
        raise InputError("no such file or folder", file=path)
    found = os.path.join(path, LANGUAGES_FILE)
    if not os.path.isfile(found):
        raise InputError(f"no {LANGUAGES_FILE} in the folder", file=path)
    return found


def read_languages(path: str) -> list[str]:
    """The expected code of each line; the file ends with a newline, and no line may be blank."""
    lines = read_text(path).split("\n")  # not splitlines(): it also splits on form feeds etc., shifting line numbers
    if lines and lines[-1] == "":
        lines.pop()  # the final newline
    codes = []
    for number, line in enumerate(lines, start=1):
        code = line.strip()
        if not code or len(code.split()) != 1:
            raise InputError(f"expected one language code, got {line!r}", file=path, row=number)
        codes.append(code)
    if not codes:
        raise InputError("no language codes", file=path)
    return codes


def read_predictions(files: Sequence[str]) -> list[tuple[str, int, str]]:
    """(file, line, predicted code) of every answer, files in name order."""
    predictions = []
    for path in files:
        if not os.path.basename(path).endswith(TRANSFORM_SUFFIX):
            raise InputError(f"not a batch transform output (expected a NAME{TRANSFORM_SUFFIX} file)", file=path)
        for number, line in non_blank_lines(path):
            predictions.append((path, number, predicted_language(line, path, number)))
    return predictions


def predicted_language(line: str, path: str, number: int) -> str:
    """The top label of one BlazingText answer, {"prob": [...], "label": ["__label__xx", ...]}, without its prefix."""
    answer = parse_json(line, path, number)
    labels = answer.get("label") if isinstance(answer, dict) else None
    if not isinstance(labels, list) or not labels or not all(isinstance(label, str) for label in labels):
        shown = line if len(line) <= 80 else line[:77] + "..."
        message = f'no label: expected {{"label": ["__label__xx"], "prob": [p]}}, got {shown}'
        raise InputError(message, file=path, row=number)
    top = labels[0]
    if not top.startswith(LABEL_PREFIX) or len(top) == len(LABEL_PREFIX):
        raise InputError(f"unknown label {top!r}: expected {LABEL_PREFIX}<language>", file=path, row=number)
    return top[len(LABEL_PREFIX) :]


def check_counts(
    expected: list[str], predicted: list[tuple[str, int, str]], languages_path: str, predictions_dir: str
) -> None:
    """One answer per expected language; a mismatch names the first line without a partner."""
    if len(predicted) > len(expected):
        path, number, _ = predicted[len(expected)]
        message = f"answer {len(expected) + 1} has no expected language: {languages_path} has {len(expected)} lines"
        raise InputError(message, file=path, row=number)
    if len(predicted) < len(expected):
        message = f"no answer for this sentence: {predictions_dir} holds {len(predicted)} answers"
        raise InputError(message + f" for {len(expected)} sentences", file=languages_path, row=len(predicted) + 1)


def majority_baseline(expected: list[str]) -> Baseline:
    """Accuracy of always answering the most frequent expected language (ties: the first code in sorted order)."""
    value, model = majority_accuracy(expected)
    return Baseline(metric="accuracy", value=value, model=model, split=SPLIT, records=len(expected))
