"""The portfolio: the account manager's accounts, filtered, sorted and paged."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, OrderBy, QuerySet, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from keyaccount.accounts.filtersets import AccountFilterSet
from keyaccount.accounts.models import Account, AccountStatus, Tier
from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.core.web import checkbox_choices, vary_on_htmx, wants_partial
from keyaccount.tenancy.access import member_required
from keyaccount.tenancy.actors import AuthenticatedHttpRequest
from keyaccount.tenancy.models import Role
from keyaccount.tenancy.permissions import membership_of, role_of

PAGE_SIZE = 25
MINE_BY_DEFAULT = {Role.ACCOUNT_MANAGER, Role.ASSISTANT}

_STATUS_RANK = Case(*(When(status=s, then=Value(i)) for i, s in enumerate(AccountStatus)), output_field=IntegerField())
_TIER_RANK = Case(*(When(tier=t, then=Value(i)) for i, t in enumerate(Tier)), output_field=IntegerField())
# ?ordering=<key> or -<key>; the name breaks ties so pages never shuffle.
SORTS: dict[str, list[str]] = {
    "name": ["name"],
    "status": ["status_rank", "name"],
    "tier": ["tier_rank", "name"],
    "owner": ["owner__name", "owner__email", "name"],
    "updated": ["updated_at", "name"],
    # Accounts never scored sort last both ways, like accounts without an owner.
    "health": ["health__score", "name"],
}


def sort_accounts(qs: QuerySet[Account], ordering: str) -> tuple[QuerySet[Account], str]:
    key = ordering.lstrip("-")
    if key not in SORTS:
        ordering, key = "name", "name"
    descending = ordering.startswith("-")
    # Accounts without an owner sort last both ways, the same on SQLite and PostgreSQL.
    first = F(SORTS[key][0])
    fields: list[OrderBy | str] = [
        first.desc(nulls_last=True) if descending else first.asc(nulls_last=True),
        *SORTS[key][1:],
    ]
    return qs.annotate(status_rank=_STATUS_RANK, tier_rank=_TIER_RANK).order_by(*fields, "pk"), ordering


# --- portfolio --------------------------------------------------------------------------------------


@member_required
def portfolio(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The account manager's accounts (everyone's for heads), filtered, sorted and paged.

    An htmx request (the filter form, a sort link, a page link) gets only the table.
    """
    actor = request.user
    membership = membership_of(actor)
    if membership is not None and membership.role == Role.CLIENT:
        # A client representative has one account: their portfolio is that account's page.
        return redirect("accounts:detail", membership.client_account_id)
    data = request.GET.copy()
    if "mine" not in data and role_of(actor) in MINE_BY_DEFAULT:
        data["mine"] = "true"
    filterset = AccountFilterSet(data, queryset=accounts_visible_to(actor), request=request)
    accounts, ordering = sort_accounts(filterset.qs.select_related("health"), request.GET.get("ordering", "name"))
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "filter": filterset,
        "page": page,
        "ordering": ordering,
        "mine": data.get("mine") in ("true", "1", "True", "on"),
        "columns": [
            ("name", pgettext_lazy("thing", "Name")),
            ("status", _("Status")),
            ("tier", _("Tier")),
            ("owner", _("Account manager")),
            ("health", _("Health")),
            ("updated", _("Updated")),
        ],
    }
    if wants_partial(request):
        return vary_on_htmx(render(request, "accounts/_portfolio_table.html", context))
    checkbox_choices(filterset.form, "status", "tier", "health")
    filterset.form.fields["owner"].empty_label = _("Anyone")
    filterset.form.fields["tag"].empty_label = _("Any tag")
    return vary_on_htmx(render(request, "accounts/portfolio.html", context))
