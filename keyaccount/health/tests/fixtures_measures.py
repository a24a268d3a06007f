"""Rows the measure tests start from, dated by day in the organization's time zone (Europe/Moscow).

Rows are written straight to the models (the state a test starts from); `created_at`, which Django
stamps itself, is moved afterwards with an update.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from keyaccount.comms.models import Interaction
from keyaccount.contacts.models import Contact

D = datetime.date
AS_OF = D(2026, 3, 31)
OPENED = D(2025, 1, 1)
MSK = zoneinfo.ZoneInfo("Europe/Moscow")


def days_before(n: int, day: datetime.date = AS_OF) -> datetime.date:
    return day - datetime.timedelta(days=n)


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """A moment of `day` in the organization's time zone."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=MSK)


def created(obj: Any, day: datetime.date, hour: int = 9) -> Any:
    """Move the row's `created_at` to `day`."""
    type(obj).objects.filter(pk=obj.pk).update(created_at=at(day, hour))
    obj.refresh_from_db()
    return obj


def contact(account: Any, name: str, *, role: str = "", left_on: datetime.date | None = None, **extra: Any) -> Contact:
    person = Contact.objects.create(
        organization=account.organization, account=account, name=name, decision_role=role, left_on=left_on, **extra
    )
    return created(person, OPENED)


def touch(
    account: Any,
    day: datetime.date,
    *people: Contact,
    kind: str = "call",
    state: str = "done",
    direction: str = "outbound",
    sentiment: int | None = None,
    hour: int = 12,
) -> Interaction:
    interaction = Interaction.objects.create(
        organization=account.organization,
        account=account,
        kind=kind,
        state=state,
        direction=direction,
        occurred_at=at(day, hour),
        sentiment=sentiment,
    )
    if people:
        interaction.contacts.set(people)
    return interaction


def opened(account: Any, day: datetime.date = OPENED) -> Any:
    """The account as created on `day` (tests date everything after it)."""
    return created(account, day)
