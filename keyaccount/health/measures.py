"""The built-in health measures: what each reads, and how it turns the facts into a value from 0 to 100.

`measure_values(organization, accounts, as_of, params_by_key)` answers, for each account, every measure's
value and the facts behind it as they stood at the end of `as_of` in the organization's time zone: only
interactions held by then, contacts that had not left by then, invoices billed by then and payments dated
by then, tasks not closed by then, surveys answered by then, renewal outcomes decided by then. So the same
function computes today's score and backfills history for the backtest. It runs a constant number of
queries however many accounts it is given.

Every value is rounded half up to a whole number. A measure with no data is None ("unknown") with
`facts["unknown"]` naming why; the score leaves it out of the weights, never counts it as good.

Accounts the measures do not apply to, on `as_of`:
- an account churned on that day (its status then, from its status history) has every measure unknown
  (`unknown: "churned"`): there is no relationship left to score;
- an account created after that day has every measure unknown (`unknown: "not_open"`).
Onboarding, active, at-risk and paused accounts are measured alike (there is no "prospect" status: a
client arrives from sales already won).

Each measure's definition is in its function's docstring and in docs/metrics.md ("Health measures").
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from keyaccount.accounts.models import Account, AccountStatus, AccountStatusChange
from keyaccount.comms.models import Direction, Interaction, InteractionState
from keyaccount.contacts.models import Contact, ContactAccountRole, DecisionRole
from keyaccount.health.base import MeasureKey, MeasureValue
from keyaccount.kpis.activity import TOUCH_KINDS


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

DECISION_ROLES = [DecisionRole.DECISION_MAKER, DecisionRole.ECONOMIC_BUYER]


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


def _zone(organization: Any) -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(organization.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return timezone.get_current_timezone()


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


@dataclass
class Context:
    """What the measures read, loaded once for all the accounts."""

    organization: Any
    day: Day
    accounts: dict[int, dict[str, Any]]
    people: dict[int, list[Person]]
    last_touch: dict[int, datetime.datetime]
    last_touch_by_contact: dict[int, dict[int, datetime.datetime]]


def _held_touches() -> Q:
    return Q(state=InteractionState.DONE, kind__in=TOUCH_KINDS) & ~Q(direction=Direction.INTERNAL)


def _context(organization: Any, ids: list[int], day: Day) -> Context:
    accounts = {
        row["pk"]: row
        for row in Account.objects.filter(organization=organization, pk__in=ids).values(
            "pk", "name", "status", "created_at", "cadence_days"
        )
    }
    people: dict[int, list[Person]] = defaultdict(list)
    for row in Contact.objects.filter(organization=organization, account_id__in=ids, created_at__lt=day.end).values(
        "pk", "account_id", "name", "decision_role", "left_on", "cadence_days"
    ):
        people[row["account_id"]].append(
            Person(row["pk"], row["name"], row["decision_role"], row["left_on"], row["cadence_days"])
        )
    for row in ContactAccountRole.objects.filter(
        organization=organization, account_id__in=ids, contact__created_at__lt=day.end
    ).values("account_id", "contact_id", "contact__name", "decision_role", "contact__left_on"):
        people[row["account_id"]].append(
            Person(row["contact_id"], row["contact__name"], row["decision_role"], row["contact__left_on"], None)
        )
    last_touch = {
        row["account_id"]: row["last"]
        for row in Interaction.objects.filter(_held_touches(), organization=organization, account_id__in=ids)
        .filter(occurred_at__lt=day.end)
        .order_by()
        .values("account_id")
        .annotate(last=Max("occurred_at"))
    }
    by_contact: dict[int, dict[int, datetime.datetime]] = defaultdict(dict)
    through = Interaction.contacts.through
    for row in (
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
        by_contact[row["interaction__account_id"]][row["contact_id"]] = row["last"]
    return Context(organization, day, accounts, people, last_touch, by_contact)


def _status_on(organization: Any, accounts: dict[int, dict[str, Any]], day: Day) -> dict[int, str]:
    """Each account's lifecycle status at the end of the day, from its status history."""
    before: dict[int, str] = {}
    after: dict[int, str] = {}
    for row in (
        AccountStatusChange.objects.filter(organization=organization, account_id__in=list(accounts))
        .order_by("account_id", "created_at", "pk")
        .values("account_id", "from_status", "to_status", "created_at")
    ):
        if row["created_at"] < day.end:
            before[row["account_id"]] = row["to_status"]
        elif row["account_id"] not in after and row["from_status"]:
            after[row["account_id"]] = row["from_status"]
    return {pk: before.get(pk) or after.get(pk) or row["status"] for pk, row in accounts.items()}


# --- the measures ----------------------------------------------------------------------------------


def contact_recency(ctx: Context, account_id: int, params: dict[str, Any]) -> MeasureValue:
    """Days since the last held client touch (a call, meeting, email, message or event, not internal)
    against the account's cadence.

    Cadence: the shortest effective cadence of the account's people present on the day (a contact's own,
    else the account's default, else the organization's) — as "contacts due" computes it; without people,
    the account's default, else the organization's. 100 while the days since the last touch are within
    the cadence, falling linearly to 0 at three cadences: 100 × (3c − d) ÷ 2c. Never touched: the days
    since the account was opened count instead (`never_contacted`).
    """
    key = MeasureKey.CONTACT_RECENCY
    account = ctx.accounts[account_id]
    default = account["cadence_days"] or ctx.organization.default_cadence_days
    cadences = [p.cadence_days or default for p in ctx.people.get(account_id, []) if p.present_on(ctx.day.on)]
    cadence = min(cadences) if cadences else default
    last = ctx.last_touch.get(account_id)
    facts: dict[str, Any] = {"cadence_days": cadence}
    if last is None:
        days = max(ctx.day.days_since(account["created_at"]), 0)
        facts["never_contacted"] = True
    else:
        days = ctx.day.days_since(last)
        facts["last_contact_on"] = ctx.day.date_of(last).isoformat()
    facts["days_since_contact"] = days
    return MeasureValue(key, linear(days, cadence, 3 * cadence), facts)


def decision_maker_engaged(ctx: Context, account_id: int, params: dict[str, Any]) -> MeasureValue:
    """Was a decision maker or economic buyer of the account (home contact or linked role, not left by
    the day) in a held client touch in the last `days` days?

    100 when the last such touch is at most `days` ago, falling linearly to 0 at 2 × `days`; 0 when they
    were never touched. Unknown when the account has no decision maker recorded.
    """
    key = MeasureKey.DECISION_MAKER_ENGAGED
    n = params["days"]
    deciders = [p for p in ctx.people.get(account_id, []) if p.role in DECISION_ROLES and p.present_on(ctx.day.on)]
    if not deciders:
        return unknown(key, "no_decision_maker", days=n)
    touches = ctx.last_touch_by_contact.get(account_id, {})
    touched = [(touches[p.id], p) for p in deciders if p.id in touches]
    facts: dict[str, Any] = {"days": n, "decision_makers": len({p.id for p in deciders})}
    if not touched:
        facts["never_contacted"] = True
        facts["contact"] = deciders[0].name
        return MeasureValue(key, 0, facts)
    last, person = max(touched, key=lambda t: t[0])
    days = ctx.day.days_since(last)
    facts.update(days_since_contact=days, contact=person.name, last_contact_on=ctx.day.date_of(last).isoformat())
    return MeasureValue(key, linear(days, n, 2 * n), facts)


def stakeholder_coverage(ctx: Context, account_id: int, params: dict[str, Any]) -> MeasureValue:
    """How many of the client's people we are engaged with: distinct contacts in held client touches on
    the account in the last `window_days` days.

    100 × engaged ÷ `target` (3 by default), at most 100: 0 engaged → 0, 1 → 33, 2 → 67, 3 or more → 100.
    `single_threaded` when exactly one. Unknown when the account has no contacts recorded.
    """
    key = MeasureKey.STAKEHOLDER_COVERAGE
    window, target = params["window_days"], params["target"]
    people = [p for p in ctx.people.get(account_id, []) if p.present_on(ctx.day.on)]
    if not ctx.people.get(account_id):
        return unknown(key, "no_contacts", window_days=window)
    start = ctx.day.start_of(window)
    touches = ctx.last_touch_by_contact.get(account_id, {})
    gone = {p.id for p in ctx.people.get(account_id, []) if not p.present_on(ctx.day.on)}
    engaged = sum(1 for pk, moment in touches.items() if moment >= start and pk not in gone)
    facts = {
        "engaged_contacts": engaged,
        "contacts": len({p.id for p in people}),
        "window_days": window,
        "target": target,
        "single_threaded": engaged == 1,
    }
    return MeasureValue(key, score(Fraction(100 * engaged, target)), facts)


def champion_left(ctx: Context, account_id: int, params: dict[str, Any]) -> MeasureValue:
    """Is the account's champion still there?

    100 when a champion (home contact or linked role) is at the company on the day; 0 when none remains
    and one left in the last `window_days` days (the alarm); 50 when none remains and the last one left
    earlier (the gap stays, the alarm has faded). Unknown when no champion was ever recorded.
    """
    key = MeasureKey.CHAMPION_LEFT
    window = params["window_days"]
    champions = [p for p in ctx.people.get(account_id, []) if p.role == DecisionRole.CHAMPION]
    if not champions:
        return unknown(key, "no_champion")
    present = [p for p in champions if p.present_on(ctx.day.on)]
    if present:
        return MeasureValue(key, 100, {"champions": len({p.id for p in present}), "champion": present[0].name})
    gone = max(champions, key=lambda p: (p.left_on, p.id))
    assert gone.left_on is not None
    days = (ctx.day.on - gone.left_on).days
    facts = {"champion": gone.name, "left_on": gone.left_on.isoformat(), "days_since_left": days, "window_days": window}
    return MeasureValue(key, 0 if days < window else 50, facts)


def overdue_receivables(
    ctx: Context, open_by_account: dict[int, list[Any]], invoiced: set[int], account_id: int, params: dict[str, Any]
) -> MeasureValue:
    """How much of what the client owes is overdue, and for how long (billing/receivables.py definitions:
    invoices billed by the day, payments dated by the day).

    Per currency: the mean of 100 × (1 − overdue ÷ open) and the days part — 100 at 0 days past due for
    the oldest overdue invoice, falling linearly to 0 at `days_to_zero` (90) days; the worst currency
    counts. 100 when nothing is open. Unknown when the account was never invoiced by the day.
    """
    key = MeasureKey.OVERDUE_RECEIVABLES
    zero_at = params["days_to_zero"]
    if account_id not in invoiced:
        return unknown(key, "never_invoiced")
    invoices = open_by_account.get(account_id, [])
    if not invoices:
        return MeasureValue(key, 100, {"nothing_open": True})
    by_currency: dict[str, list[Any]] = defaultdict(list)
    for invoice in invoices:
        by_currency[invoice.currency].append(invoice)
    worst: tuple[Fraction, dict[str, Any]] | None = None
    for currency in sorted(by_currency):
        rows = by_currency[currency]
        total = sum((i.open_amount for i in rows), Decimal(0))
        overdue_rows = [i for i in rows if i.days_past_due > 0]
        overdue = sum((i.open_amount for i in overdue_rows), Decimal(0))
        oldest = min(overdue_rows, key=lambda i: (i.due_date, i.issue_date, i.id)) if overdue_rows else None
        days = oldest.days_past_due if oldest else 0
        share = Fraction(overdue) / Fraction(total)
        value = (100 * (1 - share) + linear_fraction(days, zero_at)) / 2
        facts: dict[str, Any] = {
            "currency": currency,
            "open": str(total),
            "overdue": str(overdue),
            "overdue_share": score(100 * share),
            "overdue_invoices": len(overdue_rows),
        }
        if oldest is not None:
            facts.update(invoice=oldest.number, days_overdue=oldest.days_past_due, due_date=oldest.due_date.isoformat())
        if worst is None or value < worst[0]:
            worst = (value, facts)
    assert worst is not None
    return MeasureValue(key, score(worst[0]), worst[1])


def linear_fraction(days: int, zero_at: int) -> Fraction:
    """100 at 0 days, 0 at `zero_at` days and after, linear in between (unrounded)."""
    if days <= 0:
        return Fraction(100)
    if days >= zero_at:
        return Fraction(0)
    return Fraction(100 * (zero_at - days), zero_at)


def _task_loads(organization: Any, ids: list[int], day: Day) -> tuple[dict[int, list[dict[str, Any]]], set[int]]:
    """Tasks open at the end of the day with their deadline as it stood then, and the accounts that had
    any task by then. Three queries."""
    from keyaccount.work.models import Task, TaskDueChange, TaskStatus, TaskStatusChange

    created = Task.objects.filter(organization=organization, account_id__in=ids, created_at__lt=day.end)
    with_tasks = set(created.order_by().values_list("account_id", flat=True).distinct())
    closed = TaskStatusChange.objects.filter(
        task_id=OuterRef("pk"), to_status__in=[TaskStatus.DONE, TaskStatus.CANCELLED], created_at__lt=day.end
    )
    rows = list(
        created.exclude(completed_at__lt=day.end)
        .exclude(Exists(closed))
        .order_by()
        .values("pk", "account_id", "title", "due_at")
    )
    # A deadline moved later reads as it stood on the day: the latest move made by then, else the
    # deadline before the first move made after it.
    due: dict[int, datetime.datetime | None] = {row["pk"]: row["due_at"] for row in rows}
    settled: set[int] = set()
    moves = TaskDueChange.objects.filter(task_id__in=list(due)).order_by("task_id", "created_at", "pk")
    for move in moves.values("task_id", "from_due_at", "to_due_at", "created_at"):
        if move["created_at"] < day.end:
            due[move["task_id"]] = move["to_due_at"]
        elif move["task_id"] not in settled:
            due[move["task_id"]] = move["from_due_at"]
        if move["created_at"] >= day.end:
            settled.add(move["task_id"])
    open_tasks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        open_tasks[row["account_id"]].append({**row, "due_at": due[row["pk"]]})
    return open_tasks, with_tasks


def overdue_work(
    ctx: Context,
    open_tasks: dict[int, list[dict[str, Any]]],
    with_tasks: set[int],
    requests: dict[int, list[dict[str, Any]]],
    account_id: int,
    params: dict[str, Any],
) -> MeasureValue:
    """Delivery on time: open tasks past their deadline, and client requests answered after their target.

    Tasks part: 100 − `points_per_task` (20) for each task of the account open at the end of the day
    whose deadline (as it stood then) had passed, at least 0. Requests part: of the requests whose
    response target fell in the last `window_days` days, the share answered (triaged) by the target,
    × 100. The value is the mean of the parts that are known: the tasks part when the account had any
    task by the day, the requests part when a target fell in the window. Unknown when neither.
    """
    key = MeasureKey.OVERDUE_WORK
    window, points = params["window_days"], params["points_per_task"]
    parts: list[Fraction] = []
    facts: dict[str, Any] = {"window_days": window}
    if account_id in with_tasks:
        overdue = [t for t in open_tasks.get(account_id, []) if t["due_at"] is not None and t["due_at"] < ctx.day.end]
        parts.append(Fraction(max(0, 100 - points * len(overdue))))
        facts["overdue_tasks"] = len(overdue)
        if overdue:
            oldest = min(overdue, key=lambda t: (t["due_at"], t["pk"]))
            facts["task"] = oldest["title"]
            facts["task_days_overdue"] = ctx.day.days_since(oldest["due_at"])
    due = requests.get(account_id, [])
    if due:
        late = [r for r in due if r["triaged_at"] is None or r["triaged_at"] > r["response_due_at"]]
        parts.append(Fraction(100 * (len(due) - len(late)), len(due)))
        facts["requests_due"] = len(due)
        facts["late_requests"] = len(late)
    if not parts:
        return unknown(key, "no_work", window_days=window)
    return MeasureValue(key, score(mean(parts) or 0), facts)


def _requests_due(organization: Any, ids: list[int], day: Day, window: int) -> dict[int, list[dict[str, Any]]]:
    from keyaccount.work.models import Request

    result: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        Request.objects.filter(
            organization=organization,
            account_id__in=ids,
            received_at__lt=day.end,
            response_due_at__gte=day.start_of(window),
            response_due_at__lt=day.end,
        )
        .order_by()
        .values("account_id", "response_due_at", "triaged_at")
    ):
        result[row["account_id"]].append(row)
    return result


def satisfaction(
    ctx: Context, answers: dict[int, dict[str, dict[str, Any]]], account_id: int, params: dict[str, Any]
) -> MeasureValue:
    """The latest CSAT and NPS answers of the account's contacts, answered by the day.

    CSAT 1–5 → (score − 1) × 25 (1 → 0, 3 → 50, 5 → 100); NPS 0–10 → score × 10. The value is the mean
    of the ones known. Unknown when no survey was answered.
    """
    key = MeasureKey.SATISFACTION
    latest = answers.get(account_id, {})
    if not latest:
        return unknown(key, "no_answers")
    parts: list[int] = []
    facts: dict[str, Any] = {}
    if "csat" in latest:
        parts.append((latest["csat"]["score"] - 1) * 25)
        facts.update(csat=latest["csat"]["score"], csat_on=ctx.day.date_of(latest["csat"]["answered_at"]).isoformat())
    if "nps" in latest:
        parts.append(latest["nps"]["score"] * 10)
        facts.update(nps=latest["nps"]["score"], nps_on=ctx.day.date_of(latest["nps"]["answered_at"]).isoformat())
    return MeasureValue(key, score(mean(parts) or 0), facts)


def _latest_answers(organization: Any, ids: list[int], day: Day) -> dict[int, dict[str, dict[str, Any]]]:
    from keyaccount.surveys.models import Survey

    result: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in (
        Survey.objects.filter(
            organization=organization, account_id__in=ids, answered_at__lt=day.end, score__isnull=False
        )
        .order_by("account_id", "kind", "-answered_at", "-pk")
        .values("account_id", "kind", "score", "answered_at")
    ):
        result[row["account_id"]].setdefault(row["kind"], row)
    return result


def sentiment_trend(
    ctx: Context, sentiments: dict[int, dict[str, list[int]]], account_id: int, params: dict[str, Any]
) -> MeasureValue:
    """How the client's interactions felt: the mean sentiment (−2..+2) of the held interactions of the
    last `window_days` days that have one, as (mean + 2) × 25 (−2 → 0, 0 → 50, +2 → 100). Facts carry
    the mean of the window before it and the change. Unknown when no held interaction in the window has
    a sentiment.
    """
    key = MeasureKey.SENTIMENT_TREND
    window = params["window_days"]
    rows = sentiments.get(account_id, {})
    current, previous = rows.get("current", []), rows.get("previous", [])
    if not current:
        return unknown(key, "no_sentiment", window_days=window)
    now = mean(current) or Fraction(0)
    facts: dict[str, Any] = {"mean": _two(now), "count": len(current), "window_days": window}
    if previous:
        before = mean(previous) or Fraction(0)
        facts.update(previous_mean=_two(before), change=_two(now - before), previous_count=len(previous))
    return MeasureValue(key, score((now + 2) * 25), facts)


def _two(x: Fraction) -> str:
    """A fraction as a decimal string with two places, rounded half up (e.g. "-0.33")."""
    from decimal import ROUND_HALF_UP

    return str((Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _sentiments(organization: Any, ids: list[int], day: Day, window: int) -> dict[int, dict[str, list[int]]]:
    start, earlier = day.start_of(window), day.start_of(2 * window)
    result: dict[int, dict[str, list[int]]] = defaultdict(lambda: {"current": [], "previous": []})
    for row in (
        Interaction.objects.filter(
            organization=organization,
            account_id__in=ids,
            state=InteractionState.DONE,
            sentiment__isnull=False,
            occurred_at__gte=earlier,
            occurred_at__lt=day.end,
        )
        .order_by()
        .values("account_id", "sentiment", "occurred_at")
    ):
        result[row["account_id"]]["current" if row["occurred_at"] >= start else "previous"].append(row["sentiment"])
    return result


def _contract_terms(organization: Any, ids: list[int], day: Day) -> dict[int, list[dict[str, Any]]]:
    """Binding contracts signed by the day and not terminated by then, each with `end` (its term's end as
    it stood on the day) and `outcome` (the renewal outcome decided by then for that term). Three queries."""
    from django.db.models.functions import Coalesce

    from keyaccount.billing.models import BINDING_STATUSES, Amendment, Contract, Renewal

    contracts = list(
        Contract.objects.filter(organization=organization, account_id__in=ids, status__in=BINDING_STATUSES)
        .annotate(signed=Coalesce("signed_on", "start_date"))
        .filter(signed__lte=day.on)
        .order_by()
        .values(
            "pk", "account_id", "number", "end_date", "notice_days", "notice_given_on", "auto_renew", "terminated_on"
        )
    )
    pks = [c["pk"] for c in contracts]
    later_changes: dict[int, list[tuple[datetime.date, int, datetime.date]]] = defaultdict(list)
    for a in Amendment.objects.filter(contract_id__in=pks, new_end_date__isnull=False).values(
        "pk", "contract_id", "signed_on", "effective_date", "previous_end_date"
    ):
        made = a["signed_on"] or a["effective_date"]
        if made > day.on and a["previous_end_date"] is not None:
            later_changes[a["contract_id"]].append((made, a["pk"], a["previous_end_date"]))
    outcomes: dict[tuple[int, datetime.date], str] = {}
    for r in Renewal.objects.filter(contract_id__in=pks).values(
        "pk", "contract_id", "term_end", "decided_on", "outcome"
    ):
        if r["decided_on"] <= day.on:
            outcomes[(r["contract_id"], r["term_end"])] = r["outcome"]
        else:
            later_changes[r["contract_id"]].append((r["decided_on"], -r["pk"], r["term_end"]))
    result: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for c in contracts:
        changes = sorted(later_changes.get(c["pk"], []))
        end = changes[0][2] if changes else c["end_date"]
        terminated = c["terminated_on"] is not None and c["terminated_on"] <= day.on
        result[c["account_id"]].append(
            {**c, "end": end, "terminated": terminated, "outcome": outcomes.get((c["pk"], end)) if end else None}
        )
    return result


def renewal_risk(
    ctx: Context, terms: dict[int, list[dict[str, Any]]], account_id: int, params: dict[str, Any]
) -> MeasureValue:
    """How close a contract's renewal is with no outcome recorded (billing renewals).

    For each binding contract signed by the day and not terminated by then, with its term's end as it
    stood then: the next date that matters is the notice deadline (end − notice days) while it is ahead,
    else the end. Days left ≥ `horizon_days` → 100; fewer → 100 × days left ÷ horizon (0 on the day).
    A term that ended in the last `horizon_days` days with no outcome → 0; notice given not to renew, or
    the outcome "not renewed" → 0; another outcome recorded, an open-ended contract, or an automatic
    renewal whose notice deadline passed without notice → 100. The worst contract counts. 100 when no
    renewal is due. Unknown when the account had no signed contract by the day.
    """
    key = MeasureKey.RENEWAL_RISK
    horizon = params["horizon_days"]
    contracts = terms.get(account_id, [])
    if not contracts:
        return unknown(key, "no_contract")
    worst: tuple[int, dict[str, Any]] = (100, {"no_renewal_due": True, "horizon_days": horizon})
    for c in sorted(contracts, key=lambda c: (c["end"] or datetime.date.max, c["pk"])):
        value, facts = _contract_risk(c, ctx.day.on, horizon)
        if value < worst[0]:
            worst = (value, facts)
    return MeasureValue(key, worst[0], worst[1])


def _contract_risk(c: dict[str, Any], on: datetime.date, horizon: int) -> tuple[int, dict[str, Any]]:
    from keyaccount.billing.models import RenewalOutcome

    end = c["end"]
    if c["terminated"] or end is None:
        return 100, {}
    facts: dict[str, Any] = {"contract": c["number"], "end_date": end.isoformat(), "horizon_days": horizon}
    if c["outcome"] == RenewalOutcome.CHURNED:
        return 0, {**facts, "outcome": c["outcome"]}
    if c["outcome"]:
        return 100, {}
    if end < on:
        days = (on - end).days
        return (0, {**facts, "ended_days_ago": days}) if days <= horizon else (100, {})
    if c["notice_given_on"] is not None and c["notice_given_on"] <= on:
        return 0, {**facts, "notice_given_on": c["notice_given_on"].isoformat()}
    deadline = end - datetime.timedelta(days=c["notice_days"])
    facts["notice_deadline"] = deadline.isoformat()
    if deadline >= on:
        days, facts["next"] = (deadline - on).days, "notice"
    elif c["auto_renew"]:
        return 100, {}
    else:
        days, facts["next"] = (end - on).days, "end"
    facts["days_left"] = days
    if days >= horizon:
        return 100, {}
    return score(Fraction(100 * days, horizon)), facts


def manual_assessment(
    ctx: Context, assessments: dict[int, dict[str, Any]], account_id: int, params: dict[str, Any]
) -> MeasureValue:
    """The account manager's own reading: the value of the latest assessment written by the day, while it
    has not expired (it counts through its expiry day). Unknown when there is none, or the latest expired.
    """
    key = MeasureKey.MANUAL_ASSESSMENT
    latest = assessments.get(account_id)
    if latest is None:
        return unknown(key, "no_assessment")
    facts = {
        "comment": latest["comment"],
        "assessed_on": ctx.day.date_of(latest["created_at"]).isoformat(),
        "expires_on": latest["expires_on"].isoformat(),
        "author": latest["author__name"] or latest["author__email"] or "",
    }
    if latest["expires_on"] < ctx.day.on:
        return unknown(key, "assessment_expired", **facts)
    return MeasureValue(key, latest["value"], facts)


def _latest_assessments(organization: Any, ids: list[int], day: Day) -> dict[int, dict[str, Any]]:
    from keyaccount.health.models import ManualAssessment

    result: dict[int, dict[str, Any]] = {}
    for row in (
        ManualAssessment.objects.filter(organization=organization, account_id__in=ids, created_at__lt=day.end)
        .order_by("account_id", "-created_at", "-pk")
        .values("account_id", "value", "comment", "expires_on", "created_at", "author__name", "author__email")
    ):
        result.setdefault(row["account_id"], row)
    return result


# --- all of them -----------------------------------------------------------------------------------


def measure_values(
    organization: Any,
    accounts: Iterable[Any],
    as_of: datetime.date,
    params_by_key: Mapping[str, dict[str, Any]],
) -> dict[int, dict[str, MeasureValue]]:
    """For each account (Account objects or ids) of `organization`: every measure key → its value and facts
    at the end of `as_of` in the organization's time zone. Accounts of another organization are left
    out. A constant number of queries, whatever the number of accounts."""
    from keyaccount.billing.models import Invoice
    from keyaccount.billing.receivables import billed_on, open_invoices

    ids = sorted({getattr(a, "pk", a) for a in accounts})
    if not ids:
        return {}
    day = Day(as_of, _zone(organization))
    params = {key: params_for(key, params_by_key) for key in DEFAULTS}
    ctx = _context(organization, ids, day)
    ids = [pk for pk in ids if pk in ctx.accounts]
    statuses = _status_on(organization, ctx.accounts, day)

    invoices = Invoice.objects.filter(organization=organization, account_id__in=ids)
    open_by_account: dict[int, list[Any]] = defaultdict(list)
    for invoice in open_invoices(invoices, as_of):
        open_by_account[invoice.account_id].append(invoice)
    invoiced = set(billed_on(invoices, as_of).order_by().values_list("account_id", flat=True).distinct())
    open_tasks, with_tasks = _task_loads(organization, ids, day)
    requests = _requests_due(organization, ids, day, params[MeasureKey.OVERDUE_WORK]["window_days"])
    answers = _latest_answers(organization, ids, day)
    sentiments = _sentiments(organization, ids, day, params[MeasureKey.SENTIMENT_TREND]["window_days"])
    terms = _contract_terms(organization, ids, day)
    assessments = _latest_assessments(organization, ids, day)

    result: dict[int, dict[str, MeasureValue]] = {}
    for pk in ids:
        if ctx.accounts[pk]["created_at"] >= day.end:
            result[pk] = {key: unknown(key, "not_open") for key in DEFAULTS}
            continue
        if statuses[pk] == AccountStatus.CHURNED:
            result[pk] = {key: unknown(key, "churned") for key in DEFAULTS}
            continue
        p = params
        values = [
            contact_recency(ctx, pk, p[MeasureKey.CONTACT_RECENCY]),
            decision_maker_engaged(ctx, pk, p[MeasureKey.DECISION_MAKER_ENGAGED]),
            stakeholder_coverage(ctx, pk, p[MeasureKey.STAKEHOLDER_COVERAGE]),
            champion_left(ctx, pk, p[MeasureKey.CHAMPION_LEFT]),
            overdue_receivables(ctx, open_by_account, invoiced, pk, p[MeasureKey.OVERDUE_RECEIVABLES]),
            overdue_work(ctx, open_tasks, with_tasks, requests, pk, p[MeasureKey.OVERDUE_WORK]),
            satisfaction(ctx, answers, pk, p[MeasureKey.SATISFACTION]),
            sentiment_trend(ctx, sentiments, pk, p[MeasureKey.SENTIMENT_TREND]),
            renewal_risk(ctx, terms, pk, p[MeasureKey.RENEWAL_RISK]),
            manual_assessment(ctx, assessments, pk, p[MeasureKey.MANUAL_ASSESSMENT]),
        ]
        result[pk] = {str(v.key): MeasureValue(str(v.key), v.value, v.facts) for v in values}
    return result
