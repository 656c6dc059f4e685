#!/usr/bin/env python3
"""The CDK app: the foundation stack and one stack per selected pipeline, all for one pinned region."""

import sys

from aws_cdk import App, Environment, Tags, Validations
from cdk_nag import AwsSolutionsChecks

from infra.dashboard import DashboardStack
from infra.endpoint_settings import endpoint_settings_from_context
from infra.endpoint_stack import EndpointStack, example_content_type
from infra.foundation import FoundationStack
from infra.notification_settings import notification_settings_from_context
from infra.notifications import NotificationsStack, notifications_stack
from infra.pipeline_stack import PipelineStack
from infra.role_needs import RoleNeeds
from infra.schedule_settings import schedule_settings_from_context
from infra.settings import KEYS, Settings, SettingsError
from pipelines import naming
from pipelines.compiler import DefinitionError, compile_pipeline
from pipelines.context import ImageUnavailableError
from pipelines.contract_check import ContractError
from pipelines.registry import USE_CASES


def build(app: App) -> FoundationStack:
    """Adds every stack to the app; returns the foundation (the pipeline stacks depend on it)."""
    settings = Settings.from_context({key: app.node.try_get_context(key) for key in KEYS})
    env = Environment(region=settings.region)  # the account stays a deploy-time token
    selected = settings.selected([use_case.name for use_case in USE_CASES])
    options = settings.build_options()
    compiled = [
        compile_pipeline(use_case, settings.region, settings.prefix, options)
        for use_case in USE_CASES
        if use_case.name in selected
    ]
    # Checked before any stack is added: a bad schedule ends the synth with its message, not half an app.
    schedules = schedule_settings_from_context(settings.schedules, {p.use_case.name: p for p in compiled})
    notifications = notification_settings_from_context(settings.notifications)
    foundation = FoundationStack(
        app,
        naming.foundation_stack(settings.prefix),
        prefix=settings.prefix,
        pipeline_names=[pipeline.name for pipeline in compiled],
        needs=RoleNeeds.of(compiled, settings.region, options),
        env=env,
    )
    for pipeline in compiled:
        stack = PipelineStack(
            app,
            pipeline.name,
            pipeline=pipeline,
            foundation=foundation,
            schedule=schedules.get(pipeline.use_case.name),
            env=env,
        )
        stack.add_stack_dependency(foundation)
    endpoint_names = add_endpoints(app, settings, compiled, foundation, env)
    if settings.dashboard:
        pipeline_names = [pipeline.name for pipeline in compiled]
        DashboardStack(
            app, prefix=settings.prefix, pipeline_names=pipeline_names, endpoint_names=endpoint_names, env=env
        )
    if notifications is not None:  # opt-in: without the setting the app is as before
        NotificationsStack(
            app,
            notifications_stack(settings.prefix),
            prefix=settings.prefix,
            settings=notifications,
            env=env,
        )
    Tags.of(app).add("project", settings.prefix)
    for key, value in settings.tags:
        Tags.of(app).add(key, value)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return foundation


def add_endpoints(
    app: App, settings: Settings, compiled: list, foundation: FoundationStack, env: Environment
) -> list[str]:
    """The opt-in endpoint stacks, only for pipelines deployed here (the role pulls only their images); returns the
    endpoints' names (each is its pipeline's name)."""
    names = []
    by_use_case = {pipeline.use_case.name: pipeline for pipeline in compiled}
    for name, endpoint in endpoint_settings_from_context(
        settings.endpoints, list(by_use_case), settings.region
    ).items():
        pipeline = by_use_case[name]
        names.append(pipeline.name)
        EndpointStack(
            app,
            naming.endpoint_stack(pipeline.name),
            pipeline_name=pipeline.name,
            settings=endpoint,
            foundation=foundation,  # the stack adds its dependency on the foundation itself
            subnets=settings.subnets,
            security_groups=settings.security_groups,
            example_content_type=example_content_type(pipeline.registered_content_types()),
            env=env,
        )
    return names


# Errors in the settings or the definitions: their messages say what to fix (one line per contract violation), so
# the synth ends with them rather than with a traceback.
REPORTED = (SettingsError, DefinitionError, ContractError, ImageUnavailableError)


def main() -> int:
    cdk_app = App()
    try:
        build(cdk_app)
    except REPORTED as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    cdk_app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
