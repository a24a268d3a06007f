"""The communications part of My day: the contacts due by cadence (account managers and assistants) and
today's planned meetings and calls the person takes part in or planned. A constant number of queries.

Registered with the day page (`keyaccount.core.day`) by `CommsConfig.ready()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from keyaccount.comms.models import Interaction, InteractionState
from keyaccount.comms.selectors import contacts_due, due_rows
from keyaccount.core.api import RefSerializer
from keyaccount.core.day import DayField, DayPart, DayProvider, Sections
from keyaccount.tenancy.models import Role
from keyaccount.tenancy.permissions import can, membership_of, scoped_to_accounts_q

if TYPE_CHECKING:
    import datetime

    from keyaccount.core.day import DayBounds
    from keyaccount.tenancy.models import User

# Long lists are cut: the day is a plan, not a report; the full lists are on their own pages.
LIMIT = 50
ACCOUNT_SIDE = {Role.ACCOUNT_MANAGER, Role.ASSISTANT}


def meetings_of_day(actor: User, start: datetime.datetime, end: datetime.datetime) -> list[Interaction]:
    """Today's planned interactions the actor takes part in or planned."""
    taking_part = Interaction.users.through.objects.filter(user_id=actor.pk).values("interaction_id")
    return list(
        Interaction.objects.filter(
            scoped_to_accounts_q(actor, "see_interactions"),
            Q(pk__in=taking_part) | Q(logged_by_id=actor.pk),
            state=InteractionState.PLANNED,
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .select_related("account")
        .prefetch_related("contacts")
        .order_by("occurred_at", "pk")[:LIMIT]
    )


def comms_day(actor: User, bounds: DayBounds) -> Sections:
    """Contacts due (account side) and today's meetings (whoever sees interactions)."""
    membership = membership_of(actor)
    if membership is None:
        return {}
    sections: dict[str, Any] = {}
    if membership.role in ACCOUNT_SIDE:
        sections["contacts_due"] = due_rows(actor, contacts_due(actor, bounds.today)[:LIMIT], bounds.today)
    if can(actor, "see_interactions"):
        sections["meetings"] = meetings_of_day(actor, bounds.start, bounds.end)
    return sections


# --- how /api/v1/me/day/ shows the communications sections ------------------------------------------


class DayContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    title = serializers.CharField()
    account = RefSerializer()
    phones = serializers.CharField()
    email = serializers.CharField()
    preferred_channel = serializers.CharField()
    cadence_days = serializers.IntegerField(source="cadence")
    last_touch_at = serializers.DateTimeField(allow_null=True)
    due_on = serializers.DateField(allow_null=True, help_text=_("Null when never contacted (due now)."))
    days_overdue = serializers.IntegerField(allow_null=True)


class DayMeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    subject = serializers.CharField()
    occurred_at = serializers.DateTimeField(help_text=_("When it is planned."))
    duration_minutes = serializers.IntegerField(allow_null=True)
    account = RefSerializer()
    contacts = RefSerializer(many=True, source="contacts.all")


PROVIDER = DayProvider(
    name="comms",
    sections=comms_day,
    fields=(
        DayField(
            "contacts_due",
            20,
            list,
            lambda: DayContactSerializer(many=True, help_text=_("Due by cadence; never contacted first.")),
        ),
        DayField(
            "meetings",
            40,
            list,
            lambda: DayMeetingSerializer(many=True, help_text=_("Today's planned meetings and calls.")),
        ),
    ),
    parts=(
        DayPart("comms/day/_contacts_due.html", 50),
        DayPart("comms/day/_meetings.html", 60),
    ),
)
