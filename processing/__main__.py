"""Runs one processing script: `python3 CODE.zip SCRIPT [ARGS...]`, or locally `python3 processing SCRIPT [ARGS...]`.

The whole processing/ folder ships as one zip, so this dispatcher picks the script. Scripts and `shared` are
top-level modules at the zip's root.
"""

import importlib
import sys

# Script name -> module with main(argv) -> int. Imported only when chosen, so that a script's own dependencies
# (xgboost for the evaluation, Pillow for the vision scripts) need only exist in the image that runs it.
SCRIPTS = {
    "abalone": "abalone",
    "evaluate_regression": "evaluate_regression",
    "evaluate_pca": "evaluate_pca",
    "mnist": "mnist",
    "covtype": "covtype",
    "wdbc": "wdbc",
    "deepar_synthetic": "deepar_synthetic",
    "chicago": "chicago",
    "nyc_taxi": "nyc_taxi",
    "census": "census",
    "census_components": "census_components",
    "ipinsights_logins": "ipinsights_logins",
    "movielens": "movielens",
    "topic_documents": "topic_documents",
    "lid176": "lid176",
    "evaluate_language_id": "evaluate_language_id",
    "wmt": "wmt",
    "dbpedia": "dbpedia",
    "text8": "text8",
    "fetch": "fetch",
    "caltech256": "caltech256",
    "cub200": "cub200",
    "voc_segmentation": "voc_segmentation",
}

USAGE = "usage: python3 CODE.zip SCRIPT [ARGS...]\nscripts: " + ", ".join(SCRIPTS)


def main(argv: list[str]) -> int:
    if argv[:1] in (["-h"], ["--help"]):
        print(USAGE)
        return 0
    if not argv or argv[0] not in SCRIPTS:
        problem = f"unknown script {argv[0]!r}" if argv else "no script given"
        print(f"error: {problem}\n{USAGE}", file=sys.stderr)
        return 2
    module = importlib.import_module(SCRIPTS[argv[0]])
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
