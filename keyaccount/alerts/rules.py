"""The built-in alert rules: which turns of an account's health raise an alert. Pure, no queries.

Each rule compares the health stored before (`previous`, None the first time) with the new one
(`current`) and fires on the turn, not on the state: an account that stays red raises nothing more,
and an alert closed by its account manager comes back only when the turn happens again.

- band_drop: the band got worse, green → yellow, yellow → red or green → red (an unknown band on either
  side is no drop). Its key is the band reached, so a yellow alert still open does not stop the red one.
- measure_below: a measure whose `alert_below` is set went from at or above it to below it, or is seen
  below it for the first time (unknown before). Its key is the measure.
- champion_left: the champion_left measure reports a champion who left that it did not report before.
- renewal_ahead: the renewal_risk measure reports a contract whose end or notice deadline falls within
  90 days with no renewal outcome, that it did not report before (or not within 90 days).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from keyaccount.alerts.models import AlertRule
from keyaccount.health.base import Band, MeasureKey, Scored, ScoredMeasure

BAND_RANK = {Band.GREEN: 2, Band.YELLOW: 1, Band.RED: 0}
RENEWAL_HORIZON_DAYS = 90


@dataclass(frozen=True)
class Trigger:
    """A rule that fired: the alert to raise, its key and the facts that explain it."""

    rule: str
    key: str
    facts: dict[str, Any] = field(default_factory=dict)


def band_drop(previous: Scored | None, current: Scored) -> Trigger | None:
    if previous is None or previous.band not in BAND_RANK or current.band not in BAND_RANK:
        return None
    if BAND_RANK[current.band] >= BAND_RANK[previous.band]:  # type: ignore[index]
        return None
    return Trigger(
        AlertRule.BAND_DROP,
        str(current.band),
        {"from_band": previous.band, "to_band": current.band, "from_score": previous.score, "to_score": current.score},
    )


def _value(scored: Scored | None, key: str) -> int | None:
    if scored is None:
        return None
    measure = scored.measure(key)
    return measure.value if measure is not None else None


def measures_below(previous: Scored | None, current: Scored, thresholds: Mapping[str, int]) -> list[Trigger]:
    """`thresholds`: measure key → alert_below, only for the measures that have one."""
    fired = []
    for key in sorted(thresholds):
        limit = thresholds[key]
        now = _value(current, key)
        if now is None or now >= limit:
            continue
        before = _value(previous, key)
        if before is not None and before < limit:
            continue
        fired.append(
            Trigger(AlertRule.MEASURE_BELOW, key, {"value": now, "previous_value": before, "alert_below": limit})
        )
    return fired


# --- reading the measures' facts ---------------------------------------------------------------------


def left_champions(measure: ScoredMeasure | None) -> dict[str, dict[str, Any]]:
    """The champions the champion_left measure reports as gone, by a stable id (contact id, else name).

    Facts name them in `left` (a list of {contact_id, name, left_on}); a measure at 0 without that list
    still means "a champion left and none remains", reported as one unnamed champion.
    """
    if measure is None or measure.value is None:
        return {}
    facts = measure.facts or {}
    listed = facts.get("left") or facts.get("champions_left") or []
    people: dict[str, dict[str, Any]] = {}
    if isinstance(listed, list):
        for item in listed:
            if isinstance(item, Mapping):
                ident = item.get("contact_id") or item.get("id") or item.get("name")
                if ident is not None:
                    people[str(ident)] = dict(item)
            elif item:
                people[str(item)] = {"name": str(item)}
    if not people and measure.value == 0:
        people["?"] = {}
    return people


def _as_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def renewals_ahead(measure: ScoredMeasure | None, on: datetime.date) -> dict[str, dict[str, Any]]:
    """Contracts the renewal_risk measure reports as ending, or with a notice deadline, within 90 days of
    `on` and without a renewal outcome; by contract id (else number).

    Facts list them in `contracts` (each {contract_id, number, end_date, notice_deadline, days}) or
    describe the nearest one at the top level with the same keys.
    """
    if measure is None or measure.value is None:
        return {}
    facts = measure.facts or {}
    items = facts.get("contracts")
    if not isinstance(items, list):
        items = [facts] if any(k in facts for k in ("end_date", "notice_deadline", "days", "deadline")) else []
    found: dict[str, dict[str, Any]] = {}
    horizon = on + datetime.timedelta(days=RENEWAL_HORIZON_DAYS)
    for item in items:
        if not isinstance(item, Mapping) or item.get("outcome"):
            continue
        dates = [_as_date(item.get(k)) for k in ("end_date", "notice_deadline", "deadline")]
        due = [d for d in dates if d is not None]
        days = item.get("days")
        within = any(on <= d <= horizon for d in due) or (
            not due and isinstance(days, int) and 0 <= days <= RENEWAL_HORIZON_DAYS
        )
        if within:
            ident = item.get("contract_id") or item.get("number") or item.get("contract") or "?"
            found[str(ident)] = {k: v for k, v in item.items() if isinstance(v, str | int | float | bool) or v is None}
    return found


def champion_left(previous: Scored | None, current: Scored) -> Trigger | None:
    key = MeasureKey.CHAMPION_LEFT
    gone = left_champions(current.measure(key))
    known = left_champions(previous.measure(key)) if previous is not None else {}
    new = [ident for ident in gone if ident not in known]
    if not new:
        return None
    return Trigger(AlertRule.CHAMPION_LEFT, str(key), {"champions": [gone[i] for i in new]})


def renewal_ahead(previous: Scored | None, current: Scored) -> Trigger | None:
    key = MeasureKey.RENEWAL_RISK
    ahead = renewals_ahead(current.measure(key), current.on)
    known = renewals_ahead(previous.measure(key), previous.on) if previous is not None else {}
    new = [ident for ident in ahead if ident not in known]
    if not new:
        return None
    return Trigger(AlertRule.RENEWAL_AHEAD, str(key), {"contracts": [ahead[i] for i in new]})


def evaluate(previous: Scored | None, current: Scored, thresholds: Mapping[str, int]) -> list[Trigger]:
    """Every rule that fires for this recompute, in a stable order."""
    fired: list[Trigger] = []
    for trigger in (band_drop(previous, current), champion_left(previous, current), renewal_ahead(previous, current)):
        if trigger is not None:
            fired.append(trigger)
    fired.extend(measures_below(previous, current, thresholds))
    return fired
