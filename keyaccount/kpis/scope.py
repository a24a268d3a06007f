"""Turn a KPI request (scope, period, currency) into a `Frame`, never wider than what the actor sees.

Scopes: "organization" (every account the actor sees), "team:<team id>" (the accounts owned by the
team's account managers; heads and admins only, since others do not see their colleagues' accounts and a
team figure from part of them would mislead), "am:<user id>" (the accounts that account manager owns;
org-wide roles may pick anyone in the organization, others only themselves), "account:<id>" (one visible
account). KPIs include money, so roles without "see_money" get PermissionDenied.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.core.money import Currency
from keyaccount.kpis.base import Frame, Period
from keyaccount.tenancy.permissions import ORG_WIDE, require

if TYPE_CHECKING:
    from collections.abc import Mapping

    from keyaccount.tenancy.models import User

DEFAULT_CURRENCY = Currency.RUB


def _date(params: Mapping[str, str], name: str, errors: dict[str, list[str]]) -> datetime.date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        errors[name] = [str(_("This field is required."))]
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        errors[name] = [str(_("Enter a date as YYYY-MM-DD."))]
        return None


def default_currency(organization_id: int) -> str:
    """The organization's most used contract currency; RUB when it has no contracts."""
    from keyaccount.billing.models import Contract

    top = (
        Contract.objects.filter(organization_id=organization_id)
        .values("currency")
        .annotate(n=Count("id"))
        .order_by("-n", "currency")
        .first()
    )
    return top["currency"] if top else DEFAULT_CURRENCY


def frame_from(actor: User, params: Mapping[str, str]) -> Frame:
    """The frame for `params`; ValidationError with a message per field when something is wrong."""
    membership = require(actor, "see_money")
    errors: dict[str, list[str]] = {}
    start = _date(params, "period_start", errors)
    end = _date(params, "period_end", errors)
    if start and end and end < start:
        errors["period_end"] = [str(_("The end of the period is before its start."))]

    currency = (params.get("currency") or "").strip().upper()
    if currency and currency not in Currency.values:
        errors["currency"] = [str(_("Unknown currency."))]

    visible = accounts_visible_to(actor)
    raw_scope = (params.get("scope") or "organization").strip()
    kind, _sep, ident = raw_scope.partition(":")
    user_id: int | None = None
    accounts = visible
    out_of_sight = str(_("No such scope among what you can see."))
    if kind == "organization" and not ident:
        pass
    elif kind == "am" and ident.isdigit():
        user_id = int(ident)
        from keyaccount.tenancy.models import Membership

        in_org = Membership.objects.filter(organization_id=membership.organization_id, user_id=user_id).exists()
        if not in_org or (membership.role not in ORG_WIDE and user_id != actor.pk):
            errors["scope"] = [out_of_sight]
        accounts = visible.filter(owner_id=user_id)
    elif kind == "team" and ident.isdigit():
        from keyaccount.tenancy.models import Team

        team_id = int(ident)
        in_org = Team.objects.filter(organization_id=membership.organization_id, pk=team_id).exists()
        if not in_org or membership.role not in ORG_WIDE:
            errors["scope"] = [out_of_sight]
        accounts = visible.filter(owner__membership__team_id=team_id)
    elif kind == "account" and ident.isdigit():
        accounts = visible.filter(pk=int(ident))
        if not accounts.exists():
            errors["scope"] = [out_of_sight]
    else:
        errors["scope"] = [str(_('Use "organization", "team:<team id>", "am:<user id>" or "account:<id>".'))]

    if errors:
        raise ValidationError(errors)
    assert start is not None and end is not None
    return Frame(
        actor=actor,
        accounts=accounts,
        period=Period(start=start, end=end),
        currency=currency or default_currency(membership.organization_id),
        user_id=user_id,
    )
