"""The measures that read the client's people: contact recency, decision maker engaged, stakeholder
coverage, champion left."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from keyaccount.contacts.models import DecisionRole
from keyaccount.health.base import MeasureKey, MeasureValue
from keyaccount.health.measures._base import Context, linear, score, unknown

DECISION_ROLES = [DecisionRole.DECISION_MAKER, DecisionRole.ECONOMIC_BUYER]


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
