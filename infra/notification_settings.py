"""Opt-in notifications, read from the CDK context value `notifications` and validated at synth.

    "notifications": {"emails": ["ml-team@example.com"], "succeeded": false}

Present (even `{}`): the `<prefix>-notifications` stack is deployed; `emails` subscribe to its topic (each address
confirms once, by the link SNS mails it), `succeeded` also announces successful pipeline executions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from infra.settings import SettingsError

CONTEXT_KEY = "notifications"
FIELDS = ("emails", "succeeded")
# Deliberately loose (one @, a dotted domain, no spaces): SNS itself confirms the address by mail.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class NotificationSettings:
    emails: tuple[str, ...] = ()
    succeeded: bool = False  # failed and stopped executions are always announced


def notification_settings_from_context(value: Any) -> NotificationSettings | None:
    """None when the setting is absent (no stack); otherwise the checked settings."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SettingsError(f"context '{CONTEXT_KEY}': expected an object (JSON), e.g. {{\"emails\": [...]}}")
    unknown = sorted(set(value) - set(FIELDS))
    if unknown:
        raise SettingsError(f"context '{CONTEXT_KEY}': unknown field {', '.join(unknown)}; fields: {', '.join(FIELDS)}")
    return NotificationSettings(
        emails=_emails(value.get("emails", [])), succeeded=_succeeded(value.get("succeeded", False))
    )


def _emails(emails: Any) -> tuple[str, ...]:
    path = f"{CONTEXT_KEY}.emails"
    if not isinstance(emails, list):
        raise SettingsError(f"context '{path}': expected a list of e-mail addresses, got {emails!r}")
    for email in emails:
        if not isinstance(email, str) or not _EMAIL.match(email):
            raise SettingsError(f"context '{path}': {email!r} is not an e-mail address such as 'ml-team@example.com'")
    if len(set(emails)) != len(emails):
        raise SettingsError(f"context '{path}': an address is listed twice")
    return tuple(emails)


def _succeeded(succeeded: Any) -> bool:
    # JSON true/false only: "false" as a string would be a truthy surprise
    if not isinstance(succeeded, bool):
        raise SettingsError(f"context '{CONTEXT_KEY}.succeeded': expected true or false, got {succeeded!r}")
    return succeeded
