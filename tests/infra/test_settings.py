import json
import re

import pytest

from infra.settings import Settings, SettingsError
from pipelines.options import BuildOptions
from tests.conftest import PREFIX, REGION


def test_valid_context():
    assert Settings.from_context({"region": "eu-west-1", "prefix": "ml-demo"}) == Settings("eu-west-1", "ml-demo")


@pytest.mark.parametrize(
    "context, key",
    [
        ({"prefix": PREFIX}, "region"),
        ({"region": "us-east-1"}, "prefix"),
        ({"region": "Frankfurt", "prefix": PREFIX}, "region"),
        ({"region": REGION, "prefix": "SM_Algo"}, "prefix"),
        ({"region": REGION, "prefix": "a-prefix-that-is-far-too-long"}, "prefix"),
    ],
)
def test_bad_context_names_the_key(context, key):
    with pytest.raises(SettingsError, match=f"context '{key}'"):
        Settings.from_context(context)


BASE = {"region": REGION, "prefix": PREFIX}
VPC = {"subnet_ids": ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"], "security_group_ids": ["sg-0a1b2c3d"]}


def test_defaults_deploy_everything_on_spot_outside_a_vpc():
    settings = Settings.from_context(BASE)
    assert settings.pipelines is None and settings.spot is True
    assert settings.build_options() == BuildOptions()
    assert settings.selected(["a", "b"]) == ["a", "b"]


def test_cdk_json_values_and_command_line_strings_give_the_same_settings():
    as_json = Settings.from_context({
        **BASE, "pipelines": ["mnist-pca", "abalone-xgboost"], "spot": False, "instance_families": {"m5": "m6i"},
        "vpc": VPC, "tags": {"team": "ml"},
    })  # fmt: skip
    as_strings = Settings.from_context({
        **BASE, "pipelines": "mnist-pca, abalone-xgboost", "spot": "false", "instance_families": '{"m5": "m6i"}',
        "vpc": json.dumps(VPC), "tags": '{"team": "ml"}',
    })  # fmt: skip
    assert as_json == as_strings
    assert as_json.pipelines == ("mnist-pca", "abalone-xgboost") and as_json.tags == (("team", "ml"),)
    options = as_json.build_options()
    assert options.spot is False and options.in_vpc
    assert options.subnets == tuple(VPC["subnet_ids"]) and options.security_groups == ("sg-0a1b2c3d",)
    assert options.instance_type("ml.m5.xlarge") == "ml.m6i.xlarge"
    assert options.instance_type("ml.c5.2xlarge") == "ml.c5.2xlarge"


def test_selection_keeps_the_registry_order_and_refuses_unknown_names():
    settings = Settings.from_context({**BASE, "pipelines": "mnist-pca,abalone-xgboost"})
    assert settings.selected(["abalone-xgboost", "covtype-knn", "mnist-pca"]) == ["abalone-xgboost", "mnist-pca"]
    with pytest.raises(SettingsError, match="context 'pipelines': unknown mnist-pca; known: abalone-xgboost"):
        settings.selected(["abalone-xgboost"])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"pipelines": []}, "context 'pipelines': empty"),
        ({"pipelines": 3}, "context 'pipelines': expected a list"),
        ({"spot": "maybe"}, "context 'spot': expected true or false"),
        ({"instance_families": {"m5": "M6I!"}}, "context 'instance_families'"),
        ({"instance_families": "[1"}, "context 'instance_families': not valid JSON"),
        ({"vpc": {"subnet_ids": ["subnet-0123456789abcdef0"]}}, "context 'vpc.security_group_ids'"),
        ({"vpc": {**VPC, "subnets": []}}, "context 'vpc': unknown keys subnets"),
        ({"vpc": {**VPC, "subnet_ids": ["vpc-123"]}}, "context 'vpc.subnet_ids'"),
        ({"tags": {"team": 5}}, "context 'tags'"),
        ({"tags": ["team"]}, "context 'tags': expected an object"),
        ({"schedules": '{"abalone-xgboost": '}, "context 'schedules': not valid JSON"),
        ({"schedules": "abalone-xgboost"}, "context 'schedules': expected an object (JSON)"),
        ({"schedules": ["abalone-xgboost"]}, "context 'schedules': expected an object (JSON)"),
        ({"dashboard": "yes"}, "context 'dashboard': expected true or false, got 'yes'"),
    ],
)
def test_bad_values_name_their_key(extra, message):
    with pytest.raises(SettingsError, match=re.escape(message)):
        Settings.from_context({**BASE, **extra})


def test_schedules_are_read_as_an_object_from_json_or_cdk_json():
    """Only the shape here: infra/schedule_settings checks each schedule against its compiled pipeline
    (tests/infra/test_schedules.py)."""
    schedules = {"abalone-xgboost": {"expression": "rate(7 days)", "parameters": {"MetricThreshold": 5.5}}}
    assert Settings.from_context({**BASE, "schedules": json.dumps(schedules)}).schedules == schedules
    assert Settings.from_context({**BASE, "schedules": schedules}).schedules == schedules
    assert Settings.from_context(BASE).schedules == {}
    # not part of equality, as the raw endpoints are not: the parsed schedules are compared where they are made
    assert Settings.from_context({**BASE, "schedules": schedules}) == Settings.from_context(BASE)


def test_the_dashboard_is_on_unless_set_to_false():
    assert Settings.from_context(BASE).dashboard is True
    assert Settings.from_context({**BASE, "dashboard": "false"}).dashboard is False
    assert Settings.from_context({**BASE, "dashboard": False}).dashboard is False


def test_notifications_are_read_from_json_or_cdk_json_and_absent_is_none():
    """Only the shape here: infra/notification_settings checks the fields (tests/infra/test_notifications.py)."""
    notifications = {"emails": ["ml-team@example.com"], "succeeded": True}
    assert Settings.from_context({**BASE, "notifications": json.dumps(notifications)}).notifications == notifications
    assert Settings.from_context({**BASE, "notifications": notifications}).notifications == notifications
    assert Settings.from_context({**BASE, "notifications": "{}"}).notifications == {}
    assert Settings.from_context(BASE).notifications is None
    with pytest.raises(SettingsError, match=re.escape("context 'notifications': not valid JSON")):
        Settings.from_context({**BASE, "notifications": "{emails: x}"})
