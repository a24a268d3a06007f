"""What the health measures share: the defaults of a new health model, the number helpers, the day as
the organization's time zone sees it, and the context (accounts, people, last touches) loaded once for
all the accounts."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypedDict

from django.db.models import Max, Q
from django.utils import timezone

from keyaccount.accounts.models import Account, AccountStatusChange
from keyaccount.comms.models import TOUCH_KINDS, Direction, Interaction, InteractionState
from keyaccount.contacts.models import Contact, ContactAccountRole
from keyaccount.health.base import MeasureKey, MeasureValue


@dataclass(frozen=True)
class MeasureDefault:
    """What a new organization's health model starts with for one measure."""

    weight: int
    params: dict[str, Any] = field(default_factory=dict)
    alert_below: int | None = None


DEFAULTS: dict[str, MeasureDefault] = {
    MeasureKey.CONTACT_RECENCY: MeasureDefault(weight=15, params={}, alert_below=40),
    MeasureKey.DECISION_MAKER_ENGAGED: MeasureDefault(weight=10, params={"days": 30}, alert_below=50),
    MeasureKey.STAKEHOLDER_COVERAGE: MeasureDefault(weight=10, params={"window_days": 90, "target": 3}),
    MeasureKey.CHAMPION_LEFT: MeasureDefault(weight=10, params={"window_days": 90}, alert_below=50),
    MeasureKey.OVERDUE_RECEIVABLES: MeasureDefault(weight=15, params={"days_to_zero": 90}, alert_below=50),
    MeasureKey.OVERDUE_WORK: MeasureDefault(
        weight=10, params={"window_days": 30, "points_per_task": 20}, alert_below=50
    ),
    MeasureKey.SATISFACTION: MeasureDefault(weight=10, params={}, alert_below=50),
    MeasureKey.SENTIMENT_TREND: MeasureDefault(weight=5, params={"window_days": 90}, alert_below=40),
    MeasureKey.RENEWAL_RISK: MeasureDefault(weight=10, params={"horizon_days": 90}, alert_below=50),
    MeasureKey.MANUAL_ASSESSMENT: MeasureDefault(weight=5, params={}, alert_below=None),
}


def params_for(key: str, params_by_key: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """The measure's defaults overlaid with the organization's settings (unknown or bad values ignored)."""
    merged = dict(DEFAULTS[key].params)
    for name, value in (params_by_key.get(key) or {}).items():
        if name in merged and isinstance(value, int) and not isinstance(value, bool) and value > 0:
            merged[name] = value
    return merged


# --- numbers --------------------------------------------------------------------------------------


def score(x: Fraction | Decimal | int) -> int:
    """A value 0–100, rounded half up to a whole number."""
    f = Fraction(x)
    f = min(max(f, Fraction(0)), Fraction(100))
    return int((f + Fraction(1, 2)).__floor__())


def linear(days: int, full_until: int, zero_at: int) -> int:
    """100 up to `full_until` days, falling linearly to 0 at `zero_at` days and after."""
    if days <= full_until:
        return 100
    if days >= zero_at:
        return 0
    return score(Fraction(100 * (zero_at - days), zero_at - full_until))


def mean(values: Iterable[int | Fraction]) -> Fraction | None:
    items = [Fraction(v) for v in values]
    return sum(items, Fraction(0)) / len(items) if items else None


# --- the day ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    """`as_of` in the organization's time zone: `end` is the first instant after it."""

    on: datetime.date
    zone: datetime.tzinfo

    @property
    def end(self) -> datetime.datetime:
        return datetime.datetime.combine(self.on + datetime.timedelta(days=1), datetime.time.min, tzinfo=self.zone)

    def start_of(self, window_days: int) -> datetime.datetime:
        """The first instant of the `window_days` days ending with `as_of` (both ends counted)."""
        first = self.on - datetime.timedelta(days=window_days - 1)
        return datetime.datetime.combine(first, datetime.time.min, tzinfo=self.zone)

    def date_of(self, moment: datetime.datetime) -> datetime.date:
        return timezone.localtime(moment, self.zone).date()

    def days_since(self, moment: datetime.datetime) -> int:
        return (self.on - self.date_of(moment)).days


def unknown(key: str, reason: str, **facts: Any) -> MeasureValue:
    return MeasureValue(key=key, value=None, facts={"unknown": reason, **facts})


# --- what several measures share ------------------------------------------------------------------


@dataclass
class Person:
    """A client contact as a stakeholder of one account on the day (home account or a linked role)."""

    id: int
    name: str
    role: str
    left_on: datetime.date | None
    cadence_days: int | None

    def present_on(self, day: datetime.date) -> bool:
        return self.left_on is None or self.left_on > day


class AccountRow(TypedDict):
    """An account as the measures read it: a row of `Account.objects.values(...)` in `_context`."""

    pk: int
    name: str
    status: str
    created_at: datetime.datetime
    cadence_days: int | None


@dataclass
class Context:
    """What the measures read, loaded once for all the accounts."""

    organization: Any
    day: Day
    accounts: dict[int, AccountRow]
    people: dict[int, list[Person]]
    last_touch: dict[int, datetime.datetime]
    last_touch_by_contact: dict[int, dict[int, datetime.datetime]]


def _held_touches() -> Q:
    return Q(state=InteractionState.DONE, kind__in=TOUCH_KINDS) & ~Q(direction=Direction.INTERNAL)


def _context(organization: Any, ids: list[int], day: Day) -> Context:
    accounts: dict[int, AccountRow] = {
        row["pk"]: row
        for row in Account.objects.filter(organization=organization, pk__in=ids).values(
            "pk", "name", "status", "created_at", "cadence_days"
        )
    }
    people: dict[int, list[Person]] = defaultdict(list)
    for contact in Contact.objects.filter(organization=organization, account_id__in=ids, created_at__lt=day.end).values(
        "pk", "account_id", "name", "decision_role", "left_on", "cadence_days"
    ):
        people[contact["account_id"]].append(
            Person(
                contact["pk"], contact["name"], contact["decision_role"], contact["left_on"], contact["cadence_days"]
            )
        )
    for role in ContactAccountRole.objects.filter(
        organization=organization, account_id__in=ids, contact__created_at__lt=day.end
    ).values("account_id", "contact_id", "contact__name", "decision_role", "contact__left_on"):
        people[role["account_id"]].append(
            Person(role["contact_id"], role["contact__name"], role["decision_role"], role["contact__left_on"], None)
        )
    last_touch = {
        touch["account_id"]: touch["last"]
        for touch in Interaction.objects.filter(_held_touches(), organization=organization, account_id__in=ids)
        .filter(occurred_at__lt=day.end)
        .order_by()
        .values("account_id")
        .annotate(last=Max("occurred_at"))
    }
    by_contact: dict[int, dict[int, datetime.datetime]] = defaultdict(dict)
    through = Interaction.contacts.through
    for touch in (
        through.objects.filter(
            interaction__organization=organization,
            interaction__account_id__in=ids,
            interaction__occurred_at__lt=day.end,
            interaction__state=InteractionState.DONE,
            interaction__kind__in=TOUCH_KINDS,
        )
        .exclude(interaction__direction=Direction.INTERNAL)
        .order_by()
        .values("interaction__account_id", "contact_id")
        .annotate(last=Max("interaction__occurred_at"))
    ):
        by_contact[touch["interaction__account_id"]][touch["contact_id"]] = touch["last"]
    return Context(organization, day, accounts, people, last_touch, by_contact)


def _status_on(organization: Any, accounts: Mapping[int, AccountRow], day: Day) -> dict[int, str]:
    """Each account's lifecycle status at the end of the day, from its status history."""
    before: dict[int, str] = {}
    after: dict[int, str] = {}
    for change in (
        AccountStatusChange.objects.filter(organization=organization, account_id__in=list(accounts))
        .order_by("account_id", "created_at", "pk")
        .values("account_id", "from_status", "to_status", "created_at")
    ):
        if change["created_at"] < day.end:
            before[change["account_id"]] = change["to_status"]
        elif change["account_id"] not in after and change["from_status"]:
            after[change["account_id"]] = change["from_status"]
    return {pk: before.get(pk) or after.get(pk) or row["status"] for pk, row in accounts.items()}
