"""Reads of the money side, always through the actor's scope (`keyaccount.core.permissions`).

Money is seen by the roles with `see_money`, on the accounts they see; specialists and clients
see none of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from keyaccount.billing.models import (
    Act,
    Amendment,
    BillingSettings,
    Contract,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    Renewal,
)
from keyaccount.core.permissions import NOTHING, can, visible_accounts_q

if TYPE_CHECKING:
    from keyaccount.tenancy.models import Organization, User


def _money_q(actor: User | None, prefix: str = "") -> Q:
    """Rows on accounts the actor sees, when their role sees money; `prefix` reaches the row's account
    through a relation (an amendment's contract, a line's invoice…)."""
    if not can(actor, "see_money"):
        return NOTHING
    return visible_accounts_q(actor, f"{prefix}account__")


def contracts_visible_to(actor: User | None) -> QuerySet[Contract]:
    return Contract.objects.filter(_money_q(actor)).select_related("account")


def amendments_visible_to(actor: User | None) -> QuerySet[Amendment]:
    return Amendment.objects.filter(_money_q(actor, "contract__")).select_related("contract", "contract__account")


def renewals_visible_to(actor: User | None) -> QuerySet[Renewal]:
    return Renewal.objects.filter(_money_q(actor, "contract__")).select_related("contract", "contract__account")


def acts_visible_to(actor: User | None) -> QuerySet[Act]:
    return Act.objects.filter(_money_q(actor)).select_related("account", "contract")


def invoices_visible_to(actor: User | None) -> QuerySet[Invoice]:
    return Invoice.objects.filter(_money_q(actor)).select_related("account", "contract")


def invoice_lines_visible_to(actor: User | None) -> QuerySet[InvoiceLine]:
    return InvoiceLine.objects.filter(_money_q(actor, "invoice__"))


def payments_visible_to(actor: User | None) -> QuerySet[Payment]:
    return Payment.objects.filter(_money_q(actor)).select_related("account")


def allocations_visible_to(actor: User | None) -> QuerySet[PaymentAllocation]:
    return PaymentAllocation.objects.filter(_money_q(actor, "payment__")).select_related("invoice", "payment")


def settings_of(organization: Organization) -> BillingSettings:
    """The organization's billing settings, created with the defaults the first time they are needed."""
    settings, _created = BillingSettings.objects.get_or_create(organization=organization)
    return settings


def may_see_money(actor: User | None) -> bool:
    return can(actor, "see_money")

# --- payments and credit ----------------------------------------------------------------------------

if TYPE_CHECKING:
    from decimal import Decimal


def payments_with_allocations(actor: User | None) -> QuerySet[Payment]:
    """Payments with who recorded them and their allocations (with the invoice), for lists and details."""
    from django.db.models import Prefetch

    return (
        payments_visible_to(actor)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch("allocations", queryset=PaymentAllocation.objects.select_related("invoice").order_by("id"))
        )
    )


def payment_get_for(actor: User | None, pk: object) -> Payment:
    """One payment with its allocations; 404 when the actor may not see it."""
    from django.http import Http404

    try:
        return payments_with_allocations(actor).get(pk=int(str(pk)))
    except (Payment.DoesNotExist, ValueError):
        raise Http404 from None


def open_invoices_of(actor: User | None, account_id: int, currency: str | None = None) -> QuerySet[Invoice]:
    """The account's invoices the client still owes on, oldest due first: where a payment goes."""
    from keyaccount.billing.models import OPEN_INVOICE_STATUSES

    qs = invoices_visible_to(actor).filter(account_id=account_id, status__in=OPEN_INVOICE_STATUSES)
    if currency:
        qs = qs.filter(currency=currency)
    return qs.order_by("due_date", "issue_date", "id")


def account_credit(actor: User | None, account: object) -> dict[str, Decimal]:
    """The account's credit per currency: the parts of its payments not put against an invoice."""
    from django.db.models import F, Sum

    account_id = getattr(account, "pk", account)
    rows = (
        payments_visible_to(actor)
        .filter(account_id=account_id, allocated_amount__lt=F("amount"))
        .values("currency")
        .annotate(received=Sum("amount"), allocated=Sum("allocated_amount"))
        .order_by("currency")
    )
    # Subtracted here, not in SQL: SQLite would compute the difference as a float.
    return {row["currency"]: row["received"] - row["allocated"] for row in rows}


def credit_by_account(actor: User | None, account_ids: list[int]) -> dict[int, dict[str, Decimal]]:
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


def last_payment(actor: User | None, account: object) -> Payment | None:
    """The account's latest payment (by date, then by when it was recorded), or None."""
    account_id = getattr(account, "pk", account)
    return payments_visible_to(actor).filter(account_id=account_id).order_by("-date", "-id").first()


def last_payments(actor: User | None, account_ids: list[int]) -> dict[int, Payment]:
    """The latest payment of each account, for lists of accounts, in one query."""
    from django.db.models import OuterRef, Subquery

    latest = Payment.objects.filter(account_id=OuterRef("account_id")).order_by("-date", "-id").values("pk")[:1]
    rows = payments_visible_to(actor).filter(account_id__in=account_ids, pk=Subquery(latest))
    return {payment.account_id: payment for payment in rows}


# --- invoices ---------------------------------------------------------------------------------------


def invoices_with_lines(actor: User | None) -> QuerySet[Invoice]:
    """Invoices with their account, contract and lines, for the API and the exports."""
    return invoices_visible_to(actor).prefetch_related("lines")


def invoice_get_for(actor: User | None, pk: object) -> Invoice:
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


def invoice_totals_by_currency(invoices: QuerySet[Invoice], today: object) -> list[dict[str, object]]:
    """Per currency of `invoices` (already scoped and filtered): how many, billed, open and overdue amounts.

    Billed counts issued, partly paid and paid invoices; open and overdue what the client still owes
    (overdue: past its due date on `today`). One query, whatever the number of invoices.
    """
    from decimal import Decimal

    from django.db.models import Count, DecimalField, F, Sum, Value
    from django.db.models.functions import Coalesce

    from keyaccount.billing.models import BILLED_INVOICE_STATUSES, OPEN_INVOICE_STATUSES

    money = DecimalField(max_digits=18, decimal_places=2)
    zero = Value(Decimal("0.00"), output_field=money)
    owed = F("total") - F("paid_amount")
    is_open = Q(status__in=OPEN_INVOICE_STATUSES)
    rows = (
        invoices.order_by()
        .values("currency")
        .annotate(
            count=Count("pk"),
            billed=Coalesce(Sum("total", filter=Q(status__in=BILLED_INVOICE_STATUSES)), zero, output_field=money),
            open=Coalesce(Sum(owed, filter=is_open, output_field=money), zero, output_field=money),
            overdue=Coalesce(
                Sum(owed, filter=is_open & Q(due_date__lt=today), output_field=money), zero, output_field=money
            ),
        )
        .order_by("currency")
    )
    return list(rows)


def invoices_to_issue(actor: User | None, today: object) -> dict[str, list[object]]:
    """For My day: the actor's draft invoices waiting to be issued, and the retainers in force this month
    that have no invoice (other than a void one) whose period falls in this month.

    Returns {"drafts": [Invoice, …], "contracts": [Contract, …]}; two queries.
    """
    import datetime as dt

    from django.db.models import Exists, OuterRef

    from keyaccount.billing.calc import month_end, month_start
    from keyaccount.billing.models import LIVE_STATUSES, BillingModel, InvoiceStatus

    assert isinstance(today, dt.date)
    first, last = month_start(today), month_end(today)
    drafts = invoices_visible_to(actor).filter(status=InvoiceStatus.DRAFT).order_by("issue_date", "pk")
    billed = Invoice.objects.filter(contract_id=OuterRef("pk"), period_start__lte=last, period_end__gte=first).exclude(
        status=InvoiceStatus.VOID
    )
    contracts = (
        contracts_visible_to(actor)
        .filter(billing_model=BillingModel.RETAINER, status__in=LIVE_STATUSES, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .filter(Q(terminated_on__isnull=True) | Q(terminated_on__gte=today))
        .exclude(Exists(billed))
        .order_by("account__name", "number", "pk")
    )
    return {"drafts": list(drafts), "contracts": list(contracts)}
