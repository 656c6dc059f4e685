"""Runs one processing script: `python3 CODE.zip SCRIPT [ARGS...]`, or locally `python3 processing SCRIPT [ARGS...]`.

The whole processing/ folder ships as one zip, so this dispatcher picks the script. Scripts and `shared` are
top-level modules at the zip's root. SCRIPT names a module processing/SCRIPT.py that defines main(argv) -> int; the
`shared` package, private and dotted names, and modules without main (language_test, data that lid176 writes) are
not scripts.
"""

import ast
import importlib
import os
import pkgutil
import sys

# The folder or zip this file lies in: the root of the scripts, wherever the job or a developer runs them.
ROOT = os.path.dirname(os.path.abspath(__file__))
USAGE = "usage: python3 CODE.zip SCRIPT [ARGS...]"


def main(argv: list[str]) -> int:
    if argv[:1] in (["-h"], ["--help"]):
        print(usage())
        return 0
    if not argv or not is_script(argv[0]):
        problem = f"unknown script {argv[0]!r}" if argv else "no script given"
        print(f"error: {problem}\n{usage()}", file=sys.stderr)
        return 2
    # Imported only when chosen, so that a script's own dependencies (xgboost for the evaluation, Pillow for the
    # vision scripts) need only exist in the image that runs it.
    return importlib.import_module(argv[0]).main(argv[1:])


def usage() -> str:
    return f"{USAGE}\nscripts: {', '.join(scripts())}"


def scripts() -> list[str]:
    """The script names, in name order."""
    return sorted(name for name in _module_names() if _defines_main(name))


def is_script(name: str) -> bool:
    """Whether processing/<name>.py exists and defines main."""
    return name in _module_names() and _defines_main(name)


def _module_names() -> set[str]:
    """The public top-level modules (not packages) of ROOT, a folder or a zip."""
    return {info.name for info in pkgutil.iter_modules([ROOT]) if not info.ispkg and not info.name.startswith("_")}


def _source(name: str) -> str | None:
    finder = pkgutil.get_importer(ROOT)
    spec = finder.find_spec(name) if finder is not None else None
    # A folder's SourceFileLoader and the zip's zipimporter both read sources (zipimporter is no InspectLoader).
    get_source = getattr(spec.loader, "get_source", None) if spec is not None else None
    return get_source(name) if get_source is not None else None


def _defines_main(name: str) -> bool:
    """Read from the module's source: nothing is imported to tell."""
    source = _source(name)
    body = ast.parse(source).body if source is not None else []
    return any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in body)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
