"""Filters of payments, shared by the payments page and `GET /api/v1/payments/`.

Related ids are limited to what the actor sees; in the API an id outside that scope matches nothing.
"""

from __future__ import annotations

import django_filters
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.billing.models import Payment
from keyaccount.core.api import IdFilter
from keyaccount.core.money import Currency


def _accounts(request):
    return accounts_visible_to(getattr(request, "user", None))


class PaymentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    account = django_filters.ModelChoiceFilter(queryset=_accounts, label=_("Account"))
    currency = django_filters.ChoiceFilter(choices=Currency.choices, label=_("Currency"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))
    invoice = IdFilter(method="for_invoice", label=_("Invoice"))
    has_credit = django_filters.BooleanFilter(method="with_credit", label=_("With credit left"))

    class Meta:
        model = Payment
        fields = ["q", "account", "currency", "date_from", "date_to", "invoice", "has_credit"]

    def search(self, queryset: QuerySet[Payment], name: str, value: str) -> QuerySet[Payment]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(note__icontains=value))

    def for_invoice(self, queryset: QuerySet[Payment], name: str, value: int) -> QuerySet[Payment]:
        return queryset.filter(allocations__invoice_id=value).distinct()

    def with_credit(self, queryset: QuerySet[Payment], name: str, value: bool | None) -> QuerySet[Payment]:
        if value is None:
            return queryset
        if value:
            return queryset.filter(allocated_amount__lt=F("amount"))
        return queryset.filter(allocated_amount=F("amount"))
