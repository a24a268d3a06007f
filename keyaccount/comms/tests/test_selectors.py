"""Cadence, due contacts and the account timeline, computed by hand."""

import datetime

from django.utils import timezone

from keyaccount.comms.models import Interaction
from keyaccount.comms.selectors import contacts_due, due_rows
from keyaccount.core.tests.factories import ContactFactory

TODAY = datetime.date(2026, 3, 20)


def touched(contact, days_ago, state="done", today=TODAY):
    """A held interaction with `contact`, `days_ago` days before `today` at noon Moscow time."""
    at = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=days_ago), datetime.time(12)))
    interaction = Interaction.objects.create(
        organization_id=contact.organization_id, account=contact.account, kind="call", state=state, occurred_at=at
    )
    interaction.contacts.add(contact)
    return interaction


def due(actor, today=TODAY):
    return {c.name: c.days_overdue for c in due_rows(actor, contacts_due(actor, today), today)}


def test_a_contact_with_cadence_7_last_touched_10_days_ago_is_3_days_overdue(alice, acme):
    ivan = ContactFactory(account=acme, name="Ivan", cadence_days=7)
    touched(ivan, 10)
    assert due(alice) == {"Ivan": 3}
