"""Compute an organization's health history after installing or importing data:

    python manage.py health_backfill --organization demo-agency --months 12

writes a snapshot of every account for each month-end of the last `--months` months and for each of the
last 35 days (docs/metrics.md, "Account health"), then today's current scores. Running it again
recomputes the same days and overwrites their snapshots.
"""

from __future__ import annotations

import calendar
import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from keyaccount.core.clock import organization_today
from keyaccount.health import services
from keyaccount.tenancy.models import Organization


def months_back(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` months earlier (the month's last day when that month is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Command(BaseCommand):
    help = "Compute an organization's health snapshots for past month-ends and the last 35 days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", required=True, help="The organization's slug.")
        parser.add_argument("--months", type=int, default=12, help="How many months back (default 12).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["months"] < 0 or options["months"] > 120:
            raise CommandError("--months must be from 0 to 120.")
        organization = Organization.objects.filter(slug=options["organization"]).first()
        if organization is None:
            raise CommandError(f"There is no organization {options['organization']!r}.")
        today = organization_today(organization)
        started = time.monotonic()
        written = services.backfill(organization, months_back(today, options["months"]), today)
        self.stdout.write(f"{written} snapshots written in {time.monotonic() - started:.1f} s.")
