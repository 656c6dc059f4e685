#!/usr/bin/env python3
"""The CDK app: the foundation stack and one stack per registered pipeline, all for one pinned region."""

from aws_cdk import App, Environment, Tags, Validations
from cdk_nag import AwsSolutionsChecks

from infra.foundation import FoundationStack
from infra.pipeline_stack import PipelineStack
from infra.role_needs import RoleNeeds
from infra.settings import Settings
from pipelines.compiler import compile_pipeline
from pipelines.registry import USE_CASES


def build(app: App) -> FoundationStack:
    """Adds every stack to the app; returns the foundation (the pipeline stacks depend on it)."""
    settings = Settings.from_context({key: app.node.try_get_context(key) for key in ("region", "prefix")})
    env = Environment(region=settings.region)  # the account stays a deploy-time token
    compiled = [compile_pipeline(use_case, settings.region, settings.prefix) for use_case in USE_CASES]
    foundation = FoundationStack(
        app,
        f"{settings.prefix}-foundation",
        prefix=settings.prefix,
        pipeline_names=[pipeline.name for pipeline in compiled],
        needs=RoleNeeds.of(compiled, settings.region),
        env=env,
    )
    for pipeline in compiled:
        stack = PipelineStack(app, pipeline.name, pipeline=pipeline, foundation=foundation, env=env)
        stack.add_stack_dependency(foundation)
    Tags.of(app).add("project", settings.prefix)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return foundation


if __name__ == "__main__":
    cdk_app = App()
    build(cdk_app)
    cdk_app.synth()
