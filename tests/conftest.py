"""Shared, session-scoped builds: compiling the SDK definitions and synthesizing the CDK app cost seconds each."""

from __future__ import annotations

import json

import pytest

from pipelines.naming import DEFAULT_PREFIX as PREFIX
from pipelines.naming import DEFAULT_REGION as REGION
from pipelines.naming import REPO_ROOT as ROOT

# Every test builds for the app's defaults (cdk.json): the goldens and docs are named and written for them.
__all__ = ["PREFIX", "REGION", "ROOT", "cdk_context", "pipeline_name", "pipeline_names"]


def pipeline_name(use_case: str) -> str:
    from pipelines.naming import pipeline_name as named

    return named(PREFIX, use_case)


def pipeline_names() -> list[str]:
    """Every registered pipeline, as deployed with the app's defaults (the registry loads the SageMaker SDK, which
    the processing tests' image venv lacks: imported here, not at the top)."""
    from pipelines.registry import USE_CASES

    return [pipeline_name(use_case.name) for use_case in USE_CASES]


def pytest_collection_finish(session) -> None:
    """Start the offline synth of tests/test_offline_synth.py (a subprocess) as soon as the session knows it will
    run: it then runs beside the other tests, on the other core, instead of after them."""
    if any(item.nodeid.startswith("tests/test_offline_synth.py") for item in session.items):
        from tests.test_offline_synth import start_in_background

        start_in_background()


def cdk_context(**overrides) -> dict:
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    context.update(overrides)
    return context


@pytest.fixture(scope="session")
def compiled():
    """Every registered pipeline, compiled for the test region: {pipeline name: CompiledPipeline}."""
    from pipelines.compiler import compile_pipeline
    from pipelines.registry import USE_CASES

    return {c.name: c for c in (compile_pipeline(use_case, REGION, PREFIX) for use_case in USE_CASES)}


@pytest.fixture(scope="session")
def built_app(tmp_path_factory):
    """The whole app, built once: (App, FoundationStack)."""
    from aws_cdk import App

    import app as cdk_app

    application = App(
        context=cdk_context(region=REGION, prefix=PREFIX),
        outdir=str(tmp_path_factory.mktemp("cdk.out")),
        builtin_cloud_formation_validation=False,
    )
    return application, cdk_app.build(application)


@pytest.fixture(scope="session")
def assembly(built_app):
    """The app synthesized once, with cdk-nag on (a finding fails the synth) and the slow built-in CloudFormation
    validator off (`make synth` keeps it on)."""
    application, _ = built_app
    return application.synth()


@pytest.fixture(scope="session")
def foundation_template(assembly) -> dict:
    return assembly.get_stack_by_name(f"{PREFIX}-foundation").template
