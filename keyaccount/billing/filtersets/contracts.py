"""Filters of contracts and amendments, shared by the pages and the API.

Related ids are limited to what the actor sees; in the API an id outside that scope matches nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.billing.models import Amendment, AmendmentKind, BillingModel, Contract, ContractStatus
from keyaccount.core.api import IdFilter
from keyaccount.core.money import Currency
from keyaccount.tenancy.selectors import team_candidates

if TYPE_CHECKING:
    from django.http import HttpRequest

    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.actors import Actor
    from keyaccount.tenancy.models import User


def _user(request: HttpRequest | None) -> Actor:
    return getattr(request, "user", None)


def _accounts(request: HttpRequest | None) -> QuerySet[Account]:
    return accounts_visible_to(_user(request))


def _colleagues(request: HttpRequest | None) -> QuerySet[User]:
    return team_candidates(_user(request))


class ContractFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=ContractStatus.choices, label=_("Status"))
    billing_model = django_filters.MultipleChoiceFilter(choices=BillingModel.choices, label=_("Billing model"))
    account = django_filters.ModelChoiceFilter(queryset=_accounts, label=_("Account"))
    manager = django_filters.ModelChoiceFilter(
        queryset=_colleagues, field_name="account__owner", label=_("Account manager")
    )
    currency = django_filters.ChoiceFilter(choices=Currency.choices, label=_("Currency"))
    auto_renew = django_filters.BooleanFilter(label=_("Renews automatically"))

    class Meta:
        model = Contract
        fields = ["q", "status", "billing_model", "account", "manager", "currency", "auto_renew"]

    def search(self, queryset: QuerySet[Contract], name: str, value: str) -> QuerySet[Contract]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value) | Q(title__icontains=value) | Q(account__name__icontains=value)
        )


class AmendmentFilterSet(django_filters.FilterSet):
    contract = IdFilter(field_name="contract_id", label=_("Contract"))
    kind = django_filters.ChoiceFilter(choices=AmendmentKind.choices, label=_("Kind"))

    class Meta:
        model = Amendment
        fields = ["contract", "kind"]
