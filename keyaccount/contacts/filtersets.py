"""Contact filters, shared by the contact pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.contacts.models import Attitude, Contact, DecisionRole


def _accounts(request):
    return accounts_visible_to(getattr(request, "user", None))


class ContactFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    account = django_filters.ModelChoiceFilter(queryset=_accounts, method="on_account", label=_("Account"))
    decision_role = django_filters.MultipleChoiceFilter(choices=DecisionRole.choices, label=_("Decision role"))
    attitude = django_filters.MultipleChoiceFilter(choices=Attitude.choices, label=_("Attitude"))
    has_left = django_filters.BooleanFilter(
        field_name="left_on", lookup_expr="isnull", exclude=True, label=_("Left the company")
    )

    class Meta:
        model = Contact
        fields = ["q", "account", "decision_role", "attitude", "has_left"]

    def search(self, queryset: QuerySet[Contact], name: str, value: str) -> QuerySet[Contact]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(email__icontains=value) | Q(title__icontains=value))

    def on_account(self, queryset: QuerySet[Contact], name: str, value: object) -> QuerySet[Contact]:
        """Contacts who work at the account or have a role on it."""
        if value is None:
            return queryset
        return queryset.filter(Q(account=value) | Q(other_roles__account=value)).distinct()
