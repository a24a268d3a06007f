"""Health in plain words: one sentence per measure from its facts, and "what changed since last month"
from two stored lists of measures.

Sentences start in lower case so they can be joined ("no contact with the decision maker for 41 days;
invoice 2026-031 is 24 days overdue"); the page capitalises the first. English source, translated
through gettext: placeholders are named so a translation may reorder them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from keyaccount.health.base import MeasureKey

# A measure that moves by this many points or more is worth telling.
CHANGE_THRESHOLD = 10


def _date(value: Any) -> str:
    try:
        return date_format(datetime.date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _days(n: int) -> str:
    return ngettext("%(count)d day", "%(count)d days", n) % {"count": n}


def _unknown_reason(facts: dict[str, Any]) -> str:
    reason = facts.get("unknown")
    window = int(facts.get("window_days") or 0)
    if reason == "churned":
        return _("the account has churned")
    if reason == "not_open":
        return _("the account was not opened yet")
    if reason == "no_decision_maker":
        return _("no decision maker is recorded")
    if reason == "no_contacts":
        return _("no contacts are recorded")
    if reason == "no_champion":
        return _("no champion was ever recorded")
    if reason == "never_invoiced":
        return _("nothing has been invoiced yet")
    if reason == "no_work":
        return _("no tasks, and no request was due in the last %(period)s") % {"period": _days(window)}
    if reason == "no_answers":
        return _("no survey has been answered")
    if reason == "no_sentiment":
        return _("no interaction of the last %(period)s has a sentiment") % {"period": _days(window)}
    if reason == "no_contract":
        return _("no contract is signed")
    if reason == "no_assessment":
        return _("the account manager has not assessed the account")
    if reason == "assessment_expired":
        return _("the account manager's assessment expired on %(date)s") % {"date": _date(facts.get("expires_on"))}
    return _("there is no data")


def describe(key: str, value: int | None, facts: dict[str, Any]) -> str:
    """One plain sentence about a measure, from its facts (as `measures.measure_values` sets them)."""
    facts = facts or {}
    if value is None:
        return _("unknown: %(reason)s") % {"reason": _unknown_reason(facts)}
    describer = _DESCRIBERS.get(key)
    return describer(value, facts) if describer else _("%(value)d of 100") % {"value": value}


def _contact_recency(value: int, f: dict[str, Any]) -> str:
    days, cadence = int(f.get("days_since_contact", 0)), int(f.get("cadence_days", 0))
    params = {"period": _days(days), "cadence": _days(cadence)}
    if f.get("never_contacted"):
        return _("no contact since the account was opened %(period)s ago (cadence: every %(cadence)s)") % params
    if days <= cadence:
        return _("last contact %(period)s ago, within the cadence of every %(cadence)s") % params
    return _("no contact for %(period)s (cadence: every %(cadence)s)") % params


def _decision_maker(value: int, f: dict[str, Any]) -> str:
    if f.get("never_contacted"):
        return _("no contact with the decision maker yet")
    days, limit = int(f.get("days_since_contact", 0)), int(f.get("days", 0))
    if days > limit:
        return _("no contact with the decision maker for %(period)s") % {"period": _days(days)}
    return _("in touch with the decision maker %(name)s %(period)s ago") % {
        "name": f.get("contact", ""),
        "period": _days(days),
    }


def _stakeholders(value: int, f: dict[str, Any]) -> str:
    count, period = int(f.get("engaged_contacts", 0)), _days(int(f.get("window_days", 0)))
    if count == 0:
        return _("no contact engaged in the last %(period)s") % {"period": period}
    if count == 1:
        return _("single-threaded: only one contact engaged in the last %(period)s") % {"period": period}
    return ngettext(
        "%(count)d contact engaged in the last %(period)s",
        "%(count)d contacts engaged in the last %(period)s",
        count,
    ) % {"count": count, "period": period}


def _champion(value: int, f: dict[str, Any]) -> str:
    if "left_on" not in f:
        return _("the champion %(name)s is still there") % {"name": f.get("champion", "")}
    return _("the champion %(name)s left %(period)s ago and no one has replaced them") % {
        "name": f.get("champion", ""),
        "period": _days(int(f.get("days_since_left", 0))),
    }


def _receivables(value: int, f: dict[str, Any]) -> str:
    if f.get("nothing_open"):
        return _("nothing is owed")
    if "invoice" not in f:
        return _("%(amount)s %(currency)s owed, nothing overdue") % {
            "amount": f.get("open"),
            "currency": f.get("currency"),
        }
    return _("invoice %(number)s is %(period)s overdue (%(share)d%% of what is owed is overdue)") % {
        "number": f["invoice"],
        "period": _days(int(f.get("days_overdue", 0))),
        "share": int(f.get("overdue_share", 0)),
    }


def _work(value: int, f: dict[str, Any]) -> str:
    parts = []
    overdue = int(f.get("overdue_tasks", 0))
    if overdue:
        parts.append(
            ngettext(
                "%(count)d task overdue: “%(task)s” by %(period)s",
                "%(count)d tasks overdue, the oldest “%(task)s” by %(period)s",
                overdue,
            )
            % {"count": overdue, "task": f.get("task", ""), "period": _days(int(f.get("task_days_overdue", 0)))}
        )
    late = int(f.get("late_requests", 0))
    if late:
        parts.append(
            ngettext(
                "%(late)d of %(due)d request answered late in the last %(period)s",
                "%(late)d of %(due)d requests answered late in the last %(period)s",
                int(f.get("requests_due", 0)),
            )
            % {"late": late, "due": int(f.get("requests_due", 0)), "period": _days(int(f.get("window_days", 0)))}
        )
    return "; ".join(parts) if parts else _("no overdue tasks, requests answered on time")


def _satisfaction(value: int, f: dict[str, Any]) -> str:
    if "csat" in f and "nps" in f:
        return _("latest CSAT %(csat)d of 5, NPS %(nps)d of 10") % {"csat": f["csat"], "nps": f["nps"]}
    if "csat" in f:
        return _("latest CSAT %(csat)d of 5") % {"csat": f["csat"]}
    return _("latest NPS %(nps)d of 10") % {"nps": f.get("nps", 0)}


def _signed(text: Any) -> str:
    s = str(text)
    return s if s.startswith("-") else f"+{s}"


def _sentiment(value: int, f: dict[str, Any]) -> str:
    count = int(f.get("count", 0))
    params = {
        "mean": _signed(f.get("mean", "0")),
        "count": count,
        "period": _days(int(f.get("window_days", 0))),
    }
    sentence = (
        ngettext(
            "mean sentiment %(mean)s over %(count)d interaction in the last %(period)s",
            "mean sentiment %(mean)s over %(count)d interactions in the last %(period)s",
            count,
        )
        % params
    )
    change = f.get("change")
    if change is None:
        return sentence
    delta = Decimal(str(change))
    if delta < 0:
        trend = _("down %(change)s from the period before") % {"change": str(change).lstrip("-")}
    elif delta > 0:
        trend = _("up %(change)s from the period before") % {"change": change}
    else:
        trend = _("the same as the period before")
    return f"{sentence}, {trend}"


def _renewal(value: int, f: dict[str, Any]) -> str:
    if f.get("no_renewal_due"):
        return _("no renewal due within %(period)s") % {"period": _days(int(f.get("horizon_days", 0)))}
    params = {"contract": f.get("contract", ""), "end": _date(f.get("end_date"))}
    if f.get("outcome") == "churned":
        return _("contract %(contract)s will not be renewed") % params
    if "notice_given_on" in f:
        return _("notice not to renew contract %(contract)s was given on %(date)s") % {
            **params,
            "date": _date(f["notice_given_on"]),
        }
    if "ended_days_ago" in f:
        return _("contract %(contract)s ended %(period)s ago without a renewal outcome") % {
            **params,
            "period": _days(int(f["ended_days_ago"])),
        }
    days = int(f.get("days_left", 0))
    if f.get("next") == "notice":
        return _("the notice deadline of contract %(contract)s is in %(period)s (%(date)s), no renewal outcome yet") % {
            **params,
            "period": _days(days),
            "date": _date(f.get("notice_deadline")),
        }
    return _("contract %(contract)s ends in %(period)s (%(end)s) without a renewal outcome") % {
        **params,
        "period": _days(days),
    }


def _assessment(value: int, f: dict[str, Any]) -> str:
    return _("the account manager rates it %(value)d of 100 until %(date)s: “%(comment)s”") % {
        "value": value,
        "date": _date(f.get("expires_on")),
        "comment": f.get("comment", ""),
    }


# Keyed by the measure's stored key, a plain string; `MeasureKey` members are strings too.
_DESCRIBERS: dict[str, Callable[[int, dict[str, Any]], str]] = {
    MeasureKey.CONTACT_RECENCY: _contact_recency,
    MeasureKey.DECISION_MAKER_ENGAGED: _decision_maker,
    MeasureKey.STAKEHOLDER_COVERAGE: _stakeholders,
    MeasureKey.CHAMPION_LEFT: _champion,
    MeasureKey.OVERDUE_RECEIVABLES: _receivables,
    MeasureKey.OVERDUE_WORK: _work,
    MeasureKey.SATISFACTION: _satisfaction,
    MeasureKey.SENTIMENT_TREND: _sentiment,
    MeasureKey.RENEWAL_RISK: _renewal,
    MeasureKey.MANUAL_ASSESSMENT: _assessment,
}


def _label(key: str) -> str:
    try:
        return str(MeasureKey(key).label)
    except ValueError:
        return key


def changes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    """What changed between two stored measure lists (items {key, value, weight, contribution, facts}):
    measures that moved by 10 points or more, largest drop first then the rises, followed by those that
    became unknown or known; each in plain words with the new facts. Nothing when `before` is empty."""
    if not before:
        return []
    old = {m["key"]: m.get("value") for m in before}
    moved: list[tuple[int, str, str]] = []
    flipped: list[tuple[str, str]] = []
    for m in after:
        key, new = m["key"], m.get("value")
        if key not in old:
            continue
        was = old[key]
        params = {"measure": _label(key), "old": was, "new": new}
        if was is not None and new is not None:
            delta = int(new) - int(was)
            if abs(delta) < CHANGE_THRESHOLD:
                continue
            why = describe(key, new, m.get("facts") or {})
            if delta < 0:
                line = _("%(measure)s fell from %(old)d to %(new)d: %(why)s") % {**params, "why": why}
            else:
                line = _("%(measure)s rose from %(old)d to %(new)d: %(why)s") % {**params, "why": why}
            moved.append((delta, key, line))
        elif was is not None:
            why = _unknown_reason(m.get("facts") or {})
            flipped.append((key, _("%(measure)s is now unknown (was %(old)d): %(why)s") % {**params, "why": why}))
        elif new is not None:
            why = describe(key, new, m.get("facts") or {})
            flipped.append((key, _("%(measure)s is now known, %(new)d: %(why)s") % {**params, "why": why}))
    moved.sort(key=lambda t: (t[0], t[1]))
    return [line for _d, _k, line in moved] + [line for _k, line in flipped]
