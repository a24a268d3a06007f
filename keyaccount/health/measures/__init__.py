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
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from keyaccount.accounts.models import AccountStatus
from keyaccount.core.clock import organization_zone
from keyaccount.health.base import MeasureKey, MeasureValue
from keyaccount.health.measures._base import (
    DEFAULTS,
    Context,
    Day,
    MeasureDefault,
    Person,
    _context,
    _status_on,
    linear,
    mean,
    params_for,
    score,
    unknown,
)
from keyaccount.health.measures.money import (
    _contract_terms,
    linear_fraction,
    overdue_receivables,
    renewal_risk,
)
from keyaccount.health.measures.people import (
    DECISION_ROLES,
    champion_left,
    contact_recency,
    decision_maker_engaged,
    stakeholder_coverage,
)
from keyaccount.health.measures.voice import (
    _latest_answers,
    _latest_assessments,
    _sentiments,
    manual_assessment,
    satisfaction,
    sentiment_trend,
)
from keyaccount.health.measures.work import _requests_due, _task_loads, overdue_work

__all__ = [
    "DECISION_ROLES",
    "DEFAULTS",
    "Context",
    "Day",
    "MeasureDefault",
    "Person",
    "champion_left",
    "contact_recency",
    "decision_maker_engaged",
    "linear",
    "linear_fraction",
    "manual_assessment",
    "mean",
    "measure_values",
    "overdue_receivables",
    "overdue_work",
    "params_for",
    "renewal_risk",
    "satisfaction",
    "score",
    "sentiment_trend",
    "stakeholder_coverage",
    "unknown",
]


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
    day = Day(as_of, organization_zone(organization))
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
