"""Interaction and due-contact filters, shared by the communications pages and the API."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.comms.models import Direction, Feedback, Interaction, InteractionKind, InteractionState
from keyaccount.contacts.models import Contact
from keyaccount.contacts.selectors import contacts_visible_to


def _accounts(request: Any) -> QuerySet[Any]:
    return accounts_visible_to(getattr(request, "user", None)).select_related(None).prefetch_related(None)


def _contacts(request: Any) -> QuerySet[Contact]:
    return contacts_visible_to(getattr(request, "user", None)).select_related(None)


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the signed-in person's zone (the middleware activates it)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class InteractionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    account = django_filters.ModelChoiceFilter(queryset=_accounts, label=_("Account"))
    contact = django_filters.ModelChoiceFilter(
        queryset=_contacts, field_name="contacts", distinct=True, label=_("Contact")
    )
    kind = django_filters.MultipleChoiceFilter(choices=InteractionKind.choices, label=_("Kind"))
    state = django_filters.MultipleChoiceFilter(choices=InteractionState.choices, label=_("State"))
    direction = django_filters.MultipleChoiceFilter(choices=Direction.choices, label=_("Direction"))
    feedback = django_filters.MultipleChoiceFilter(choices=Feedback.choices, label=_("Client feedback"))
    date_from = django_filters.DateFilter(
        method="on_or_after", label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        method="on_or_before", label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    mine = django_filters.BooleanFilter(method="only_mine", label=_("Only mine"))

    class Meta:
        model = Interaction
        fields = ["q", "account", "contact", "kind", "state", "direction", "feedback", "date_from", "date_to", "mine"]

    def search(self, queryset: QuerySet[Interaction], name: str, value: str) -> QuerySet[Interaction]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(subject__icontains=value) | Q(summary__icontains=value) | Q(next_step__icontains=value)
        )

    def on_or_after(self, queryset: QuerySet[Interaction], name: str, value: datetime.date) -> QuerySet[Interaction]:
        """From the start of that day in the person's own time zone."""
        return queryset.filter(occurred_at__gte=_day_start(value)) if value else queryset

    def on_or_before(self, queryset: QuerySet[Interaction], name: str, value: datetime.date) -> QuerySet[Interaction]:
        """Up to the end of that day in the person's own time zone."""
        if not value:
            return queryset
        return queryset.filter(occurred_at__lt=_day_start(value + datetime.timedelta(days=1)))

    def only_mine(self, queryset: QuerySet[Interaction], name: str, value: bool | None) -> QuerySet[Interaction]:
        """Interactions the signed-in person logged or took part in."""
        if not value:
            return queryset
        user_id = getattr(getattr(self.request, "user", None), "pk", None)
        mine = Interaction.objects.filter(Q(logged_by_id=user_id) | Q(users__id=user_id)).values("pk")
        return queryset.filter(pk__in=mine)


class DueContactFilterSet(django_filters.FilterSet):
    account = django_filters.ModelChoiceFilter(queryset=_accounts, method="on_account", label=_("Account"))

    class Meta:
        model = Contact
        fields = ["account"]

    def on_account(self, queryset: QuerySet[Contact], name: str, value: object) -> QuerySet[Contact]:
        """People who work at the account or have a role on it."""
        if value is None:
            return queryset
        return queryset.filter(Q(account=value) | Q(other_roles__account=value))
