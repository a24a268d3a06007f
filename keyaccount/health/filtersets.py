"""Filters of the health lists, shared by the pages and the API. Related ids are limited to what the
actor sees; in the API an id outside that scope matches nothing."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.health.base import Band
from keyaccount.health.models import HealthScore, ManualAssessment
from keyaccount.tenancy.selectors import owner_candidates


def _user(request):
    return getattr(request, "user", None)


def _accounts(request):
    return accounts_visible_to(_user(request))


def _owners(request):
    return owner_candidates(_user(request))


class HealthScoreFilterSet(django_filters.FilterSet):
    band = django_filters.MultipleChoiceFilter(choices=Band.choices, label=_("Band"))
    owner = django_filters.ModelChoiceFilter(field_name="account__owner", queryset=_owners, label=_("Account manager"))
    account = django_filters.ModelChoiceFilter(queryset=_accounts, label=_("Account"))

    class Meta:
        model = HealthScore
        fields = ["band", "owner", "account"]


class AssessmentFilterSet(django_filters.FilterSet):
    account = django_filters.ModelChoiceFilter(queryset=_accounts, label=_("Account"))

    class Meta:
        model = ManualAssessment
        fields = ["account"]
