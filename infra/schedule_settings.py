"""Opt-in schedules, one per pipeline, read from the CDK context value `schedules` and validated at synth.

    "schedules": {"abalone-xgboost": {"expression": "cron(0 3 ? * MON *)", "time_zone": "Europe/Berlin",
                                      "flexible_window_minutes": 30, "parameters": {"MetricThreshold": 5.5}}}

The parameters are checked against the pipeline's own definition by the same code as `start --param`
(pipelines/cli/params.py): a schedule that would fail at every run fails the synth instead.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from infra.settings import SettingsError
from pipelines.cli import params
from pipelines.cli.errors import UsageError
from pipelines.compiler import CompiledPipeline

CONTEXT_KEY = "schedules"
FIELDS = ("expression", "time_zone", "flexible_window_minutes", "parameters")
MAX_WINDOW_MINUTES = 1440  # FlexibleTimeWindow.MaximumWindowInMinutes: 1-1440
_CRON = re.compile(r"^cron\((\S+(?: \S+){5})\)$")
_CRON_FIELD = re.compile(r"^[0-9A-Za-z*?,/#-]+$")
_RATE = re.compile(r"^rate\(([1-9]\d*) (minutes?|hours?|days?)\)$")
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")


@dataclass(frozen=True)
class ScheduleSettings:
    expression: str
    time_zone: str = "UTC"  # the Scheduler's own default, written out
    flexible_window_minutes: int | None = None  # None: the window is OFF, the run starts on the minute
    parameters: tuple[tuple[str, str], ...] = ()  # (Name, Value) as StartPipelineExecution takes them


def schedule_settings_from_context(
    value: Mapping[str, Any], deployed: Mapping[str, CompiledPipeline]
) -> dict[str, ScheduleSettings]:
    """{use case name: ScheduleSettings} from the parsed `schedules` object, for the pipelines `deployed` in this app
    ({use case name: compiled pipeline}); an empty object means no schedules."""
    unknown = sorted(set(value) - set(deployed))
    if unknown:
        raise SettingsError(
            f"context '{CONTEXT_KEY}': {', '.join(map(repr, unknown))} is not a pipeline deployed in this app; "
            f"deployed: {', '.join(sorted(deployed))}"
        )
    return {name: _settings(f"{CONTEXT_KEY}.{name}", value[name], deployed[name]) for name in sorted(value)}


def _settings(path: str, value: Any, pipeline: CompiledPipeline) -> ScheduleSettings:
    if not isinstance(value, Mapping):
        raise SettingsError(f"context '{path}': must be an object of schedule settings, not {value!r}")
    unknown = sorted(set(value) - set(FIELDS))
    if unknown:
        raise SettingsError(f"context '{path}': unknown field {', '.join(unknown)}; fields: {', '.join(FIELDS)}")
    if "expression" not in value:
        raise SettingsError(f"context '{path}.expression' is required, e.g. 'cron(0 3 ? * MON *)' or 'rate(7 days)'")
    return ScheduleSettings(
        expression=check_expression(f"{path}.expression", value["expression"]),
        time_zone=check_time_zone(f"{path}.time_zone", value.get("time_zone", "UTC")),
        flexible_window_minutes=check_window(f"{path}.flexible_window_minutes", value.get("flexible_window_minutes")),
        parameters=check_parameters(f"{path}.parameters", value.get("parameters", {}), pipeline),
    )


def check_expression(path: str, expression: Any) -> str:
    """cron() with six fields, rate() with a positive whole number of minutes, hours or days, or at() a local time."""
    text = expression if isinstance(expression, str) else ""
    if _RATE.match(text):
        return text
    cron, at = _CRON.match(text), _AT.match(text)
    if cron:
        _check_cron(path, cron.group(1).split(" "))
        return text
    if at and _is_datetime(at.group(1)):
        return text
    raise SettingsError(
        f"context '{path}': {expression!r} is not cron(<6 fields>), rate(<n> minutes|hours|days) or "
        "at(yyyy-mm-ddThh:mm:ss)"
    )


def _check_cron(path: str, fields: list[str]) -> None:
    bad = [field for field in fields if not _CRON_FIELD.match(field)]
    if bad:
        raise SettingsError(f"context '{path}': cron field {bad[0]!r} has a character cron does not know")
    # The Scheduler's cron takes a day of the month or a day of the week, never both: the other one is '?'.
    if (fields[2] == "?") == (fields[4] == "?"):
        raise SettingsError(
            f"context '{path}': in cron(minutes hours day-of-month month day-of-week year) exactly one of "
            f"day-of-month ({fields[2]!r}) and day-of-week ({fields[4]!r}) must be '?'"
        )


def _is_datetime(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return False
    return True


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def check_time_zone(path: str, time_zone: Any) -> str:
    """An IANA name, as the Scheduler takes it; checked against the time zone database of this machine (offline)."""
    zones = _time_zones()
    if not zones:
        raise SettingsError(f"context '{path}': no time zone database on this machine to check it against")
    if not isinstance(time_zone, str) or time_zone not in zones:
        raise SettingsError(f"context '{path}': {time_zone!r} is not an IANA time zone such as 'Europe/Berlin'")
    return time_zone


def check_window(path: str, minutes: Any) -> int | None:
    if minutes is None:
        return None
    # bool is an int in Python, but `true` is no number of minutes
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= MAX_WINDOW_MINUTES:
        raise SettingsError(f"context '{path}': {minutes!r} is not a whole number of minutes from 1 to 1440")
    return minutes


def check_parameters(path: str, values: Any, pipeline: CompiledPipeline) -> tuple[tuple[str, str], ...]:
    """The values as StartPipelineExecution takes them (strings), checked as `start --param` checks them."""
    if not isinstance(values, Mapping):
        raise SettingsError(f"context '{path}': must be an object of {{parameter: value}}, not {values!r}")
    assignments = [(name, _as_text(f"{path}.{name}", value)) for name, value in values.items()]
    try:
        checked = params.pipeline_parameters(assignments, pipeline.document["Parameters"], pipeline.name)
    except UsageError as error:
        raise SettingsError(f"context '{path}': {error}") from None
    return tuple((parameter["Name"], parameter["Value"]) for parameter in checked)


def _as_text(path: str, value: Any) -> str:
    """A JSON value as the string the Scheduler sends: true/false as pipelines write booleans, numbers as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str) and 0 < len(value) <= 1024:  # SageMakerPipelineParameter.Value: 1-1024 characters
        return value
    raise SettingsError(f"context '{path}': {value!r} is not a string of 1-1024 characters, a number or true/false")
