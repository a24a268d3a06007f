"""What the account-side API modules share: the account as a scoped foreign key, the `?account=` filter,
the 409 answer."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse

from keyaccount.accounts.models import Account
from keyaccount.accounts.selectors import accounts_visible_to
from keyaccount.core.api import IdFilter, Scope

ACCOUNT_SCOPE: Scope = {"model": Account, "scope": accounts_visible_to}
CONFLICT = OpenApiResponse(description="Someone else saved the record first (stale `version`); nothing changed.")


class AccountRecordFilterSet(django_filters.FilterSet):
    """`?account=<id>`: the records of one account (an id the user cannot see matches nothing)."""

    account = IdFilter(field_name="account_id", label=_("Account"))
