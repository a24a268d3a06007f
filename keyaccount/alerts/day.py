"""The alerts part of My day: the open health alerts an account manager (her accounts) or a head or
admin (the organization) should act on, red first, in plain words. One query.

Called by `keyaccount.notifications.day`; None for everyone else, whose day has no alerts section.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from keyaccount.alerts.selectors import open_alerts_of_day
from keyaccount.alerts.text import describe

if TYPE_CHECKING:
    from keyaccount.alerts.models import Alert
    from keyaccount.tenancy.models import User

# The day is a plan, not a report: the full list is on the alerts page.
LIMIT = 50


def alerts_day_for(actor: User) -> list[Alert] | None:
    """Open alerts with `message` (what happened) and `url` (the alert's page); None when the actor's
    role has no alerts in their day."""
    alerts = open_alerts_of_day(actor, limit=LIMIT)
    if alerts is None:
        return None
    for alert in alerts:
        alert.message = describe(alert.rule, alert.key, alert.facts)  # type: ignore[attr-defined]
        alert.url = reverse("alerts:detail", args=[alert.pk])  # type: ignore[attr-defined]
    return alerts
