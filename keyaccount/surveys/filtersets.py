"""Filters of surveys, shared by the surveys page and `GET /api/v1/surveys/`.

Related ids are limited to what the actor sees; in the API an id outside that scope matches nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.contacts.selectors import contacts_visible_to
from keyaccount.core import clock
from keyaccount.surveys.models import Survey, SurveyKind, SurveyStatus


def _accounts(request: Any) -> QuerySet[Any]:
    return accounts_visible_to(getattr(request, "user", None)).select_related(None).prefetch_related(None)


def _contacts(request: Any) -> QuerySet[Any]:
    return contacts_visible_to(getattr(request, "user", None)).select_related(None)


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the signed-in person's zone (the middleware activates it)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class SurveyFilterForm(forms.Form):
    """A period that ends before it starts is refused on `sent_to`, and neither of its days is used."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("sent_from"), cleaned.get("sent_to")
        if start is not None and end is not None and end < start:
            self.add_error("sent_to", _("“To” is before “From”: the period ends before it starts."))
            cleaned.pop("sent_from", None)
        return cleaned


class SurveyFilterSet(django_filters.FilterSet):
    account = django_filters.ModelChoiceFilter(queryset=_accounts, label=_("Account"))
    contact = django_filters.ModelChoiceFilter(queryset=_contacts, label=_("Contact"))
    kind = django_filters.ChoiceFilter(choices=SurveyKind.choices, label=_("Kind"))
    answered = django_filters.BooleanFilter(
        field_name="answered_at", lookup_expr="isnull", exclude=True, label=_("Answered")
    )
    status = django_filters.ChoiceFilter(choices=SurveyStatus.choices, method="with_status", label=_("Status"))
    sent_from = django_filters.DateFilter(method="sent_on_or_after", label=_("Sent from"))
    sent_to = django_filters.DateFilter(method="sent_on_or_before", label=_("Sent to"))

    class Meta:
        model = Survey
        form = SurveyFilterForm
        fields = ["account", "contact", "kind", "answered", "status", "sent_from", "sent_to"]

    def with_status(self, queryset: QuerySet[Survey], name: str, value: str) -> QuerySet[Survey]:
        now = clock.now()
        if value == SurveyStatus.ANSWERED:
            return queryset.filter(answered_at__isnull=False)
        if value == SurveyStatus.OPEN:
            return queryset.filter(answered_at__isnull=True, expires_at__gt=now)
        if value == SurveyStatus.EXPIRED:
            return queryset.filter(answered_at__isnull=True, expires_at__lte=now)
        return queryset

    def sent_on_or_after(self, queryset: QuerySet[Survey], name: str, value: datetime.date) -> QuerySet[Survey]:
        return queryset.filter(sent_at__gte=day_start(value))

    def sent_on_or_before(self, queryset: QuerySet[Survey], name: str, value: datetime.date) -> QuerySet[Survey]:
        return queryset.filter(sent_at__lt=day_start(value + datetime.timedelta(days=1)))
