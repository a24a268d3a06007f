"""Filters of the invoice list, shared by the page, the API and the exports.

Related ids are limited to what the actor sees; in the API an id outside that scope matches nothing.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.billing.models import Invoice, InvoiceLine, InvoiceStatus, open_invoice_q, overdue_invoice_q
from keyaccount.billing.selectors import contracts_visible_to
from keyaccount.core import clock
from keyaccount.core.money import Currency

if TYPE_CHECKING:
    from django.http import HttpRequest

    from keyaccount.accounts.models import Account
    from keyaccount.billing.models import Contract
    from keyaccount.tenancy.actors import Actor


def _user(request: HttpRequest | None) -> Actor:
    return getattr(request, "user", None)


def _accounts(request: HttpRequest | None) -> QuerySet[Account]:
    return accounts_visible_to(_user(request)).select_related(None).prefetch_related(None).only("pk", "name")


def _contracts(request: HttpRequest | None) -> QuerySet[Contract]:
    return contracts_visible_to(_user(request)).select_related(None).only("pk", "number")


def overdue_q(today: datetime.date) -> Q:
    """Issued (or partly paid) invoices whose due date has passed: the client is late (`Invoice.is_overdue`)."""
    return overdue_invoice_q(on=today)


class InvoiceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    account = django_filters.ModelChoiceFilter(queryset=_accounts, label=_("Account"))
    contract = django_filters.ModelChoiceFilter(queryset=_contracts, label=_("Contract"))
    status = django_filters.MultipleChoiceFilter(choices=InvoiceStatus.choices, label=_("Status"))
    currency = django_filters.ChoiceFilter(choices=Currency.choices, label=_("Currency"))
    issue_date_from = django_filters.DateFilter(field_name="issue_date", lookup_expr="gte", label=_("Issued from"))
    issue_date_to = django_filters.DateFilter(field_name="issue_date", lookup_expr="lte", label=_("Issued to"))
    open = django_filters.BooleanFilter(method="only_open", label=_("Unpaid"))
    overdue = django_filters.BooleanFilter(method="only_overdue", label=_("Overdue"))

    class Meta:
        model = Invoice
        fields = [
            "q",
            "account",
            "contract",
            "status",
            "currency",
            "issue_date_from",
            "issue_date_to",
            "open",
            "overdue",
        ]

    def search(self, queryset: QuerySet[Invoice], name: str, value: str) -> QuerySet[Invoice]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(account__name__icontains=value)
            | Q(Exists(InvoiceLine.objects.filter(invoice=OuterRef("pk"), description__icontains=value)))
        )

    def only_open(self, queryset: QuerySet[Invoice], name: str, value: bool | None) -> QuerySet[Invoice]:
        """Invoices the client still owes on (issued or partly paid)."""
        if value is None:
            return queryset
        q = open_invoice_q()
        return queryset.filter(q) if value else queryset.exclude(q)

    def only_overdue(self, queryset: QuerySet[Invoice], name: str, value: bool | None) -> QuerySet[Invoice]:
        if value is None:
            return queryset
        late = overdue_q(clock.today_for(_user(self.request)))
        return queryset.filter(late) if value else queryset.exclude(late)
