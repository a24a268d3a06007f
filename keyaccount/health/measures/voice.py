"""The measures that read the client's voice: satisfaction surveys, the sentiment of interactions, and
the account manager's own assessment."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypedDict

from keyaccount.comms.models import Interaction, InteractionState
from keyaccount.health.base import MeasureKey, MeasureValue
from keyaccount.health.measures._base import Context, Day, mean, score, unknown


class Answer(TypedDict):
    """The latest answered survey of one kind (CSAT or NPS) of an account: its score and when."""

    score: int
    answered_at: datetime.datetime


class AssessmentRow(TypedDict):
    """The latest manual assessment of an account: a row of `_latest_assessments`."""

    account_id: int
    value: int
    comment: str
    expires_on: datetime.date
    created_at: datetime.datetime
    author__name: str
    author__email: str


def satisfaction(
    ctx: Context, answers: dict[int, dict[str, Answer]], account_id: int, params: dict[str, Any]
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


def _latest_answers(organization: Any, ids: list[int], day: Day) -> dict[int, dict[str, Answer]]:
    from keyaccount.surveys.models import Survey

    result: dict[int, dict[str, Answer]] = defaultdict(dict)
    for row in (
        Survey.objects.filter(
            organization=organization, account_id__in=ids, answered_at__lt=day.end, score__isnull=False
        )
        .order_by("account_id", "kind", "-answered_at", "-pk")
        .values("account_id", "kind", "score", "answered_at")
    ):
        value, answered_at = row["score"], row["answered_at"]
        if value is None or answered_at is None:  # the filter leaves none; narrows the nullable columns
            continue
        result[row["account_id"]].setdefault(row["kind"], {"score": value, "answered_at": answered_at})
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
        sentiment = row["sentiment"]
        if sentiment is None:  # the filter leaves none; narrows the nullable column
            continue
        result[row["account_id"]]["current" if row["occurred_at"] >= start else "previous"].append(sentiment)
    return result


def manual_assessment(
    ctx: Context, assessments: dict[int, AssessmentRow], account_id: int, params: dict[str, Any]
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


def _latest_assessments(organization: Any, ids: list[int], day: Day) -> dict[int, AssessmentRow]:
    from keyaccount.health.models import ManualAssessment

    result: dict[int, AssessmentRow] = {}
    for row in (
        ManualAssessment.objects.filter(organization=organization, account_id__in=ids, created_at__lt=day.end)
        .order_by("account_id", "-created_at", "-pk")
        .values("account_id", "value", "comment", "expires_on", "created_at", "author__name", "author__email")
    ):
        result.setdefault(row["account_id"], row)
    return result
