"""Reading account health: current scores, the band distribution, the accounts most at risk, history,
trend and the plain-words explanation. Scoped by tenancy/permissions (health is seen by the roles that
see money: specialists and clients never see it).

Dashboards and alerts read health through these functions only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from keyaccount.core import clock
from keyaccount.health.base import Band, MeasureKey
from keyaccount.health.models import HealthModel, HealthScore, HealthSnapshot, ManualAssessment
from keyaccount.tenancy.permissions import NOTHING, can, visible_accounts_q

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.actors import Actor

# Trend: the current score against the latest snapshot on or before 30 days earlier; a move of at most
# SAME_WITHIN points either way is "same".
TREND_DAYS = 30
SAME_WITHIN = 2
UP, DOWN, SAME = "up", "down", "same"


def health_visible_q(actor: Actor, prefix: str = "account__") -> Any:
    """Rows of an account's health the actor may read: their visible accounts, for roles that see health."""
    if not can(actor, "see_health"):
        return NOTHING
    return visible_accounts_q(actor, prefix)


def model_read(organization_id: int) -> HealthModel | None:
    """The organization's health model with its measures prefetched (None before the first use)."""
    return HealthModel.objects.filter(organization_id=organization_id).first()


def _past_score(cutoff: datetime.date) -> Subquery:
    return Subquery(
        HealthSnapshot.objects.filter(account_id=OuterRef("account_id"), on__lte=cutoff)
        .order_by("-on")
        .values("score")[:1],
        output_field=IntegerField(),
    )


class PastScore(TypedDict):
    """What `with_past_score` annotates: the score of the snapshot the trend compares with, if any."""

    past_score: int | None


# A current score with `past_score`, as `with_past_score` returns it.
ScoreWithPast: TypeAlias = "WithAnnotations[HealthScore, PastScore]"


def trend_of(current: int | None, past: int | None) -> str | None:
    """up / down / same (within ±SAME_WITHIN points); None when either score is unknown."""
    if current is None or past is None:
        return None
    if current - past > SAME_WITHIN:
        return UP
    if past - current > SAME_WITHIN:
        return DOWN
    return SAME


def with_past_score(qs: QuerySet[HealthScore], as_of: datetime.date) -> QuerySet[ScoreWithPast]:
    """Annotate each score with `past_score`: the snapshot on or before as_of − 30 days (one query)."""
    return qs.annotate(past_score=_past_score(as_of - datetime.timedelta(days=TREND_DAYS)))


def scores_for(
    actor: Actor, accounts_qs: QuerySet[Account] | None = None, as_of: datetime.date | None = None
) -> QuerySet[ScoreWithPast]:
    """Current health of the accounts in `accounts_qs` (default: all) that the actor may see, each with
    `past_score` for its trend, lowest score first (unknown last). `as_of` defaults to the organization's
    today."""
    qs = HealthScore.objects.filter(health_visible_q(actor))
    if accounts_qs is not None:
        qs = qs.filter(account__in=accounts_qs.values("pk"))
    return (
        with_past_score(qs, as_of or clock.today_for(actor))
        .select_related("account", "account__owner")
        .order_by(F("score").asc(nulls_last=True), "account__name", "pk")
    )


def distribution(accounts_qs: QuerySet[Account]) -> dict[str, int]:
    """How many accounts of `accounts_qs` are in each band; an account never scored counts as unknown.
    Every band is present (zero when empty). One query."""
    counts = dict.fromkeys(Band.values, 0)
    rows = (
        accounts_qs.order_by()
        .annotate(health_band=Coalesce("health__band", Value(Band.UNKNOWN)))
        .values_list("health_band")
        .annotate(n=Count("pk"))
    )
    for band, n in rows:
        counts[band] = counts.get(band, 0) + n
    return counts


@dataclass(frozen=True)
class Risk:
    """An account with a known score, and the measure that costs it the most points."""

    account: Any
    score: int
    band: str
    worst_key: str | None
    worst_value: int | None
    worst_label: str
    points_lost: Decimal


def worst_measure(measures: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The known measure that costs the score the most: weight × (100 − value); ties go to the lower
    value, then the key."""
    known = [m for m in measures or [] if m.get("value") is not None and Decimal(m.get("weight") or 0) > 0]
    if not known:
        return None
    return min(known, key=lambda m: (-Decimal(m["weight"]) * (100 - m["value"]), m["value"], m["key"]))


def top_risk(accounts_qs: QuerySet[Account], limit: int = 10) -> list[Risk]:
    """The accounts of `accounts_qs` with the lowest known scores, with their worst measure. One query."""
    rows = (
        HealthScore.objects.filter(account__in=accounts_qs.values("pk"), score__isnull=False)
        .select_related("account", "account__owner")
        .order_by("score", "account__name", "pk")[:limit]
    )
    result = []
    for row in rows:
        if row.score is None:  # the filter leaves none; narrows the nullable column
            continue
        worst = worst_measure(row.measures)
        result.append(
            Risk(
                account=row.account,
                score=row.score,
                band=row.band,
                worst_key=worst["key"] if worst else None,
                worst_value=worst["value"] if worst else None,
                worst_label=label_of(worst["key"]) if worst else "",
                points_lost=(Decimal(worst["weight"]) * (100 - worst["value"])).quantize(Decimal("0.1"))
                if worst
                else Decimal(0),
            )
        )
    return result


def history(account: Account | int, start: datetime.date, end: datetime.date) -> QuerySet[HealthSnapshot]:
    """The account's daily snapshots from `start` to `end` (both included), oldest first."""
    account_id = account if isinstance(account, int) else account.pk
    return HealthSnapshot.objects.filter(account_id=account_id, on__gte=start, on__lte=end).order_by("on")


def trend(account_ids: list[int] | Any, as_of: datetime.date) -> dict[int, str | None]:
    """For each account: its current score against the snapshot on or before as_of − 30 days; "up" or
    "down" when it moved by more than 2 points, "same" within ±2, None when either is unknown or missing.
    One query."""
    ids = list(account_ids)
    result: dict[int, str | None] = dict.fromkeys(ids)
    rows = with_past_score(HealthScore.objects.filter(account_id__in=ids), as_of).values_list(
        "account_id", "score", "past_score"
    )
    for account_id, current, past in rows:
        result[account_id] = trend_of(current, past)
    return result


def label_of(key: str) -> str:
    try:
        return str(MeasureKey(key).label)
    except ValueError:
        return key


@dataclass
class Explanation:
    """An account's health as the account page and the API explain it."""

    account_id: int
    computed_for: datetime.date | None
    score: int | None
    band: str
    trend: str | None
    measures: list[dict[str, Any]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    compared_with: datetime.date | None = None


def _describe(key: str, value: int | None, facts: dict[str, Any]) -> str:
    try:
        from keyaccount.health import explain
    except ImportError:  # the explanation module is optional for scoring; without it, no sentence
        return ""
    return str(explain.describe(key, value, facts))


def _changes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    try:
        from keyaccount.health import explain
    except ImportError:
        return []
    return [str(line) for line in explain.changes(before, after)]


def explanation(account: Account, as_of: datetime.date | None = None) -> Explanation:
    """Every measure's value, weight, contribution and a sentence, and what changed since the snapshot on
    or before 30 days earlier. `as_of` None (or the current score's day) reads the current score; an
    earlier day reads that day's snapshot."""
    current: Any = HealthScore.objects.filter(account_id=account.pk).first()
    if as_of is not None and (current is None or current.on != as_of):
        current = HealthSnapshot.objects.filter(account_id=account.pk, on__lte=as_of).order_by("-on").first()
    if current is None:
        return Explanation(account_id=account.pk, computed_for=None, score=None, band=Band.UNKNOWN, trend=None)
    before = (
        HealthSnapshot.objects.filter(account_id=account.pk, on__lte=current.on - datetime.timedelta(days=TREND_DAYS))
        .order_by("-on")
        .first()
    )
    measures = [
        {
            "key": m["key"],
            "label": label_of(m["key"]),
            "value": m.get("value"),
            "weight": Decimal(m.get("weight") or 0),
            "weight_percent": (Decimal(m.get("weight") or 0) * 100).quantize(Decimal("0.1")),
            "contribution": Decimal(m.get("contribution") or 0),
            "description": _describe(m["key"], m.get("value"), m.get("facts") or {}),
            "facts": m.get("facts") or {},
        }
        for m in current.measures or []
    ]
    return Explanation(
        account_id=account.pk,
        computed_for=current.on,
        score=current.score,
        band=current.band,
        trend=trend_of(current.score, before.score if before else None),
        measures=measures,
        changes=_changes(before.measures if before else [], current.measures or []),
        compared_with=before.on if before else None,
    )


def assessments_visible_to(actor: Actor) -> QuerySet[ManualAssessment]:
    """Manual assessments of the accounts the actor may read health of, newest first."""
    return (
        ManualAssessment.objects.filter(health_visible_q(actor))
        .select_related("account", "author")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class Panel:
    """The account page's health panel: score, band, trend and the two measures that cost the most."""

    score: int | None
    band: str
    trend: str | None
    computed_for: datetime.date | None
    reasons: list[dict[str, Any]]


def panel(actor: Actor, account: Account) -> Panel | None:
    """None for roles that do not see health (no query); otherwise one query."""
    if not can(actor, "see_health"):
        return None
    row = with_past_score(HealthScore.objects.filter(account_id=account.pk), clock.today_for(actor)).first()
    if row is None:
        return Panel(score=None, band=Band.UNKNOWN, trend=None, computed_for=None, reasons=[])
    known = [m for m in row.measures or [] if m.get("value") is not None and Decimal(m.get("weight") or 0) > 0]
    known.sort(key=lambda m: (-Decimal(m["weight"]) * (100 - m["value"]), m["value"], m["key"]))
    reasons = [
        {
            "key": m["key"],
            "label": label_of(m["key"]),
            "value": m["value"],
            "description": _describe(m["key"], m["value"], m.get("facts") or {}),
        }
        for m in known[:2]
        if m["value"] < 100
    ]
    return Panel(
        score=row.score,
        band=row.band,
        trend=trend_of(row.score, row.past_score),
        computed_for=row.on,
        reasons=reasons,
    )
