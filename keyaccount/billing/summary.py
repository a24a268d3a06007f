"""One account's money at a glance, as its page shows it: the contracts in force, recurring revenue,
what the client owes and how late, their credit and their last payment.

Amounts are kept per currency and never summed across currencies. Read in a constant number of
queries, through the money selectors (nothing for roles without `see_money`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q, Sum
from django.urls import NoReverseMatch, reverse

from keyaccount.billing import calc
from keyaccount.billing.models import BINDING_STATUSES, Contract, Invoice, Payment, notice_is_soon, overdue_invoice_q
from keyaccount.billing.selectors import (
    contracts_visible_to,
    invoices_visible_to,
    may_see_money,
    payments_visible_to,
)
from keyaccount.core import clock
from keyaccount.tenancy.actors import Actor

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Amount:
    """A sum of money in one currency."""

    amount: Decimal
    currency: str


def amounts(totals: dict[str, Decimal]) -> list[Amount]:
    """Non-zero per-currency totals as a list, by currency code (RUB and USD never added together)."""
    return [Amount(calc.round_money(value, currency), currency) for currency, value in sorted(totals.items()) if value]


@dataclass
class ContractInForce:
    """A contract in force on the day, with what it is worth then and how close its end is."""

    contract: Contract
    value: Decimal
    end: datetime.date | None
    days_to_end: int | None
    notice_deadline: datetime.date | None
    days_to_notice: int | None
    url: str | None = None

    @property
    def currency(self) -> str:
        return self.contract.currency

    @property
    def notice_passed(self) -> bool:
        return self.days_to_notice is not None and self.days_to_notice < 0

    @property
    def notice_soon(self) -> bool:
        """The notice deadline is ahead and within the notice window (`NOTICE_WINDOW_DAYS`)."""
        return notice_is_soon(self.days_to_notice)


def contract_in_force(contract: Contract, today: datetime.date) -> ContractInForce:
    """A contract's value on `today` (amendments applied) and its end and notice deadline as days from today."""
    end = calc.last_day(contract)
    deadline = None if contract.terminated_on else contract.notice_deadline
    return ContractInForce(
        contract=contract,
        value=calc.value_on(contract, today),
        end=end,
        days_to_end=(end - today).days if end else None,
        notice_deadline=deadline,
        days_to_notice=(deadline - today).days if deadline else None,
    )


@dataclass
class AccountMoney:
    """The money panel of an account page."""

    as_of: datetime.date
    contracts: list[ContractInForce] = field(default_factory=list)
    mrr: list[Amount] = field(default_factory=list)
    open: list[Amount] = field(default_factory=list)
    overdue: list[Amount] = field(default_factory=list)
    open_invoices: int = 0
    overdue_invoices: int = 0
    oldest_overdue: Invoice | None = None
    oldest_overdue_days: int | None = None
    credit: list[Amount] = field(default_factory=list)
    last_payment: Payment | None = None
    links: dict[str, str | None] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.contracts or self.open or self.credit or self.last_payment)


# The money pages' URL names (in the "billing" namespace), as their modules spell them.
PAGES = {
    "contracts": "contract_list",
    "contract": "contract_detail",
    "renewals": "renewal_list",
    "invoices": "invoice_list",
    "invoice": "invoice_detail",
    "payments": "payment_list",
    "payment": "payment_detail",
    "receivables": "receivables",
    "acts": "act_list",
    "act": "act_edit",
}


def money_url(page: str, *args: object, query: str = "") -> str | None:
    """The address of a money page (a key of PAGES), or None when that page does not exist."""
    try:
        url = reverse(f"billing:{PAGES[page]}", args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def _link(account: Account, summary: AccountMoney) -> None:
    """Where the panel links to: the account's contracts, invoices, payments, acts and receivables, each
    contract, the oldest overdue invoice and the last payment; a page that does not exist gets no link."""
    account_query = f"account={account.pk}"
    for row in summary.contracts:
        row.url = money_url("contract", row.contract.pk)
    oldest, last = summary.oldest_overdue, summary.last_payment
    summary.links = {
        page: money_url(page, query=account_query)
        for page in ("contracts", "invoices", "payments", "acts", "receivables")
    }
    summary.links["oldest_overdue"] = money_url("invoice", oldest.pk) if oldest is not None else None
    summary.links["last_payment"] = money_url("payment", last.pk) if last is not None else None


def contracts_in_force(actor: Actor, account_ids: list[int], today: datetime.date) -> list[Contract]:
    """Signed contracts of these accounts in force on `today`, amendments prefetched (two queries)."""
    rows = (
        contracts_visible_to(actor)
        .filter(account_id__in=account_ids, status__in=BINDING_STATUSES, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .filter(Q(terminated_on__isnull=True) | Q(terminated_on__gte=today))
        .prefetch_related("amendments")
        .order_by("start_date", "pk")
    )
    return [c for c in rows if calc.in_force_on(c, today)]


def account_money(actor: Actor, account: Account, today: datetime.date | None = None) -> AccountMoney | None:
    """The account's money on `today` as the actor may see it; None for roles that never see money."""
    if not may_see_money(actor):
        return None
    today = today or clock.today_for(actor)
    summary = AccountMoney(as_of=today)

    contracts = contracts_in_force(actor, [account.pk], today)
    summary.contracts = [contract_in_force(c, today) for c in contracts]
    summary.mrr = amounts({currency: v for (_a, currency), v in calc.mrr_by_account(contracts, today).items()})

    invoices = invoices_visible_to(actor).open().filter(account_id=account.pk)
    overdue_q = overdue_invoice_q(on=today)
    owed: dict[str, Decimal] = {}
    late: dict[str, Decimal] = {}
    for row in (
        invoices.order_by()
        .values("currency")
        .annotate(
            billed=Sum("total"),
            paid=Sum("paid_amount"),
            late_billed=Sum("total", filter=overdue_q),
            late_paid=Sum("paid_amount", filter=overdue_q),
            n=Count("pk"),
            n_overdue=Count("pk", filter=overdue_q),
        )
    ):
        # Differences are taken here, not in SQL, where SQLite would compute them as floats.
        owed[row["currency"]] = row["billed"] - row["paid"]
        late[row["currency"]] = (row["late_billed"] or ZERO) - (row["late_paid"] or ZERO)
        summary.open_invoices += row["n"]
        summary.overdue_invoices += row["n_overdue"]
    summary.open, summary.overdue = amounts(owed), amounts(late)
    if summary.overdue_invoices:
        summary.oldest_overdue = invoices.overdue(on=today).order_by("due_date", "pk").first()
        if summary.oldest_overdue is not None:
            summary.oldest_overdue_days = summary.oldest_overdue.days_overdue(on=today)

    payments = payments_visible_to(actor).filter(account_id=account.pk)
    credit = (
        payments.filter(amount__gt=F("allocated_amount"))
        .order_by()
        .values("currency")
        .annotate(received=Sum("amount"), allocated=Sum("allocated_amount"))
    )
    summary.credit = amounts({row["currency"]: row["received"] - row["allocated"] for row in credit})
    summary.last_payment = payments.order_by("-date", "-pk").first()
    _link(account, summary)
    return summary
