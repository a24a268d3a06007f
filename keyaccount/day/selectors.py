"""My day: what a person should do today, by role, gathered from the apps' providers.

Each app registers a provider (`keyaccount.core.day`) that fills its sections: work (overdue, today's
and a specialist's later tasks, requests to triage, a head's team), comms (contacts due by cadence,
today's meetings), billing (the money to see to), alerts (open health alerts). This module knows no
provider: it works out today's bounds, asks each provider in turn, and joins the head's team with
each account manager's overdue receivables. A client's day is empty (their home is their account).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from keyaccount.core import clock
from keyaccount.core.day import DayBounds
from keyaccount.day.providers import DayPart, fields, parts, providers
from keyaccount.tenancy.models import Role
from keyaccount.tenancy.permissions import membership_of

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


class Day:
    """A person's day: `date`, `role` and every provider's sections as attributes (`day.overdue_tasks`,
    `day.money`...), each an empty value when its provider has nothing for the person."""

    def __init__(self, date: datetime.date, role: str | None, sections: dict[str, Any], page: list[DayPart]):
        self.date = date
        self.role = role
        self.sections = sections
        self.wide_parts = [p for p in page if p.wide]
        self.grid_parts = [p for p in page if not p.wide]

    def __getattr__(self, name: str) -> Any:
        sections = self.__dict__.get("sections")
        if sections is not None and name in sections:
            return sections[name]
        raise AttributeError(name)

    @property
    def shows_assignee(self) -> bool:
        """A specialist's tasks are all their own; the account side sees who does each."""
        return self.role != Role.SPECIALIST

    @property
    def is_empty(self) -> bool:
        """Nothing in any section (a section with an `is_empty` of its own, as the money, is asked)."""
        return all(getattr(value, "is_empty", not value) for value in self.sections.values())


def day_bounds(actor: User, now: datetime.datetime) -> DayBounds:
    """Today in the actor's zone: its date, its start and its end (aware), and `now`."""
    zone = clock.user_zone(actor)
    today = timezone.localtime(now, zone).date()
    start = datetime.datetime.combine(today, datetime.time.min, tzinfo=zone)
    return DayBounds(today=today, start=start, end=start + datetime.timedelta(days=1), now=now)


def _team_with_money(day: Day) -> None:
    """A head's team view shows each account manager's overdue receivables: the team rows (work) joined
    with the overdue money per account owner (billing); both were read already, so no query."""
    team, money = day.sections.get("team"), day.sections.get("money")
    if not team or money is None:
        return
    for row in team:
        if row.role == Role.ACCOUNT_MANAGER:
            row.overdue_money = money.overdue_by_owner.get(row.user.pk, [])


def day_for(actor: User, now: datetime.datetime | None = None) -> Day:
    """The actor's day, as the home page and `/api/v1/me/day/` show it."""
    now = now or clock.now()
    membership = membership_of(actor)
    bounds = day_bounds(actor, now)
    role = membership.role if membership else None
    sections = {f.key: f.empty() for f in fields()}
    if membership is not None and role != Role.CLIENT:
        for provider in providers():
            found = provider.sections(actor, bounds)
            sections.update({f.key: found[f.key] for f in provider.fields if f.key in found})
    day = Day(bounds.today, role, sections, parts())
    _team_with_money(day)
    return day
