"""Surveys at chosen moments, for tests: `survey(account, contact, "nps", answered=(9, when))`."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django.utils import timezone

from keyaccount.surveys.models import Survey


def at(org: Any, day: str, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """A time on `day` in the organization's own time zone."""
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(org.timezone)
    )


def survey(
    account: Any,
    contact: Any,
    kind: str = "csat",
    *,
    score: int | None = None,
    answered_at: datetime.datetime | None = None,
    sent_at: datetime.datetime | None = None,
    expires_at: datetime.datetime | None = None,
    comment: str = "",
    sent_by: Any = None,
) -> Survey:
    """A survey row written directly (the services are tested on their own); answered when `score` is given."""
    now = timezone.now()
    sent = sent_at or (answered_at - datetime.timedelta(days=1) if answered_at else now)
    return Survey.objects.create(
        organization_id=account.organization_id,
        account=account,
        contact=contact,
        kind=kind,
        email=contact.email or "someone@example.com",
        sent_at=sent,
        expires_at=expires_at or sent + datetime.timedelta(days=14),
        sent_by=sent_by,
        score=score,
        answered_at=(answered_at or now) if score is not None else None,
        comment=comment,
    )
