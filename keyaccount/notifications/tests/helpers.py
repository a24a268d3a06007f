"""Building tasks, requests and interactions for the notification, reminder and day tests."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from keyaccount.comms.models import Interaction, InteractionState
from keyaccount.work.models import Request, RequestStatus, Task


def hours(n: float) -> datetime.timedelta:
    return datetime.timedelta(hours=n)


def make_task(
    account: Any, *, title: str = "Fix the landing page", due_in: datetime.timedelta | None = None, **fields: Any
) -> Task:
    due_at = timezone.now() + due_in if due_in is not None else fields.pop("due_at", None)
    return Task.objects.create(
        organization_id=account.organization_id, account=account, title=title, due_at=due_at, **fields
    )


def make_request(
    account: Any, *, text: str = "Add a banner", due_in: datetime.timedelta | None = None, **fields: Any
) -> Request:
    now = timezone.now()
    return Request.objects.create(
        organization_id=account.organization_id,
        account=account,
        channel="email",
        received_at=fields.pop("received_at", now - hours(1)),
        text=text,
        status=fields.pop("status", RequestStatus.NEW),
        response_due_at=now + due_in if due_in is not None else None,
        **fields,
    )


def make_interaction(
    account: Any, *, at: datetime.datetime, users: list[Any] = (), contacts: list[Any] = (), **fields: Any
) -> Interaction:
    interaction = Interaction.objects.create(
        organization_id=account.organization_id,
        account=account,
        kind=fields.pop("kind", "meeting"),
        state=fields.pop("state", InteractionState.PLANNED),
        occurred_at=at,
        **fields,
    )
    interaction.users.set(users)
    interaction.contacts.set(contacts)
    return interaction
