"""The alerts part of My day: the open health alerts an account manager (her accounts) or a head or
admin (the organization) should act on, red first, in plain words. One query.

None for everyone else, whose day has no alerts section. Registered with the day page
(`keyaccount.core.day`) by `AlertsConfig.ready()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from keyaccount.alerts.selectors import open_alerts_of_day
from keyaccount.alerts.text import describe
from keyaccount.core.api import PersonRefSerializer, RefSerializer
from keyaccount.core.day import DayField, DayPart, DayProvider, Sections

if TYPE_CHECKING:
    from keyaccount.alerts.models import Alert
    from keyaccount.core.day import DayBounds
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
        alert.message = describe(alert.rule, alert.key, alert.facts)  # type: ignore[attr-defined]  # for the day page
        alert.url = reverse("alerts:detail", args=[alert.pk])  # type: ignore[attr-defined]  # for the day page
    return alerts


def alerts_day(actor: User, bounds: DayBounds) -> Sections:
    return {"alerts": alerts_day_for(actor)}


class DayAlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    account = RefSerializer()
    owner = PersonRefSerializer(source="account.owner", allow_null=True)
    rule = serializers.CharField()
    key = serializers.CharField()
    band = serializers.CharField(help_text=_("The account's band when the alert was raised."))
    score = serializers.IntegerField(allow_null=True)
    raised_on = serializers.DateField()
    message = serializers.CharField(help_text=_("What happened, in plain words."))


PROVIDER = DayProvider(
    name="alerts",
    sections=alerts_day,
    fields=(
        DayField(
            "alerts",
            60,
            lambda: None,
            lambda: DayAlertSerializer(
                many=True,
                allow_null=True,
                help_text=_(
                    "Open health alerts, red first: of an account manager's accounts, of the organization for heads "
                    "and admins; null for other roles."
                ),
            ),
        ),
    ),
    parts=(DayPart("alerts/day/_alerts.html", 20, wide=True),),
)
