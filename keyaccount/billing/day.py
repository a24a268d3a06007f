"""The money part of My day: what an account manager has to do about money today, and for a head how
much the organization (and each account manager's portfolio) is owed past due.

Read in a constant number of queries, through the money selectors. Only the account side (account
managers and assistants) gets the lists; heads and admins get the overdue totals; specialists, sales and
clients get nothing. Registered with the day page (`keyaccount.core.day`) by `BillingConfig.ready()`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Sum
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from keyaccount.billing import calc, selectors
from keyaccount.billing.models import (
    LIVE_STATUSES,
    NOTICE_WINDOW_DAYS,
    Act,
    Contract,
    Invoice,
    Renewal,
)
from keyaccount.billing.selectors import contracts_visible_to, invoices_visible_to, may_see_money
from keyaccount.billing.summary import Amount, amounts, money_url
from keyaccount.core.api import AmountSerializer, RefSerializer
from keyaccount.core.day import DayField, DayPart, DayProvider, Sections
from keyaccount.tenancy.models import Role
from keyaccount.tenancy.permissions import ORG_WIDE, membership_of

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.core.day import DayBounds
    from keyaccount.tenancy.models import User

# Long lists are cut, as the rest of the day: the full lists are on the money pages.
LIMIT = 50
RENEWAL_HORIZON_DAYS = NOTICE_WINDOW_DAYS
ACCOUNT_SIDE = {Role.ACCOUNT_MANAGER, Role.ASSISTANT}
_MAX_NOTICE_DAYS = 365


@dataclass
class RenewalDue:
    """A live contract whose end or notice deadline comes within the horizon and has no outcome yet."""

    contract: Contract
    value: Decimal
    end: datetime.date
    days_to_end: int
    notice_deadline: datetime.date
    days_to_notice: int

    @property
    def account(self) -> Account:
        return self.contract.account

    @property
    def notice_ahead(self) -> bool:
        """The notice deadline is today or later: notice can still be given."""
        return self.days_to_notice >= 0

    @property
    def next_deadline(self) -> datetime.date:
        """The notice deadline while it is still ahead, else the end."""
        return self.notice_deadline if self.notice_ahead else self.end


@dataclass
class OverdueInvoice:
    """An overdue invoice on My day with its `days_overdue` on the day; reads as the invoice otherwise
    (number, account, amounts), so the page and the day's API take it as one."""

    invoice: Invoice
    days_overdue: int
    url: str | None = None

    def __getattr__(self, name: str) -> object:
        if name == "invoice":  # not set yet (copying, unpickling): never recurse
            raise AttributeError(name)
        return getattr(self.invoice, name)


@dataclass
class DayMoney:
    """Money work for today. Lists are for the account side; `overdue_total` is for everyone who gets it."""

    invoices_to_issue: list[Invoice] = field(default_factory=list)
    contracts_to_invoice: list[Contract] = field(default_factory=list)
    overdue_invoices: list[OverdueInvoice] = field(default_factory=list)
    acts_to_chase: list[Act] = field(default_factory=list)
    renewals_due: list[RenewalDue] = field(default_factory=list)
    overdue_total: list[Amount] = field(default_factory=list)
    # For a head's team view: overdue per account owner's user id (None: accounts without an owner).
    overdue_by_owner: dict[int | None, list[Amount]] = field(default_factory=dict)
    # The money pages the sections link to (None for a page that does not exist).
    links: dict[str, str | None] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (
            self.invoices_to_issue
            or self.contracts_to_invoice
            or self.overdue_invoices
            or self.acts_to_chase
            or self.renewals_due
            or self.overdue_total
        )


def overdue_invoices(actor: User, today: datetime.date) -> list[OverdueInvoice]:
    """Open invoices past their due date, the oldest first, each with `days_overdue`."""
    rows = invoices_visible_to(actor).overdue(on=today).order_by("due_date", "pk")[:LIMIT]
    return [OverdueInvoice(invoice, invoice.days_overdue(on=today)) for invoice in rows]


def acts_to_chase(actor: User, today: datetime.date) -> list[Act]:
    """Acts sent at least `act_chase_days` ago and still unsigned, the longest waiting first, with `days_waiting`."""
    rows = list(selectors.acts_to_chase(actor, today)[:LIMIT])
    for act in rows:
        act.days_waiting = (today - act.sent_on).days  # type: ignore[attr-defined,operator]  # for the template; sent acts have sent_on
    return rows


def renewals_due(actor: User, today: datetime.date, horizon: int = RENEWAL_HORIZON_DAYS) -> list[RenewalDue]:
    """Live contracts whose end or notice deadline is within `horizon` days and whose current term has
    no recorded outcome yet; the nearest deadline first."""
    decided = Renewal.objects.filter(contract_id=OuterRef("pk"), term_end=OuterRef("end_date"))
    until = today + datetime.timedelta(days=horizon)
    # The notice deadline is at most a year before the end; the exact cut is made below.
    candidates = (
        contracts_visible_to(actor)
        .filter(status__in=LIVE_STATUSES, end_date__gte=today, terminated_on__isnull=True)
        .filter(end_date__lte=until + datetime.timedelta(days=_MAX_NOTICE_DAYS))
        .filter(~Exists(decided))
        .prefetch_related("amendments")
        .order_by("end_date", "pk")
    )
    rows = []
    for contract in candidates:
        end: datetime.date = contract.end_date  # type: ignore[assignment]  # renewals due have both dates
        deadline: datetime.date = contract.notice_deadline  # type: ignore[assignment]  # renewals due have both dates
        if end <= until or today <= deadline <= until:
            value = calc.value_on(contract, today)
            rows.append(RenewalDue(contract, value, end, (end - today).days, deadline, (deadline - today).days))
    rows.sort(key=lambda r: (r.next_deadline, r.contract.pk))
    return rows[:LIMIT]


def overdue_by_owner(actor: User, today: datetime.date) -> tuple[list[Amount], dict[int | None, list[Amount]]]:
    """Overdue receivables the actor sees: the total per currency, and per account owner (one query)."""
    per_owner: dict[int | None, dict[str, Decimal]] = {}
    total: dict[str, Decimal] = {}
    rows = (
        invoices_visible_to(actor)
        .overdue(on=today)
        .order_by()
        .values("account__owner_id", "currency")
        .annotate(billed=Sum("total"), paid=Sum("paid_amount"))
    )
    for row in rows:
        owner, currency, owed = row["account__owner_id"], row["currency"], row["billed"] - row["paid"]
        per_owner.setdefault(owner, {})[currency] = owed
        total[currency] = total.get(currency, Decimal("0")) + owed
    return amounts(total), {owner: amounts(by_currency) for owner, by_currency in per_owner.items()}


def _link(day: DayMoney) -> None:
    """Each row's page (`url`) and the sections' pages; reversing addresses runs no query."""
    for invoice in [*day.invoices_to_issue, *day.overdue_invoices]:
        invoice.url = money_url("invoice", invoice.pk)  # type: ignore[attr-defined]  # the link my day shows
    for contract in [*day.contracts_to_invoice, *(r.contract for r in day.renewals_due)]:
        contract.url = money_url("contract", contract.pk)  # type: ignore[attr-defined]  # the link my day shows
    for act in day.acts_to_chase:
        act.url = money_url("act", act.pk)  # type: ignore[attr-defined]  # the link my day shows
    day.links = {page: money_url(page) for page in ("invoices", "acts", "renewals", "receivables")}


def money_day_for(actor: User, today: datetime.date) -> DayMoney | None:
    """The money part of the actor's day; None for people who see no money or have no money work."""
    membership = membership_of(actor)
    if membership is None or not may_see_money(actor):
        return None
    if membership.role in ACCOUNT_SIDE:
        to_issue = selectors.invoices_to_issue(actor, today, limit=LIMIT)
        day = DayMoney(
            invoices_to_issue=to_issue["drafts"],
            contracts_to_invoice=to_issue["contracts"],
            overdue_invoices=overdue_invoices(actor, today),
            acts_to_chase=acts_to_chase(actor, today),
            renewals_due=renewals_due(actor, today),
        )
        day.overdue_total, _owners = overdue_by_owner(actor, today)
        _link(day)
        return day
    if membership.role in ORG_WIDE:
        day = DayMoney()
        day.overdue_total, day.overdue_by_owner = overdue_by_owner(actor, today)
        _link(day)
        return day
    return None


def billing_day(actor: User, bounds: DayBounds) -> Sections:
    return {"money": money_day_for(actor, bounds.today)}


# --- how /api/v1/me/day/ shows the money section ----------------------------------------------------


class DayInvoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    account = RefSerializer()
    issue_date = serializers.DateField()
    due_date = serializers.DateField()
    currency = serializers.CharField()
    total = serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True)
    open_amount = serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True)
    status = serializers.CharField()


class DayOverdueInvoiceSerializer(DayInvoiceSerializer):
    days_overdue = serializers.IntegerField()


class DayContractSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    account = RefSerializer()
    billing_model = serializers.CharField()
    value = serializers.DecimalField(
        max_digits=18, decimal_places=2, coerce_to_string=True, help_text=_("The value as signed.")
    )
    currency = serializers.CharField()
    end_date = serializers.DateField(allow_null=True)


class DayContractToInvoiceSerializer(DayContractSerializer):
    current_value = serializers.DecimalField(
        max_digits=18, decimal_places=2, coerce_to_string=True, help_text=_("A month's fee today, amendments applied.")
    )


class DayActSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    account = RefSerializer()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True)
    currency = serializers.CharField()
    sent_on = serializers.DateField()
    days_waiting = serializers.IntegerField(help_text=_("Days since it was sent."))


class DayRenewalSerializer(serializers.Serializer):
    contract = DayContractSerializer()
    value = serializers.DecimalField(
        max_digits=18, decimal_places=2, coerce_to_string=True, help_text=_("The value today, amendments applied.")
    )
    end = serializers.DateField(help_text=_("The end of the current term."))
    days_to_end = serializers.IntegerField()
    notice_deadline = serializers.DateField(help_text=_("The last day to give notice not to renew."))
    days_to_notice = serializers.IntegerField(help_text=_("Negative once the deadline has passed."))
    auto_renew = serializers.BooleanField(source="contract.auto_renew")


class DayMoneySerializer(serializers.Serializer):
    invoices_to_issue = DayInvoiceSerializer(many=True, help_text=_("Draft invoices, the earliest first."))
    contracts_to_invoice = DayContractToInvoiceSerializer(
        many=True, help_text=_("Active retainers with no invoice for the current month yet.")
    )
    overdue_invoices = DayOverdueInvoiceSerializer(many=True, help_text=_("Open invoices past due, oldest first."))
    acts_to_chase = DayActSerializer(many=True, help_text=_("Sent acts not signed within the chase period."))
    renewals_due = DayRenewalSerializer(
        many=True, help_text=_("Contracts whose end or notice deadline is within 30 days, with no outcome yet.")
    )
    overdue_total = AmountSerializer(many=True, help_text=_("Overdue receivables per currency."))


PROVIDER = DayProvider(
    name="billing",
    sections=billing_day,
    fields=(
        DayField(
            "money",
            70,
            lambda: None,
            lambda: DayMoneySerializer(
                allow_null=True,
                help_text=_(
                    "Money to see to: the lists for account managers and assistants, the overdue total for them and "
                    "for heads; null for people who see no money."
                ),
            ),
        ),
    ),
    parts=(DayPart("billing/day/_section.html", 70),),
)
