"""One FilterSet per model serves the portfolio page and the API alike."""

from __future__ import annotations

import django_filters
from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.models import Account, AccountStatus, AccountTeamMember, Tier
from keyaccount.accounts.selectors import tags_of
from keyaccount.tenancy.permissions import can
from keyaccount.tenancy.selectors import owner_candidates


def _owners(request):
    return owner_candidates(getattr(request, "user", None))


def _tags(request):
    return tags_of(getattr(request, "user", None))


# The band of an account never scored (health.Band.UNKNOWN).
UNKNOWN_BAND = "unknown"


def _health_bands() -> list[tuple[str, str]]:
    """The health bands, read from the health app's table (the portfolio sits below the health app)."""
    return list(apps.get_model("health", "HealthScore", require_ready=False)._meta.get_field("band").choices or [])


class AccountFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=AccountStatus.choices, label=_("Status"))
    tier = django_filters.MultipleChoiceFilter(choices=Tier.choices, label=_("Tier"))
    owner = django_filters.ModelChoiceFilter(queryset=_owners, label=_("Account manager"))
    tag = django_filters.ModelChoiceFilter(field_name="tags", queryset=_tags, label=_("Tag"))
    mine = django_filters.BooleanFilter(method="only_mine", label=_("Only my accounts"))
    health = django_filters.MultipleChoiceFilter(
        choices=_health_bands(),
        method="by_health",
        label=_("Health"),
        help_text=_("Ignored for roles that do not see health."),
    )

    class Meta:
        model = Account
        fields = ["q", "status", "tier", "owner", "tag", "mine", "health"]

    def search(self, queryset: QuerySet[Account], name: str, value: str) -> QuerySet[Account]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(legal_name__icontains=value) | Q(industry__icontains=value))

    def by_health(self, queryset: QuerySet[Account], name: str, value: list[str]) -> QuerySet[Account]:
        """Accounts whose current health band is one of `value`; "unknown" includes accounts never scored.
        Roles that do not see health get the queryset unchanged, so the filter tells them nothing."""
        if not value or not can(getattr(self.request, "user", None), "see_health"):
            return queryset
        wanted = Q(health__band__in=value)
        if UNKNOWN_BAND in value:
            wanted |= Q(health__isnull=True)
        return queryset.filter(wanted)

    def only_mine(self, queryset: QuerySet[Account], name: str, value: bool | None) -> QuerySet[Account]:
        """Accounts where the signed-in user is on the team (the AM's portfolio)."""
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        mine = AccountTeamMember.objects.filter(user_id=getattr(user, "pk", None)).values("account_id")  # type: ignore[misc]  # no user: no row
        return queryset.filter(pk__in=mine)
