"""What every KPI is made of: a scope (whose accounts), a period, and a result that carries its own
numerator and denominator, so every number can be checked by hand (docs/metrics.md defines each one).

A metric function takes a `Frame` and returns a `Metric`. Ratios are fractions from 0 to 1 (not
percentages); `value` is None when the denominator is zero. Money metrics are in the frame's one
currency, never summed across currencies.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from keyaccount.core import clock
from keyaccount.core.arithmetic import ratio

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import User

Number = Decimal | int


class Unit:
    RATIO = "ratio"  # a fraction 0–1 (NPS: −1 to 1)
    MONEY = "money"  # in the frame's currency
    DAYS = "days"
    PER_WEEK = "per_week"


@dataclass(frozen=True)
class Metric:
    key: str
    unit: str
    numerator: Number | None
    denominator: Number | None
    value: Decimal | None
    currency: str | None = None


@dataclass(frozen=True)
class Period:
    """Both days included."""

    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The equal period just before this one (for growth)."""
        end = self.start - datetime.timedelta(days=1)
        return Period(start=end - datetime.timedelta(days=self.days - 1), end=end)


@dataclass(frozen=True)
class Frame:
    """Everything a metric needs: who asks, which accounts, which period, which currency.

    `accounts` is already limited to what the actor sees and to the scope (organization, one account
    manager's portfolio, or one account); metric functions never widen it.
    """

    actor: User
    accounts: QuerySet[Account]
    period: Period
    currency: str
    # For the scope "am:<id>": the account manager whose own activity (touches) is measured.
    user_id: int | None = None


def zone_of(frame: Frame) -> datetime.tzinfo:
    """The organization's time zone: the days of a period are its days."""
    return clock.zone_for(frame.actor)


__all__ = ["Frame", "Metric", "Period", "Unit", "ratio", "zone_of"]
