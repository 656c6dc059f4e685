"""Calls read like sentences: no function of the product takes more than five positional parameters, and no flag
(a bool) is passed by position, where `f(x, True, False)` says nothing at the call site."""

import ast
from collections.abc import Iterator

from tests.conftest import ROOT

SOURCES = ("app.py", "infra", "pipelines", "processing")
MAX_POSITIONAL = 5


def functions() -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for source in SOURCES:
        path = ROOT / source
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield f"{file.relative_to(ROOT)}:{node.lineno} {node.name}", node


def positional(node) -> list[ast.arg]:
    return [arg for arg in node.args.posonlyargs + node.args.args if arg.arg not in ("self", "cls")]


def is_flag(arg: ast.arg, default: ast.expr | None) -> bool:
    annotation = arg.annotation
    named_bool = isinstance(annotation, ast.Name) and annotation.id == "bool"
    quoted_bool = isinstance(annotation, ast.Constant) and annotation.value == "bool"
    bool_default = isinstance(default, ast.Constant) and isinstance(default.value, bool)
    return named_bool or quoted_bool or bool_default


def test_no_function_takes_more_than_five_positional_parameters():
    crowded = [where for where, node in functions() if len(positional(node)) > MAX_POSITIONAL]
    assert crowded == []


def test_flags_are_keyword_only():
    flags = []
    for where, node in functions():
        arguments = node.args.posonlyargs + node.args.args
        defaults = [None] * (len(arguments) - len(node.args.defaults)) + list(node.args.defaults)
        flags += [
            f"{where}({arg.arg})" for arg, default in zip(arguments, defaults, strict=True) if is_flag(arg, default)
        ]
    assert flags == []


def test_the_checks_see_a_crowded_signature():
    """The walk can fail: a six-parameter function with a positional flag is found."""
    tree = ast.parse("def f(a, b, c, d, e, g, verbose: bool = False):\n    pass\n")
    (node,) = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    assert len(positional(node)) == 7
    assert is_flag(node.args.args[-1], node.args.defaults[-1])
