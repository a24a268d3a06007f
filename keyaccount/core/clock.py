"""One clock: what "now" is, an organization's today, and a person's time zone.

Every page, API call, job and report asks this module instead of deciding for itself; tests set the
time with time-machine and never depend on the real date.

- Days of money, health, KPIs, renewals and dashboards are the organization's days: an invoice is
  overdue, a contract ends and a month closes by the organization's calendar, whoever looks at it.
- A person's own days (my day, "due today", times typed into a form, reminders in an email) are
  theirs: their own time zone.
- One fallback rule for both: a name that is no real time zone (blank, misspelt, removed from the
  time-zone database) means the installation's `TIME_ZONE`.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

if TYPE_CHECKING:
    from keyaccount.tenancy.actors import Actor
    from keyaccount.tenancy.models import Organization


def now() -> datetime.datetime:
    """This moment, aware (UTC)."""
    return timezone.now()


def installation_zone() -> datetime.tzinfo:
    """The installation's time zone (settings.TIME_ZONE): the fallback for any zone that names nothing."""
    return timezone.get_default_timezone()


def zone_named(name: str | None) -> datetime.tzinfo:
    """The time zone of that name; the installation's for a blank or unknown name."""
    try:
        return zoneinfo.ZoneInfo(name or "")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return installation_zone()


def organization_zone(organization: Organization) -> datetime.tzinfo:
    """The organization's time zone: its days are the days of its money, health and KPIs."""
    return zone_named(organization.timezone)


def organization_today(organization: Organization) -> datetime.date:
    """Today as the organization's time zone sees it (not the server's, not the viewer's)."""
    return timezone.localdate(now(), timezone=organization_zone(organization))


def user_zone(user: Actor) -> datetime.tzinfo:
    """The person's own time zone: "today" on their day and a time typed without a zone are read in it."""
    return zone_named(getattr(user, "timezone", None))


def user_today(user: Actor) -> datetime.date:
    """Today in the person's own time zone."""
    return timezone.localdate(now(), timezone=user_zone(user))


def _organization_of(actor: Actor) -> Organization | None:
    """The organization of the actor's membership, read through the relation (the clock imports no app)."""
    if actor is None or not actor.is_authenticated:
        return None
    try:
        return actor.membership.organization
    except ObjectDoesNotExist:
        return None


def active_today() -> datetime.date:
    """Today in the time zone active for this request (the signed-in person's own, which the middleware
    activates): the day a form suggests before the person types one."""
    return timezone.localdate(now())


def today_for(actor: Actor) -> datetime.date:
    """The organization's today for someone working in it (the installation's for someone outside any)."""
    organization = _organization_of(actor)
    if organization is None:
        return timezone.localdate(now(), timezone=installation_zone())
    return organization_today(organization)


def zone_for(actor: Actor) -> datetime.tzinfo:
    """The time zone of the organization someone works in (the installation's for someone outside any)."""
    organization = _organization_of(actor)
    return organization_zone(organization) if organization is not None else installation_zone()


def start_of_day(day: datetime.date, zone: datetime.tzinfo) -> datetime.datetime:
    """The first moment of `day` in `zone`, aware."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
