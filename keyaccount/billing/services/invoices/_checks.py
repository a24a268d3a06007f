"""What every write to an invoice checks first: the actor's right on the account's money, and the invoice
re-read under a lock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from keyaccount.billing.models import Invoice
from keyaccount.tenancy.permissions import require_on_account

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


def check_account(actor: User, account_id: int) -> None:
    require_on_account(actor, account_id, "manage_money", message=_("You cannot change this account's money."))


def lock(invoice: Invoice) -> Invoice:
    """The invoice re-read under a row lock: concurrent writes to one invoice queue up behind each other."""
    return Invoice.objects.select_for_update(of=("self",)).select_related("account", "contract").get(pk=invoice.pk)
