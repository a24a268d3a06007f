"""The built-in alert rules: which turns of an account's health raise an alert. Pure, no queries.

Each rule compares the health stored before (`previous`, None the first time) with the new one
(`current`) and fires on the turn, not on the state: an account that stays red raises nothing more,
and an alert closed by its account manager comes back only when the turn happens again.

- band_drop: the band got worse, green → yellow, yellow → red or green → red (an unknown band on either
  side is no drop). Its key is the band reached, so a yellow alert still open does not stop the red one.
- measure_below: a measure whose `alert_below` is set went from at or above it to below it, or is seen
  below it for the first time (unknown before). Its key is the measure. champion_left and renewal_risk
  are left to their own rules below, so one event raises one alert.
- champion_left: the champion_left measure reports a champion who left (none remains) that it did not
  report before.
- renewal_ahead: the renewal_risk measure reports a contract whose end or notice deadline falls within
  90 days with no renewal outcome, that it did not report so before (a new term counts anew).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from keyaccount.alerts.models import AlertRule
from keyaccount.health.base import Band, MeasureKey, Scored, ScoredMeasure

BAND_RANK: dict[str, int] = {Band.GREEN: 2, Band.YELLOW: 1, Band.RED: 0}
RENEWAL_HORIZON_DAYS = 90
# Measures watched by a rule of their own; measure_below leaves them to it, so one event raises one alert.
OWN_RULES = {MeasureKey.CHAMPION_LEFT, MeasureKey.RENEWAL_RISK}


@dataclass(frozen=True)
class Trigger:
    """A rule that fired: the alert to raise, its key and the facts that explain it."""

    rule: str
    key: str
    facts: dict[str, Any] = field(default_factory=dict)


def band_drop(previous: Scored | None, current: Scored) -> Trigger | None:
    if previous is None or previous.band not in BAND_RANK or current.band not in BAND_RANK:
        return None
    if BAND_RANK[current.band] >= BAND_RANK[previous.band]:
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
        if key in OWN_RULES:
            continue
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
    """The champion the champion_left measure reports as gone (keyed by name and day left), if any.

    The measure (health/measures/people.py) is 100 while a champion is there; when none remains its facts name
    the last one who left: {"champion", "left_on", "days_since_left", "window_days"}, with the value 0
    within the window and 50 after it. A value of 0 without a name still means a champion left.
    """
    if measure is None or measure.value is None or measure.value >= 100:
        return {}
    facts = measure.facts or {}
    if facts.get("left_on"):
        person = {k: facts[k] for k in ("champion", "left_on", "days_since_left") if k in facts}
        return {f"{facts.get('champion', '')}|{facts['left_on']}": person}
    return {"?": {}} if measure.value == 0 else {}


def _as_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def renewals_ahead(measure: ScoredMeasure | None, on: datetime.date) -> dict[str, dict[str, Any]]:
    """The contract the renewal_risk measure reports with its end or notice deadline within 90 days of
    `on` and no renewal outcome, keyed by its number and term end.

    The measure's facts (health/measures/money.py) describe the riskiest contract: {"contract", "end_date",
    "notice_deadline", "next", "days_left"}; a contract that already ended, was given notice or has an
    outcome reports other keys and is not "ahead".
    """
    if measure is None or measure.value is None:
        return {}
    facts = measure.facts or {}
    if facts.get("outcome") or facts.get("notice_given_on") or facts.get("ended_days_ago") is not None:
        return {}
    days = facts.get("days_left")
    if isinstance(days, int):
        within = 0 <= days <= RENEWAL_HORIZON_DAYS
    else:
        horizon = on + datetime.timedelta(days=RENEWAL_HORIZON_DAYS)
        dates = [_as_date(facts.get(k)) for k in ("notice_deadline", "end_date")]
        within = any(d is not None and on <= d <= horizon for d in dates)
    if not within:
        return {}
    keep = ("contract", "end_date", "notice_deadline", "next", "days_left")
    return {f"{facts.get('contract', '?')}|{facts.get('end_date', '')}": {k: facts[k] for k in keep if k in facts}}


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
