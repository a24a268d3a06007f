"""An alert in plain words, from its rule and the facts stored when it was raised (in the reader's language)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from keyaccount.alerts.models import AlertRule
from keyaccount.health.base import Band, MeasureKey


def _band(value: Any) -> str:
    try:
        return str(Band(value).label)
    except ValueError:
        return str(value or "?")


def _measure(key: Any) -> str:
    try:
        return str(MeasureKey(key).label)
    except ValueError:
        return str(key)


def _score(value: Any) -> str:
    return "?" if value is None else str(value)


def describe(rule: str, key: str, facts: dict[str, Any]) -> str:
    """One sentence, e.g. "Health dropped from Healthy (72) to At risk (35)."."""
    facts = facts or {}
    if rule == AlertRule.BAND_DROP:
        return _("Health dropped from %(from)s (%(from_score)s) to %(to)s (%(to_score)s).") % {
            "from": _band(facts.get("from_band")),
            "from_score": _score(facts.get("from_score")),
            "to": _band(facts.get("to_band", key)),
            "to_score": _score(facts.get("to_score")),
        }
    if rule == AlertRule.MEASURE_BELOW:
        values = {"measure": _measure(key), "value": _score(facts.get("value")), "limit": facts.get("alert_below")}
        if facts.get("previous_value") is None:
            return _("%(measure)s is %(value)s, below the alert threshold of %(limit)s.") % values
        values["before"] = facts["previous_value"]
        return _("%(measure)s fell from %(before)s to %(value)s, below the alert threshold of %(limit)s.") % values
    if rule == AlertRule.CHAMPION_LEFT:
        names = [str(c["champion"]) for c in facts.get("champions", []) if isinstance(c, dict) and c.get("champion")]
        left_on = [str(c["left_on"]) for c in facts.get("champions", []) if isinstance(c, dict) and c.get("left_on")]
        if names and left_on:
            return _("The champion %(name)s left on %(day)s and no other champion remains.") % {
                "name": ", ".join(names),
                "day": ", ".join(left_on),
            }
        return _("A champion left and no other champion remains.")
    if rule == AlertRule.RENEWAL_AHEAD:
        parts = []
        for c in facts.get("contracts", []):
            if not isinstance(c, dict):
                continue
            values = {"contract": c.get("contract") or "?", "end": c.get("end_date") or "?", "days": c.get("days_left")}
            if c.get("next") == "notice" and c.get("notice_deadline"):
                values["deadline"] = c["notice_deadline"]
                parts.append(
                    ngettext(
                        "contract %(contract)s ends on %(end)s; the notice deadline %(deadline)s is %(days)s day away",
                        "contract %(contract)s ends on %(end)s; the notice deadline %(deadline)s is %(days)s days away",
                        c.get("days_left") or 0,
                    )
                    % values
                )
            else:
                parts.append(_("contract %(contract)s ends on %(end)s") % values)
        if parts:
            return _("Renewal ahead with no outcome yet: %(contracts)s.") % {"contracts": "; ".join(parts)}
        return _("A contract comes up for renewal within 90 days with no outcome yet.")
    return str(rule)
