import pytest

from infra.settings import Settings, SettingsError


def test_valid_context():
    assert Settings.from_context({"region": "eu-west-1", "prefix": "ml-demo"}) == Settings("eu-west-1", "ml-demo")


@pytest.mark.parametrize(
    "context, key",
    [
        ({"prefix": "sm-algo"}, "region"),
        ({"region": "us-east-1"}, "prefix"),
        ({"region": "Frankfurt", "prefix": "sm-algo"}, "region"),
        ({"region": "us-east-1", "prefix": "SM_Algo"}, "prefix"),
        ({"region": "us-east-1", "prefix": "a-prefix-that-is-far-too-long"}, "prefix"),
    ],
)
def test_bad_context_names_the_key(context, key):
    with pytest.raises(SettingsError, match=f"context '{key}'"):
        Settings.from_context(context)
