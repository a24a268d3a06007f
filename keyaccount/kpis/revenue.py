"""The portfolio and money KPIs: churn, retention, renewals, cross-sell, revenue and receivables.

Definitions (docs/metrics.md cites them as written here). "Start" is the period's first day, "end" its
last; a status or MRR "at start" is the one on the day before the period starts.

- An account is *active on day D* when it was created on or before D and its status on D is not churned.
  Its status on D is the `to` of its last status change dated on or before D; before its first change,
  the `from` of that change; without changes, its status today. Days are the organization's (its time
  zone), as for every KPI.
- logo_churn_rate = accounts active at start that moved to churned during the period ÷ accounts active
  at start (accounts acquired during the period are in neither, even if they churned in it).
- retention_rate = (accounts active at end − new accounts) ÷ accounts active at start, where new accounts
  are those active at end that were not active at start (acquired or won back in the period).
- gross_revenue_retention = (cohort MRR at start − contraction − churned MRR) ÷ cohort MRR at start; the
  cohort is the accounts with MRR > 0 at start in the frame's currency; per account, MRR at end below MRR
  at start is contraction (down to 0: churned MRR, the whole start MRR). MRR = `billing.calc.mrr_on`.
- net_revenue_retention = (cohort MRR at start − contraction − churned MRR + expansion) ÷ cohort MRR at
  start; expansion = the rises of cohort accounts (accounts new in the period are not counted).
- renewal_rate = contract terms that ended in the period with the outcome renewed or expanded ÷ contract
  terms that ended in the period (a renewal row with its term end in the period, or a signed, active or
  expired contract whose end date is in the period without a renewal row for it); all currencies.
- cross_sell_rate = accounts active at start that added a service they did not have at start ÷ accounts
  active at start. The services at start are those of binding contracts in force at start and of projects
  (not cancelled) started by then; added = those of binding contracts or projects starting in the period.
- revenue = payments allocated to invoices in the frame's currency, by the payment's date in the period.
- revenue_growth = (revenue − revenue of the previous equal period) ÷ revenue of the previous equal period.
- receivables_outstanding / receivables_overdue = the open amount at end of the billed invoices in the
  frame's currency (overdue: past their due date at end), as `billing.receivables` computes them.
- dso = receivables outstanding at end ÷ amount invoiced in the period × days in the period (one
  decimal), as `billing.receivables.dso`; numerator = outstanding, denominator = invoiced.

Money is read through the actor's money scope (`billing.selectors.*_visible_to`) and the frame's accounts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from keyaccount.accounts.models import AccountStatus, AccountStatusChange
from keyaccount.billing import calc, receivables
from keyaccount.billing.models import (
    BINDING_STATUSES,
    BillingModel,
    Contract,
    ContractStatus,
    Invoice,
    RenewalOutcome,
)
from keyaccount.billing.selectors import (
    allocations_visible_to,
    contracts_visible_to,
    invoices_visible_to,
    renewals_visible_to,
)
from keyaccount.kpis.base import Frame, Metric, Period, Unit, ratio, zone_of

ZERO = Decimal("0.00")
ONE_DAY = datetime.timedelta(days=1)


def _day(moment: datetime.datetime, zone: datetime.tzinfo) -> datetime.date:
    return timezone.localtime(moment, zone).date()


# --- accounts over time ---------------------------------------------------------------------------


class _Lifecycle:
    """Each account of the frame with its status changes, to tell its status on any day (two queries)."""

    def __init__(self, frame: Frame) -> None:
        zone = zone_of(frame)
        rows = list(frame.accounts.order_by().values_list("pk", "created_at", "status"))
        self.created = {pk: _day(created, zone) for pk, created, _status in rows}
        self.current = {pk: status for pk, _created, status in rows}
        self.changes: dict[int, list[tuple[datetime.date, str, str]]] = {pk: [] for pk in self.created}
        changes = (
            AccountStatusChange.objects.filter(account_id__in=list(self.created))
            .order_by("created_at", "id")
            .values_list("account_id", "created_at", "from_status", "to_status")
        )
        for account_id, at, from_status, to_status in changes:
            self.changes[account_id].append((_day(at, zone), from_status, to_status))

    def status_on(self, account_id: int, day: datetime.date) -> str:
        changes = self.changes[account_id]
        before = [to for at, _from, to in changes if at <= day]
        if before:
            return before[-1]
        if changes and changes[0][1]:
            return changes[0][1]
        return self.current[account_id]

    def active_on(self, day: datetime.date) -> set[int]:
        return {
            pk
            for pk, created in self.created.items()
            if created <= day and self.status_on(pk, day) != AccountStatus.CHURNED
        }

    def churned_in(self, period: Period) -> set[int]:
        return {
            pk
            for pk, changes in self.changes.items()
            if any(period.start <= at <= period.end and to == AccountStatus.CHURNED for at, _f, to in changes)
        }


def logo_churn_rate(frame: Frame) -> Metric:
    life = _Lifecycle(frame)
    cohort = life.active_on(frame.period.start - ONE_DAY)
    churned = cohort & life.churned_in(frame.period)
    return Metric("logo_churn_rate", Unit.RATIO, len(churned), len(cohort), ratio(len(churned), len(cohort)))


def retention_rate(frame: Frame) -> Metric:
    life = _Lifecycle(frame)
    at_start = life.active_on(frame.period.start - ONE_DAY)
    at_end = life.active_on(frame.period.end)
    new = at_end - at_start
    kept = len(at_end) - len(new)
    return Metric("retention_rate", Unit.RATIO, kept, len(at_start), ratio(kept, len(at_start)))


# --- recurring revenue ----------------------------------------------------------------------------


def _mrr_moves(frame: Frame) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(cohort MRR at start, contraction, churned MRR, expansion) in the frame's currency, all ≥ 0."""
    contracts = list(
        contracts_visible_to(frame.actor)
        .filter(
            account__in=frame.accounts,
            currency=frame.currency,
            status__in=BINDING_STATUSES,
            billing_model=BillingModel.RETAINER,
        )
        .prefetch_related("amendments")
    )
    before = calc.mrr_by_account(contracts, frame.period.start - ONE_DAY)
    after = calc.mrr_by_account(contracts, frame.period.end)
    start = contraction = churn = expansion = ZERO
    for key, old in before.items():
        new = after.get(key, ZERO)
        start += old
        if not new:
            churn += old
        elif new < old:
            contraction += old - new
        else:
            expansion += new - old
    return start, contraction, churn, expansion


def gross_revenue_retention(frame: Frame) -> Metric:
    start, contraction, churn, _expansion = _mrr_moves(frame)
    kept = start - contraction - churn
    return Metric("gross_revenue_retention", Unit.RATIO, kept, start, ratio(kept, start), frame.currency)


def net_revenue_retention(frame: Frame) -> Metric:
    start, contraction, churn, expansion = _mrr_moves(frame)
    kept = start - contraction - churn + expansion
    return Metric("net_revenue_retention", Unit.RATIO, kept, start, ratio(kept, start), frame.currency)


# --- renewals and cross-sell ----------------------------------------------------------------------


def renewal_rate(frame: Frame) -> Metric:
    period = frame.period
    decided = list(
        renewals_visible_to(frame.actor)
        .filter(contract__account__in=frame.accounts, term_end__gte=period.start, term_end__lte=period.end)
        .values_list("contract_id", "term_end", "outcome")
    )
    terms = {(contract_id, term_end) for contract_id, term_end, _outcome in decided}
    renewed = sum(1 for _c, _t, outcome in decided if outcome in (RenewalOutcome.RENEWED, RenewalOutcome.EXPANDED))
    undecided = (
        contracts_visible_to(frame.actor)
        .filter(
            account__in=frame.accounts,
            status__in=[ContractStatus.SIGNED, ContractStatus.ACTIVE, ContractStatus.EXPIRED],
            end_date__gte=period.start,
            end_date__lte=period.end,
        )
        .values_list("pk", "end_date")
    )
    terms |= set(undecided)  # type: ignore[arg-type]  # end_date__gte above: never None
    return Metric("renewal_rate", Unit.RATIO, renewed, len(terms), ratio(renewed, len(terms)))


def _services_by_account(
    account_ids: Iterable[int],
    start: datetime.date,
    end: datetime.date,
    zone: datetime.tzinfo,
    *,
    starting_in: bool,
) -> dict[int, set[int]]:
    """Services per account: of contracts and projects in force on `end` (starting_in=False) or starting
    within [start, end] (starting_in=True)."""
    from keyaccount.work.models import Project, ProjectStage

    ids = list(account_ids)
    result: dict[int, set[int]] = {pk: set() for pk in ids}
    contracts = Contract.objects.filter(account_id__in=ids, status__in=BINDING_STATUSES).prefetch_related("services")
    for contract in contracts:
        counts = (start <= contract.start_date <= end) if starting_in else calc.in_force_on(contract, end)
        if counts:
            result[contract.account_id] |= {s.pk for s in contract.services.all()}
    projects = (
        Project.objects.filter(account_id__in=ids, service__isnull=False)
        .exclude(stage=ProjectStage.CANCELLED)
        .values_list("account_id", "service_id", "starts_on", "created_at")
    )
    for account_id, service_id, starts_on, created_at in projects:
        began = starts_on or _day(created_at, zone)
        if (start <= began <= end) if starting_in else began <= end:
            result[account_id].add(service_id)
    return result


def cross_sell_rate(frame: Frame) -> Metric:
    life = _Lifecycle(frame)
    day_before = frame.period.start - ONE_DAY
    cohort = life.active_on(day_before)
    zone = zone_of(frame)
    had = _services_by_account(cohort, day_before, day_before, zone, starting_in=False)
    added = _services_by_account(cohort, frame.period.start, frame.period.end, zone, starting_in=True)
    grew = sum(1 for pk in cohort if added[pk] - had[pk])
    return Metric("cross_sell_rate", Unit.RATIO, grew, len(cohort), ratio(grew, len(cohort)))


# --- revenue and receivables ----------------------------------------------------------------------


def _paid_in(frame: Frame, period: Period) -> Decimal:
    total = (
        allocations_visible_to(frame.actor)
        .filter(
            invoice__account__in=frame.accounts,
            invoice__currency=frame.currency,
            payment__date__gte=period.start,
            payment__date__lte=period.end,
        )
        .order_by()
        .aggregate(amount=Sum("amount"))["amount"]
    )
    return total or ZERO


def revenue(frame: Frame) -> Metric:
    amount = _paid_in(frame, frame.period)
    return Metric("revenue", Unit.MONEY, amount, None, amount, frame.currency)


def revenue_growth(frame: Frame) -> Metric:
    now = _paid_in(frame, frame.period)
    before = _paid_in(frame, frame.period.previous())
    change = now - before
    return Metric("revenue_growth", Unit.RATIO, change, before, ratio(change, before), frame.currency)


def _invoices(frame: Frame) -> QuerySet[Invoice]:
    return invoices_visible_to(frame.actor).filter(account__in=frame.accounts, currency=frame.currency)


def _open_at_end(frame: Frame) -> list[receivables.OpenInvoice]:
    return receivables.open_invoices(_invoices(frame), frame.period.end)


def receivables_outstanding(frame: Frame) -> Metric:
    amount = sum((i.open_amount for i in _open_at_end(frame)), ZERO)
    return Metric("receivables_outstanding", Unit.MONEY, amount, None, amount, frame.currency)


def receivables_overdue(frame: Frame) -> Metric:
    amount = sum((i.open_amount for i in _open_at_end(frame) if i.is_overdue), ZERO)
    return Metric("receivables_overdue", Unit.MONEY, amount, None, amount, frame.currency)


def dso(frame: Frame) -> Metric:
    period = frame.period
    outstanding = sum((i.open_amount for i in _open_at_end(frame)), ZERO)
    invoiced = (
        (
            receivables.billed_on(_invoices(frame), period.end)
            .filter(issue_date__gte=period.start)
            .order_by()
            .aggregate(amount=Sum("total"))["amount"]
        )
        or ZERO
    )
    value = receivables.dso(outstanding, invoiced, period.days)
    return Metric("dso", Unit.DAYS, outstanding, invoiced, value, frame.currency)


__all__ = [
    "cross_sell_rate",
    "dso",
    "gross_revenue_retention",
    "logo_churn_rate",
    "net_revenue_retention",
    "receivables_outstanding",
    "receivables_overdue",
    "renewal_rate",
    "retention_rate",
    "revenue",
    "revenue_growth",
]
