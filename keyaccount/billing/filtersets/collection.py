"""Filters of acts and of the receivables list, shared by the pages and the API.

Related ids are limited to what the actor sees; in the API an id outside that scope matches nothing.
The receivables filters work on the invoices the receivables are computed from.
"""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.billing.models import Act, Invoice
from keyaccount.billing.selectors import contracts_visible_to, settings_read
from keyaccount.core import clock
from keyaccount.core.money import Currency
from keyaccount.tenancy.permissions import membership_of
from keyaccount.tenancy.selectors import owner_candidates


def _user(request):
    return getattr(request, "user", None)


def _accounts(request):
    return accounts_visible_to(_user(request))


def _contracts(request):
    return contracts_visible_to(_user(request))


def _owners(request):
    return owner_candidates(_user(request))


class ActFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    account = django_filters.ModelChoiceFilter(queryset=_accounts, label=_("Account"))
    contract = django_filters.ModelChoiceFilter(queryset=_contracts, label=_("Contract"))
    currency = django_filters.ChoiceFilter(choices=Currency.choices, label=_("Currency"))
    state = django_filters.ChoiceFilter(
        method="in_state",
        choices=[("draft", _("Not sent")), ("sent", _("Sent, not signed")), ("signed", _("Signed"))],
        label=_("State"),
    )
    needs_chasing = django_filters.BooleanFilter(method="to_chase", label=_("To chase"))
    period_from = django_filters.DateFilter(field_name="period_end", lookup_expr="gte", label=_("Period from"))
    period_to = django_filters.DateFilter(field_name="period_start", lookup_expr="lte", label=_("Period to"))

    class Meta:
        model = Act
        fields = ["q", "account", "contract", "currency", "state", "needs_chasing", "period_from", "period_to"]

    def search(self, queryset: QuerySet[Act], name: str, value: str) -> QuerySet[Act]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(note__icontains=value))

    def in_state(self, queryset: QuerySet[Act], name: str, value: str) -> QuerySet[Act]:
        if value == "draft":
            return queryset.filter(sent_on__isnull=True, signed_on__isnull=True)
        if value == "sent":
            return queryset.filter(sent_on__isnull=False, signed_on__isnull=True)
        if value == "signed":
            return queryset.filter(signed_on__isnull=False)
        return queryset

    def to_chase(self, queryset: QuerySet[Act], name: str, value: bool | None) -> QuerySet[Act]:
        """Sent at least the organization's `act_chase_days` ago and still unsigned."""
        if value is None:
            return queryset
        membership = membership_of(_user(self.request))
        if membership is None:
            return queryset.none()
        days = settings_read(membership.organization_id).act_chase_days
        late = Q(
            signed_on__isnull=True,
            sent_on__lte=clock.organization_today(membership.organization) - datetime.timedelta(days=days),
        )
        return queryset.filter(late) if value else queryset.exclude(late)


class ReceivableFilterSet(django_filters.FilterSet):
    """Narrows the invoices the receivables list is computed from; `as_of` is the day looked at."""

    as_of = django_filters.DateFilter(method="keep", label=_("As of"))
    account = django_filters.ModelChoiceFilter(queryset=_accounts, label=_("Account"))
    owner = django_filters.ModelChoiceFilter(field_name="account__owner", queryset=_owners, label=_("Account manager"))
    currency = django_filters.ChoiceFilter(choices=Currency.choices, label=_("Currency"))

    class Meta:
        model = Invoice
        fields = ["as_of", "account", "owner", "currency"]

    def keep(self, queryset: QuerySet[Invoice], name: str, value: datetime.date | None) -> QuerySet[Invoice]:
        """`as_of` chooses the day, it does not filter invoices (read it from `form.cleaned_data`)."""
        return queryset

    def as_of_day(self) -> datetime.date:
        """The day chosen, today when none (call after `is_valid`)."""
        return self.form.cleaned_data.get("as_of") or clock.today_for(_user(self.request))
