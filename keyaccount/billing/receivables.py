"""Receivables: what clients owe on a given day, how late it is, and how fast they pay.

Definitions (docs/metrics.md cites them as written here):

- An invoice is *billed on day D* when it is not a draft, its issue date is on or before D, and it was
  not voided on or before D (a voided invoice without a void date counts as voided on every day).
- Its *open amount at D* is its total less the allocations of payments dated on or before D. A payment
  dated after D does not count, even if it was recorded before; a payment recorded later for a date on
  or before D does.
- Its *days past due at D* are D − its due date, in whole days. Its aging bucket (`calc.bucket_of`):
  current (not yet due: 0 days or fewer), 1–30, 31–60, 61–90 and 90+ days past due.
- The *receivables* of a group at D — an account, an account manager (the account's owner today), the
  organization (or what the reader sees of it) — are, per currency, the open amounts of the group's
  billed invoices summed per bucket. total = the sum of the five buckets; overdue = total − current.
  The *oldest overdue invoice* is the one past due with the earliest due date (then the earliest issue
  date, then the first entered); its days past due are shown with it.
- Amounts in different currencies are never added together: every figure is per currency.
- *DSO* (days sales outstanding) of a group for a period [start, end], per currency = the receivables
  total at `end` ÷ the amount invoiced in the period × the number of days in the period. The amount
  invoiced is the sum of the totals of the invoices billed on `end` whose issue date lies in the period;
  the number of days counts both ends (end − start + 1). Rounded half up to one decimal; None when
  nothing was invoiced in the period in that currency.

Everything here reads through a queryset of invoices the caller got from
`selectors.invoices_visible_to(actor)` (optionally filtered), so the actor's scope always applies; the
open amounts come from one query with a summed subquery, never one query per invoice.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from keyaccount.billing import calc
from keyaccount.billing.models import Invoice, InvoiceStatus, PaymentAllocation, days_past_due
from keyaccount.tenancy.actors import Actor

ZERO = Decimal("0.00")
MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=18, decimal_places=2)
DSO_QUANTUM = Decimal("0.1")
# The standard DSO period: the 90 days ending at the day looked at.
DEFAULT_DSO_DAYS = 90


@dataclass(frozen=True)
class OpenInvoice:
    """One billed invoice with money still open at the day looked at."""

    id: int
    number: str
    account_id: int
    account_name: str
    owner_id: int | None
    owner_name: str
    currency: str
    issue_date: datetime.date
    due_date: datetime.date
    total: Decimal
    open_amount: Decimal
    days_past_due: int
    bucket: str

    @property
    def is_overdue(self) -> bool:
        """Past its due date at the day looked at (any bucket but current)."""
        return self.days_past_due > 0

    @property
    def age_key(self) -> tuple[datetime.date, datetime.date, int]:
        """The oldest overdue invoice has the smallest key: earliest due, then earliest issued, then first entered."""
        return (self.due_date, self.issue_date, self.id)


def oldest_overdue(invoices: Iterable[OpenInvoice]) -> OpenInvoice | None:
    """The oldest overdue invoice among `invoices` (see the module's definitions); None when none is overdue."""
    return min((i for i in invoices if i.is_overdue), key=lambda i: i.age_key, default=None)


@dataclass
class Aging:
    """The receivables of one group in one currency, by aging bucket (see the module's definitions)."""

    currency: str
    current: Decimal = ZERO
    days_1_30: Decimal = ZERO
    days_31_60: Decimal = ZERO
    days_61_90: Decimal = ZERO
    days_90_plus: Decimal = ZERO
    invoice_count: int = 0
    oldest_overdue: OpenInvoice | None = None

    @property
    def total(self) -> Decimal:
        return self.current + self.days_1_30 + self.days_31_60 + self.days_61_90 + self.days_90_plus

    @property
    def overdue(self) -> Decimal:
        return self.total - self.current

    @property
    def oldest_overdue_days(self) -> int | None:
        return self.oldest_overdue.days_past_due if self.oldest_overdue else None

    def add(self, invoice: OpenInvoice) -> None:
        setattr(self, invoice.bucket, getattr(self, invoice.bucket) + invoice.open_amount)
        self.invoice_count += 1
        if invoice.is_overdue and (self.oldest_overdue is None or invoice.age_key < self.oldest_overdue.age_key):
            self.oldest_overdue = invoice

    def buckets(self) -> list[tuple[str, Decimal]]:
        return [(name, getattr(self, name)) for name in calc.BUCKETS]


@dataclass
class AccountAging(Aging):
    """One row of the receivables list: an account in one currency."""

    account_id: int = 0
    account_name: str = ""
    owner_id: int | None = None
    owner_name: str = ""

    @property
    def key(self) -> str:
        """The row's id in the API: `<account id>-<currency>`, e.g. `12-RUB`."""
        return f"{self.account_id}-{self.currency}"


@dataclass
class OwnerAging(Aging):
    """The receivables of one account manager's accounts in one currency (owner None: no manager)."""

    owner_id: int | None = None
    owner_name: str = ""
    dso: Decimal | None = None
    invoiced: Decimal = ZERO


@dataclass
class TotalAging(Aging):
    """The receivables of everything the reader sees, in one currency."""

    dso: Decimal | None = None
    invoiced: Decimal = ZERO


@dataclass
class Summary:
    """Totals per currency and per account manager, with DSO for a period."""

    as_of: datetime.date
    period_start: datetime.date
    period_end: datetime.date
    totals: list[TotalAging] = field(default_factory=list)
    by_owner: list[OwnerAging] = field(default_factory=list)


# --- the invoices ---------------------------------------------------------------------------------


def billed_on(invoices: QuerySet[Invoice], day: datetime.date) -> QuerySet[Invoice]:
    """The invoices billed on `day`: not drafts, issued by then, not voided by then."""
    voided = Q(status=InvoiceStatus.VOID) & (Q(voided_on__isnull=True) | Q(voided_on__lte=day))
    return invoices.filter(issue_date__lte=day).exclude(status=InvoiceStatus.DRAFT).exclude(voided)


def with_open_amount(invoices: QuerySet[Invoice], day: datetime.date) -> QuerySet[Invoice]:
    """`invoices` annotated with `paid_by` (allocations of payments dated on or before `day`) and
    `open_at` (total − paid_by), keeping those with something open."""
    paid = (
        PaymentAllocation.objects.filter(invoice=OuterRef("pk"), payment__date__lte=day)
        .order_by()
        .values("invoice")
        .annotate(amount_sum=Sum("amount"))
        .values("amount_sum")
    )
    return (
        invoices.annotate(paid_by=Coalesce(Subquery(paid, output_field=MONEY), Value(ZERO), output_field=MONEY))
        .annotate(open_at=F("total") - F("paid_by"))
        .filter(open_at__gt=0)
    )


def open_invoices(invoices: QuerySet[Invoice], as_of: datetime.date) -> list[OpenInvoice]:
    """The billed invoices with money open at `as_of`, oldest due first, in one query."""
    rows = (
        with_open_amount(billed_on(invoices, as_of), as_of)  # type: ignore[misc]  # paid_by: annotated in there
        .order_by("due_date", "issue_date", "pk")
        .values(
            "pk",
            "number",
            "account_id",
            "account__name",
            "account__owner_id",
            "account__owner__name",
            "account__owner__email",
            "currency",
            "issue_date",
            "due_date",
            "total",
            "paid_by",
        )
    )
    result = []
    for row in rows:
        # Exact Decimal arithmetic here: some databases subtract in floating point.
        open_amount = calc.round_money(Decimal(row["total"]) - Decimal(row["paid_by"]), row["currency"])
        if open_amount <= 0:
            continue
        result.append(
            OpenInvoice(
                id=row["pk"],
                number=row["number"],
                account_id=row["account_id"],
                account_name=row["account__name"],
                owner_id=row["account__owner_id"],
                owner_name=row["account__owner__name"] or row["account__owner__email"] or "",
                currency=row["currency"],
                issue_date=row["issue_date"],
                due_date=row["due_date"],
                total=row["total"],
                open_amount=open_amount,
                days_past_due=days_past_due(row["due_date"], as_of),
                bucket=calc.bucket_of(row["due_date"], as_of),
            )
        )
    return result


# --- grouping -------------------------------------------------------------------------------------


def _group(
    invoices: Iterable[OpenInvoice], key: Callable[[OpenInvoice], Hashable], make: Callable[[OpenInvoice], Any]
) -> dict[Hashable, Any]:
    groups: dict[Hashable, Any] = {}
    for invoice in invoices:
        k = key(invoice)
        if k not in groups:
            groups[k] = make(invoice)
        groups[k].add(invoice)
    return groups


def aging_by_account(invoices: Iterable[OpenInvoice]) -> list[AccountAging]:
    """One row per account and currency, by account name then currency."""
    groups = _group(
        invoices,
        lambda i: (i.account_id, i.currency),
        lambda i: AccountAging(
            currency=i.currency,
            account_id=i.account_id,
            account_name=i.account_name,
            owner_id=i.owner_id,
            owner_name=i.owner_name,
        ),
    )
    return sorted(groups.values(), key=lambda r: (r.account_name.lower(), r.account_id, r.currency))


def aging_by_owner(invoices: Iterable[OpenInvoice]) -> list[OwnerAging]:
    """One row per account manager and currency; accounts without a manager come last."""
    groups = _group(
        invoices,
        lambda i: (i.owner_id, i.currency),
        lambda i: OwnerAging(currency=i.currency, owner_id=i.owner_id, owner_name=i.owner_name),
    )
    return sorted(groups.values(), key=_owner_order)


def _owner_order(row: OwnerAging) -> tuple[bool, str, int, str]:
    return (row.owner_id is None, row.owner_name.lower(), row.owner_id or 0, row.currency)


def aging_totals(invoices: Iterable[OpenInvoice]) -> list[TotalAging]:
    """One row per currency."""
    groups = _group(invoices, lambda i: i.currency, lambda i: TotalAging(currency=i.currency))
    return [groups[c] for c in sorted(groups, key=str)]


def receivables_by_account(invoices: QuerySet[Invoice], as_of: datetime.date) -> list[AccountAging]:
    """The receivables list at `as_of`: per account and currency, from the invoices given (already scoped)."""
    return aging_by_account(open_invoices(invoices, as_of))


def receivables_of(actor: Actor, as_of: datetime.date, **filters: Any) -> list[AccountAging]:
    """The receivables the actor sees at `as_of`, per account and currency; `filters` narrow the invoices
    (e.g. account_id=…, account__owner_id=…, currency=…)."""
    from keyaccount.billing.selectors import invoices_visible_to

    return receivables_by_account(invoices_visible_to(actor).filter(**filters), as_of)


# --- DSO ------------------------------------------------------------------------------------------


def dso(outstanding: Decimal, invoiced: Decimal, days: int) -> Decimal | None:
    """Days sales outstanding: outstanding ÷ invoiced × days, one decimal; None without invoicing."""
    if invoiced <= 0:
        return None
    return (outstanding / invoiced * days).quantize(DSO_QUANTUM, rounding=ROUND_HALF_UP)


def period_days(start: datetime.date, end: datetime.date) -> int:
    """Days in [start, end], both ends included."""
    return (end - start).days + 1


def default_period(as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The 90 days ending at `as_of`."""
    return as_of - datetime.timedelta(days=DEFAULT_DSO_DAYS - 1), as_of


def invoiced_in(invoices: QuerySet[Invoice], start: datetime.date, end: datetime.date) -> list[dict[str, Any]]:
    """The amount invoiced in [start, end] per account manager and currency, in one query: rows of
    owner_id, owner_name, currency, amount."""
    rows = (
        billed_on(invoices, end)
        .filter(issue_date__gte=start)
        .order_by()
        .values("account__owner_id", "account__owner__name", "account__owner__email", "currency")
        .annotate(amount=Sum("total"))
    )
    return [
        {
            "owner_id": r["account__owner_id"],
            "owner_name": r["account__owner__name"] or r["account__owner__email"] or "",
            "currency": r["currency"],
            "amount": r["amount"] or ZERO,
        }
        for r in rows
    ]


def summary(
    invoices: QuerySet[Invoice],
    as_of: datetime.date,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    *,
    open_at_as_of: list[OpenInvoice] | None = None,
) -> Summary:
    """Totals per currency and per account manager at `as_of`, with DSO for [period_start, period_end]
    (default: the 90 days ending at `as_of`). Three queries whatever the size; `open_at_as_of` passes
    `open_invoices(invoices, as_of)` when the caller has it already."""
    if period_start is None or period_end is None:
        default_start, default_end = default_period(as_of)
        period_start = period_start or default_start
        period_end = period_end or default_end
    at_as_of = open_at_as_of if open_at_as_of is not None else open_invoices(invoices, as_of)
    result = Summary(
        as_of=as_of,
        period_start=period_start,
        period_end=period_end,
        totals=aging_totals(at_as_of),
        by_owner=aging_by_owner(at_as_of),
    )
    at_end = at_as_of if period_end == as_of else open_invoices(invoices, period_end)
    owners = {(r.owner_id, r.currency): r for r in result.by_owner}
    totals = {r.currency: r for r in result.totals}
    outstanding: dict[Hashable, Decimal] = {}
    for invoice in at_end:
        for k in ((invoice.owner_id, invoice.currency), invoice.currency):
            outstanding[k] = outstanding.get(k, ZERO) + invoice.open_amount
        # A manager or currency with money open at the period's end but nothing at as_of still gets a row.
        owners.setdefault(
            (invoice.owner_id, invoice.currency),
            OwnerAging(currency=invoice.currency, owner_id=invoice.owner_id, owner_name=invoice.owner_name),
        )
        totals.setdefault(invoice.currency, TotalAging(currency=invoice.currency))
    for row in invoiced_in(invoices, period_start, period_end):
        owner = owners.setdefault(
            (row["owner_id"], row["currency"]),
            OwnerAging(currency=row["currency"], owner_id=row["owner_id"], owner_name=row["owner_name"]),
        )
        owner.invoiced += row["amount"]
        total = totals.setdefault(row["currency"], TotalAging(currency=row["currency"]))
        total.invoiced += row["amount"]
    days = period_days(period_start, period_end)
    for (owner_id, currency), owner in owners.items():
        owner.dso = dso(outstanding.get((owner_id, currency), ZERO), owner.invoiced, days)
    for currency, total in totals.items():
        total.dso = dso(outstanding.get(currency, ZERO), total.invoiced, days)
    result.totals = [totals[c] for c in sorted(totals)]
    result.by_owner = sorted(owners.values(), key=_owner_order)
    return result
