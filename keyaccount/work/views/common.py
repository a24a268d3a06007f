"""Shared pieces of the work pages: who may change what, and the sorting of lists."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import F, Model, OrderBy, QuerySet
from django.utils.translation import gettext as _

from keyaccount.accounts.selectors import account_get_for, accounts_editable_by
from keyaccount.tenancy.permissions import can

if TYPE_CHECKING:
    from keyaccount.accounts.models import Account
    from keyaccount.tenancy.models import User

PAGE_SIZE = 25


def require_capability(actor: User, capability: str) -> None:
    if not can(actor, capability):
        raise PermissionDenied(_("Your role does not allow this."))


def writable_account(actor: User, pk: int | str, capability: str) -> Account:
    """The account if visible (else 404) and its work changeable by the actor under `capability` (else 403)."""
    account = account_get_for(actor, pk)
    if not may_change(actor, account.pk, capability):
        raise PermissionDenied(_("You cannot change this account's work."))
    return account


def may_change(actor: User, account_id: int, capability: str) -> bool:
    """Whether the actor may change this account's records under `capability` (one query, none when the role can't)."""
    if not can(actor, capability):
        return False
    return accounts_editable_by(actor, capability).filter(pk=account_id).exists()


M = TypeVar("M", bound=Model)


def sort(qs: QuerySet[M], sorts: dict[str, list[str]], ordering: str, default: str) -> tuple[QuerySet[M], str]:
    """Order by `?ordering=<key>` or `-<key>` (else `default`); empty values sort last both ways."""
    key = ordering.lstrip("-")
    if key not in sorts:
        ordering, key = default, default
    descending = ordering.startswith("-")
    fields: list[OrderBy | str] = []
    for i, name in enumerate(sorts[key]):
        expression = F(name.lstrip("-"))
        down = name.startswith("-") != (descending and i == 0)
        fields.append(expression.desc(nulls_last=True) if down else expression.asc(nulls_last=True))
    return qs.order_by(*fields, "pk"), ordering
