"""Business-hours arithmetic in an organization's calendar: working days, working hours, holidays.

A request's answer is due "8 business hours" after it arrived: the clock runs only inside the
organization's working day (e.g. 09:00–18:00, Monday to Friday, in its time zone) and stops on
holidays. Everything here works on aware datetimes and answers in the organization's time zone.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from keyaccount.core.clock import organization_zone

if TYPE_CHECKING:
    from keyaccount.tenancy.models import Organization

# A target longer than this many calendar days is a configuration mistake; stop searching there.
_HORIZON_DAYS = 3660


def workdays_of(organization: Organization) -> set[int]:
    """ISO weekdays (1 = Monday … 7 = Sunday) the organization works on."""
    days = set()
    for part in (organization.workdays or "").split(","):
        part = part.strip()
        if part.isdigit() and 1 <= int(part) <= 7:
            days.add(int(part))
    return days


def holidays_of(organization: Organization, since: datetime.date | None = None) -> set[datetime.date]:
    """The organization's holidays (from `since` on), in one query."""
    from keyaccount.tenancy.models import Holiday

    qs = Holiday.objects.filter(organization_id=organization.pk)
    if since is not None:
        qs = qs.filter(date__gte=since)
    return set(qs.values_list("date", flat=True))


def _has_calendar(organization: Organization) -> bool:
    return bool(workdays_of(organization)) and organization.workday_ends > organization.workday_starts


def _working_windows(
    start_local: datetime.datetime, organization: Organization, holidays: set[datetime.date]
) -> Iterable[tuple[datetime.datetime, datetime.datetime]]:
    """The working windows (local, aware) from the day of `start_local` on, clipped to start at it."""
    tz = start_local.tzinfo
    workdays = workdays_of(organization)
    day = start_local.date()
    for _ in range(_HORIZON_DAYS):
        if day.isoweekday() in workdays and day not in holidays:
            opens = datetime.datetime.combine(day, organization.workday_starts, tzinfo=tz)
            closes = datetime.datetime.combine(day, organization.workday_ends, tzinfo=tz)
            opens = max(opens, start_local)
            if opens < closes:
                yield opens, closes
        day += datetime.timedelta(days=1)


def add_business_hours(
    start: datetime.datetime,
    hours: int | float | datetime.timedelta,
    organization: Organization,
    holidays: Iterable[datetime.date] | None = None,
) -> datetime.datetime:
    """The moment `hours` business hours after `start`, in the organization's time zone.

    Time outside the working day, on days off and on holidays does not count: a request at Friday 17:00
    with an 8-hour target in a 09–18 Monday–Friday calendar is due on Monday at 16:00. Pass `holidays`
    (dates) to avoid the query, e.g. when computing many deadlines at once. An organization without
    working days or hours counts wall-clock hours.
    """
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    remaining = hours if isinstance(hours, datetime.timedelta) else datetime.timedelta(hours=hours)
    tz = organization_zone(organization)
    start_local = start.astimezone(tz)
    if remaining <= datetime.timedelta(0):
        return start_local
    if not _has_calendar(organization):
        return start_local + remaining
    days_off = set(holidays) if holidays is not None else holidays_of(organization, since=start_local.date())
    for opens, closes in _working_windows(start_local, organization, days_off):
        available = closes - opens
        if remaining <= available:
            return opens + remaining
        remaining -= available
    return start_local + remaining  # past the horizon: a calendar with no working time left


def business_hours_between(
    a: datetime.datetime,
    b: datetime.datetime,
    organization: Organization,
    holidays: Iterable[datetime.date] | None = None,
) -> datetime.timedelta:
    """Working time from `a` to `b` in the organization's calendar (negative when `b` is before `a`)."""
    if a.tzinfo is None or b.tzinfo is None:
        raise ValueError("a and b must be aware datetimes")
    if b < a:
        return -business_hours_between(b, a, organization, holidays)
    tz = organization_zone(organization)
    a_local, b_local = a.astimezone(tz), b.astimezone(tz)
    if not _has_calendar(organization):
        return b - a
    days_off = set(holidays) if holidays is not None else holidays_of(organization, since=a_local.date())
    total = datetime.timedelta(0)
    for opens, closes in _working_windows(a_local, organization, days_off):
        if opens >= b_local:
            break
        total += min(closes, b_local) - opens
    return total
