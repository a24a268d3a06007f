"""The measures that read the money: overdue receivables and renewal risk."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

from keyaccount.billing.receivables import oldest_overdue
from keyaccount.health.base import MeasureKey, MeasureValue
from keyaccount.health.measures._base import Context, Day, score, unknown


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
        overdue_rows = [i for i in rows if i.is_overdue]
        overdue = sum((i.open_amount for i in overdue_rows), Decimal(0))
        oldest = oldest_overdue(overdue_rows)
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
    else the end. Days left > `horizon_days` → 100, none due; up to it → 100 × days left ÷ horizon (0 on
    the day, 100 and named in the facts at exactly the horizon).
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
        # A deadline exactly at the horizon scores 100 yet is due: it is named rather than "none due".
        if value < worst[0] or (value == worst[0] and "days_left" in facts and "days_left" not in worst[1]):
            worst = (value, facts)
    return MeasureValue(key, worst[0], worst[1])


def _contract_risk(c: dict[str, Any], on: datetime.date, horizon: int) -> tuple[int, dict[str, Any]]:
    from keyaccount.billing.models import RenewalOutcome, notice_deadline_of

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
    deadline = notice_deadline_of(end, c["notice_days"])
    facts["notice_deadline"] = deadline.isoformat()
    if deadline >= on:
        days, facts["next"] = (deadline - on).days, "notice"
    elif c["auto_renew"]:
        return 100, {}
    else:
        days, facts["next"] = (end - on).days, "end"
    facts["days_left"] = days
    if days > horizon:
        return 100, {}
    return score(Fraction(100 * days, horizon)), facts
