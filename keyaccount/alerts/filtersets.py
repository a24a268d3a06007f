"""Filters of alerts, shared by the alerts page and `GET /api/v1/health-alerts/`.

Related ids are limited to what the actor sees; in the API an id outside that scope matches nothing.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.alerts.models import Alert, AlertOutcome, AlertRule, AlertStatus
from keyaccount.health.base import Band
from keyaccount.tenancy.models import Role, User
from keyaccount.tenancy.permissions import membership_of


def _accounts(request):
    return accounts_visible_to(getattr(request, "user", None)).order_by("name")


def _owners(request):
    """Account managers of the actor's organization (heads and admins may own accounts too)."""
    membership = membership_of(getattr(request, "user", None))
    if membership is None:
        return User.objects.none()
    return User.objects.filter(
        membership__organization_id=membership.organization_id,
        membership__role__in=[Role.ACCOUNT_MANAGER, Role.HEAD, Role.ADMIN],
    ).order_by("name", "email")


class AlertFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AlertStatus.choices, label=_("Status"))
    rule = django_filters.ChoiceFilter(choices=AlertRule.choices, label=_("Rule"))
    owner = django_filters.ModelChoiceFilter(queryset=_owners, field_name="account__owner", label=_("Account manager"))
    account = django_filters.ModelChoiceFilter(queryset=_accounts, label=_("Account"))
    band = django_filters.ChoiceFilter(choices=Band.choices, label=_("Band when raised"))
    outcome = django_filters.ChoiceFilter(choices=AlertOutcome.choices, label=_("Outcome"))

    class Meta:
        model = Alert
        fields = ["status", "rule", "owner", "account", "band", "outcome"]
