"""Reads of the money side, always through the actor's scope (`keyaccount.tenancy.permissions`).

Money is seen by the roles with `see_money`, on the accounts they see; specialists and clients
see none of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.db.models import Q, QuerySet

from keyaccount.billing.models import (
    Act,
    Amendment,
    BillingSettings,
    Contract,
    Invoice,
    InvoiceLine,
    InvoiceQuerySet,
    Payment,
    PaymentAllocation,
    Renewal,
)
from keyaccount.tenancy.actors import Actor
from keyaccount.tenancy.permissions import NOTHING, can, visible_accounts_q

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import Organization


def _money_q(actor: Actor, prefix: str = "") -> Q:
    """Rows on accounts the actor sees, when their role sees money; `prefix` reaches the row's account
    through a relation (an amendment's contract, a line's invoice…)."""
    if not can(actor, "see_money"):
        return NOTHING
    return visible_accounts_q(actor, f"{prefix}account__")


def contracts_visible_to(actor: Actor) -> QuerySet[Contract]:
    return Contract.objects.filter(_money_q(actor)).select_related("account")


def amendments_visible_to(actor: Actor) -> QuerySet[Amendment]:
    return Amendment.objects.filter(_money_q(actor, "contract__")).select_related("contract", "contract__account")


def renewals_visible_to(actor: Actor) -> QuerySet[Renewal]:
    return Renewal.objects.filter(_money_q(actor, "contract__")).select_related("contract", "contract__account")


def acts_visible_to(actor: Actor) -> QuerySet[Act]:
    return Act.objects.filter(_money_q(actor)).select_related("account", "contract")


def invoices_visible_to(actor: Actor) -> InvoiceQuerySet:
    return Invoice.objects.filter(_money_q(actor)).select_related("account", "contract")


def invoice_lines_visible_to(actor: Actor) -> QuerySet[InvoiceLine]:
    return InvoiceLine.objects.filter(_money_q(actor, "invoice__"))


def payments_visible_to(actor: Actor) -> QuerySet[Payment]:
    return Payment.objects.filter(_money_q(actor)).select_related("account")


def allocations_visible_to(actor: Actor) -> QuerySet[PaymentAllocation]:
    return PaymentAllocation.objects.filter(_money_q(actor, "payment__")).select_related("invoice", "payment")


def settings_of(organization: Organization) -> BillingSettings:
    """The organization's billing settings, created with the defaults the first time they are needed."""
    settings, _created = BillingSettings.objects.get_or_create(organization=organization)
    return settings


def may_see_money(actor: Actor) -> bool:
    return can(actor, "see_money")


# --- payments and credit ----------------------------------------------------------------------------

if TYPE_CHECKING:
    from decimal import Decimal


def payments_with_allocations(actor: Actor) -> QuerySet[Payment]:
    """Payments with who recorded them and their allocations (with the invoice), for lists and details."""
    from django.db.models import Prefetch

    return (
        payments_visible_to(actor)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch("allocations", queryset=PaymentAllocation.objects.select_related("invoice").order_by("id"))
        )
    )


def payment_get_for(actor: Actor, pk: int | str) -> Payment:
    """One payment with its allocations; 404 when the actor may not see it."""
    from django.http import Http404

    try:
        return payments_with_allocations(actor).get(pk=int(str(pk)))
    except (Payment.DoesNotExist, ValueError):
        raise Http404 from None


def open_invoices_of(actor: Actor, account_id: int, currency: str | None = None) -> QuerySet[Invoice]:
    """The account's invoices the client still owes on, oldest due first: where a payment goes."""
    qs = invoices_visible_to(actor).open().filter(account_id=account_id)
    if currency:
        qs = qs.filter(currency=currency)
    return qs.order_by("due_date", "issue_date", "id")


def account_credit(actor: Actor, account: Account | int) -> dict[str, Decimal]:
    """The account's credit per currency: the parts of its payments not put against an invoice."""
    from django.db.models import F, Sum

    account_id = account if isinstance(account, int) else account.pk
    rows = (
        payments_visible_to(actor)
        .filter(account_id=account_id, allocated_amount__lt=F("amount"))
        .values("currency")
        .annotate(received=Sum("amount"), allocated=Sum("allocated_amount"))
        .order_by("currency")
    )
    # Subtracted here, not in SQL: SQLite would compute the difference as a float.
    return {row["currency"]: row["received"] - row["allocated"] for row in rows}


def credit_by_account(actor: Actor, account_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """`account_credit` for many accounts in one query: {account id: {currency: credit}}."""
    from django.db.models import F, Sum

    rows = (
        payments_visible_to(actor)
        .filter(account_id__in=account_ids, allocated_amount__lt=F("amount"))
        .values("account_id", "currency")
        .annotate(received=Sum("amount"), allocated=Sum("allocated_amount"))
        .order_by("account_id", "currency")
    )
    result: dict[int, dict[str, Decimal]] = {}
    for row in rows:
        result.setdefault(row["account_id"], {})[row["currency"]] = row["received"] - row["allocated"]
    return result


def last_payment(actor: Actor, account: Account | int) -> Payment | None:
    """The account's latest payment (by date, then by when it was recorded), or None."""
    account_id = account if isinstance(account, int) else account.pk
    return payments_visible_to(actor).filter(account_id=account_id).order_by("-date", "-id").first()


def last_payments(actor: Actor, account_ids: list[int]) -> dict[int, Payment]:
    """The latest payment of each account, for lists of accounts, in one query."""
    from django.db.models import OuterRef, Subquery

    latest = Payment.objects.filter(account_id=OuterRef("account_id")).order_by("-date", "-id").values("pk")[:1]
    rows = payments_visible_to(actor).filter(account_id__in=account_ids, pk=Subquery(latest))
    return {payment.account_id: payment for payment in rows}


# --- contracts, renewals and recurring revenue ------------------------------------------------------

import datetime  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from decimal import Decimal as _Decimal  # noqa: E402
from typing import Any  # noqa: E402


def contract_get_for(actor: Actor, pk: int | str) -> Contract:
    """One contract with its amendments, renewals and services; 404 when the actor may not see it."""
    from django.http import Http404

    try:
        return contracts_with_terms(actor).get(pk=int(str(pk)))
    except (Contract.DoesNotExist, ValueError):
        raise Http404 from None


def contracts_with_terms(actor: Actor) -> QuerySet[Contract]:
    """Contracts with what their value over time needs (amendments), and their services and renewals."""
    return (
        contracts_visible_to(actor)
        .select_related("account", "account__owner")
        .prefetch_related("amendments", "services", "renewals")
    )


RENEWAL_WINDOWS = (30, 60, 90, 120)


@dataclass(frozen=True)
class UpcomingRenewal:
    """A live contract coming up for renewal: its end, its notice deadline and how far both are."""

    contract: Contract
    notice_deadline: datetime.date
    days_to_end: int
    days_to_notice: int
    window: int
    value: _Decimal
    mrr: _Decimal

    @property
    def id(self) -> int:
        return self.contract.pk

    @property
    def notice_overdue(self) -> bool:
        """The last day to give notice passed and none was given: the contract runs into its end as agreed."""
        return self.contract.notice_given_on is None and self.days_to_notice < 0

    @property
    def days_since_notice(self) -> int:
        return -self.days_to_notice

    @property
    def key_days(self) -> int:
        """Days to the date that matters next: the notice deadline, or the end once notice was given."""
        return self.days_to_end if self.contract.notice_given_on else self.days_to_notice


def _renewal_row(contract: Contract, today: datetime.date) -> UpcomingRenewal:
    from keyaccount.billing import calc

    assert contract.end_date is not None
    deadline = contract.notice_deadline
    assert deadline is not None
    days_to_end = (contract.end_date - today).days
    days_to_notice = (deadline - today).days
    key = days_to_end if contract.notice_given_on else days_to_notice
    window = next((w for w in RENEWAL_WINDOWS if key <= w), RENEWAL_WINDOWS[-1])
    return UpcomingRenewal(
        contract=contract,
        notice_deadline=deadline,
        days_to_end=days_to_end,
        days_to_notice=days_to_notice,
        window=window,
        value=calc.value_on(contract, min(today, contract.end_date)),
        mrr=calc.mrr_on(contract, today),
    )


def _awaiting_renewal(actor: Actor) -> QuerySet[Contract]:
    """Live contracts with an end date and no outcome recorded for their current term."""
    from django.db.models import Exists, OuterRef

    from keyaccount.billing.models import LIVE_STATUSES

    decided = Renewal.objects.filter(contract_id=OuterRef("pk"), term_end=OuterRef("end_date"))
    return (
        contracts_visible_to(actor)
        .filter(status__in=LIVE_STATUSES, end_date__isnull=False, terminated_on__isnull=True)
        .exclude(Exists(decided))
        .select_related("account", "account__owner")
        .prefetch_related("amendments")
    )


def upcoming_renewals(
    actor: Actor, today: datetime.date, within: int = 120, account_id: int | None = None
) -> list[UpcomingRenewal]:
    """Contracts whose notice deadline (or end, once notice was given) falls within `within` days.

    Deadlines already passed are included and come first (`notice_overdue`), then the nearest.
    """
    qs = _awaiting_renewal(actor).filter(end_date__lte=today + datetime.timedelta(days=within + 366))
    if account_id is not None:
        qs = qs.filter(account_id=account_id)
    rows = [_renewal_row(contract, today) for contract in qs]
    rows = [row for row in rows if row.key_days <= within]
    rows.sort(key=lambda r: (not r.notice_overdue, r.key_days, r.contract.end_date, r.contract.pk))
    return rows


def upcoming_renewal_of(actor: Actor, contract_id: object, today: datetime.date) -> UpcomingRenewal | None:
    """The renewal row of one contract awaiting its outcome, whatever its window; None when not visible."""
    try:
        pk = int(str(contract_id))
    except ValueError:
        return None
    contract = _awaiting_renewal(actor).filter(pk=pk).first()
    return _renewal_row(contract, today) if contract is not None else None


def renewal_history(actor: Actor, contract: Contract) -> QuerySet[Renewal]:
    return renewals_visible_to(actor).filter(contract=contract).select_related("decided_by", "amendment")


def _retainers(actor: Actor) -> QuerySet[Contract]:
    from keyaccount.billing.models import BINDING_STATUSES, BillingModel

    return (
        contracts_visible_to(actor)
        .filter(status__in=BINDING_STATUSES, billing_model=BillingModel.RETAINER)
        .prefetch_related("amendments")
    )


def mrr_of_accounts(
    actor: Actor, day: datetime.date, account_ids: list[int] | None = None
) -> dict[tuple[int, str], _Decimal]:
    """Monthly recurring revenue on `day` per (account id, currency), from retainers with their amendments."""
    from keyaccount.billing import calc

    qs = _retainers(actor)
    if account_ids is not None:
        qs = qs.filter(account_id__in=account_ids)
    return calc.mrr_by_account(qs, day)


@dataclass(frozen=True)
class MovementRow:
    """One account's change of MRR in one currency over a month (see `calc.movements`)."""

    account: Any
    account_id: int
    currency: str
    kind: str
    before: _Decimal
    after: _Decimal

    @property
    def amount(self) -> _Decimal:
        return self.after - self.before


@dataclass
class MonthOfMovements:
    """One month's changes of recurring revenue: per account, and totals per (kind, currency)."""

    month: datetime.date
    movements: list[MovementRow]
    totals: dict[tuple[str, str], _Decimal]

    def total(self, kind: str, currency: str) -> _Decimal:
        return self.totals.get((kind, currency), _Decimal("0"))


def revenue_movements(
    actor: Actor, first_month: datetime.date, last_month: datetime.date, account_ids: list[int] | None = None
) -> list[MonthOfMovements]:
    """For each month, new, expansion, contraction and churn of MRR: the day before it against its last day.

    Each movement carries `account` (the Account); totals are per currency, never summed across currencies.
    """
    from keyaccount.billing import calc

    qs = _retainers(actor)
    if account_ids is not None:
        qs = qs.filter(account_id__in=account_ids)
    contracts = list(qs.select_related("account"))
    accounts: dict[int, Account] = {c.account_id: c.account for c in contracts}
    result = []
    month = calc.month_start(first_month)
    while month <= calc.month_start(last_month):
        before = calc.mrr_by_account(contracts, month - datetime.timedelta(days=1))
        after = calc.mrr_by_account(contracts, calc.month_end(month))
        moves = [
            MovementRow(accounts.get(m.account_id), m.account_id, m.currency, m.kind, m.before, m.after)
            for m in calc.movements(before, after)
        ]
        moves.sort(key=lambda m: (m.kind, m.currency, str(m.account)))
        totals: dict[tuple[str, str], _Decimal] = {}
        for move in moves:
            key = (move.kind, move.currency)
            totals[key] = totals.get(key, _Decimal("0")) + move.amount
        result.append(MonthOfMovements(month=month, movements=moves, totals=totals))
        month = calc.month_end(month) + datetime.timedelta(days=1)
    return result


def settings_read(organization_id: int) -> BillingSettings:
    """The organization's billing settings for reading: the defaults (unsaved) when never changed, so a
    read writes nothing."""
    found = BillingSettings.objects.filter(organization_id=organization_id).first()
    return found if found is not None else BillingSettings(organization_id=organization_id)


def acts_to_chase(actor: Actor, today: datetime.date) -> QuerySet[Act]:
    """Acts the actor sees that were sent at least the organization's `act_chase_days` ago and are still
    unsigned (what the account manager should chase), the longest waiting first."""
    import datetime as dt

    from keyaccount.tenancy.permissions import membership_of

    membership = membership_of(actor)
    if membership is None:
        return Act.objects.none()
    chase_days = settings_read(membership.organization_id).act_chase_days
    return (
        acts_visible_to(actor)
        .filter(signed_on__isnull=True, sent_on__lte=today - dt.timedelta(days=chase_days))
        .order_by("sent_on", "pk")
    )


# --- invoices ---------------------------------------------------------------------------------------


def invoices_with_lines(actor: Actor) -> QuerySet[Invoice]:
    """Invoices with their account, contract and lines, for the API and the exports."""
    return invoices_visible_to(actor).prefetch_related("lines")


def invoice_get_for(actor: Actor, pk: int | str) -> Invoice:
    """One invoice with its lines and the payments put against it; 404 when the actor may not see it."""
    from django.db.models import Prefetch
    from django.http import Http404

    try:
        return (
            invoices_visible_to(actor)
            .select_related("created_by", "organization")
            .prefetch_related(
                "lines",
                Prefetch(
                    "allocations",
                    queryset=PaymentAllocation.objects.select_related("payment").order_by("payment__date", "id"),
                ),
            )
            .get(pk=int(str(pk)))
        )
    except (Invoice.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def invoice_totals_by_currency(invoices: QuerySet[Invoice], today: datetime.date) -> list[dict[str, object]]:
    """Per currency of `invoices` (already scoped and filtered): how many, billed, open and overdue amounts.

    Billed counts issued, partly paid and paid invoices; open and overdue what the client still owes
    (overdue: past its due date on `today`). One query, whatever the number of invoices.
    """
    from decimal import Decimal

    from django.db.models import Count, DecimalField, F, Sum, Value
    from django.db.models.functions import Coalesce

    from keyaccount.billing.models import BILLED_INVOICE_STATUSES, open_invoice_q, overdue_invoice_q

    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=18, decimal_places=2)
    zero = Value(Decimal("0.00"), output_field=money)
    owed = F("total") - F("paid_amount")
    rows = (
        invoices.order_by()
        .values("currency")
        .annotate(
            count=Count("pk"),
            billed=Coalesce(Sum("total", filter=Q(status__in=BILLED_INVOICE_STATUSES)), zero, output_field=money),
            open=Coalesce(Sum(owed, filter=open_invoice_q(), output_field=money), zero, output_field=money),
            overdue=Coalesce(
                Sum(owed, filter=overdue_invoice_q(on=today), output_field=money), zero, output_field=money
            ),
        )
        .order_by("currency")
    )
    return list(rows)


class ToIssue(TypedDict):
    """My day's money to invoice: draft invoices to issue, retainers with no invoice this month."""

    drafts: list[Invoice]
    contracts: list[Contract]


def invoices_to_issue(actor: Actor, today: object, limit: int | None = None) -> ToIssue:
    """For My day: the actor's draft invoices waiting to be issued, and the active retainers in force during
    this month that have no invoice (other than a void one) whose period falls in this month, each with
    its `current_value` (amendments applied). At most `limit` of each.

    Returns {"drafts": [Invoice, …], "contracts": [Contract, …]}; three queries.
    """
    import datetime as dt

    from django.db.models import Exists, OuterRef

    from keyaccount.billing.calc import month_end, month_start, value_on
    from keyaccount.billing.models import BillingModel, ContractStatus, InvoiceStatus

    assert isinstance(today, dt.date)
    first, last = month_start(today), month_end(today)
    drafts = invoices_visible_to(actor).drafts().order_by("issue_date", "pk")
    billed = Invoice.objects.filter(contract_id=OuterRef("pk"), period_start__lte=last, period_end__gte=first).exclude(
        status=InvoiceStatus.VOID
    )
    contracts = (
        contracts_visible_to(actor)
        .filter(billing_model=BillingModel.RETAINER, status=ContractStatus.ACTIVE, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .filter(Q(terminated_on__isnull=True) | Q(terminated_on__gte=first))
        .exclude(Exists(billed))
        .prefetch_related("amendments")
        .order_by("account__name", "number", "pk")
    )
    rows = list(contracts[:limit] if limit is not None else contracts)
    for contract in rows:
        contract.current_value = value_on(contract, today)  # type: ignore[attr-defined]  # shown on my day
    return {"drafts": list(drafts[:limit] if limit is not None else drafts), "contracts": rows}
