"""What every invoice page shares: money as people read it, an invoice as a row, who may see and bill."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from keyaccount.accounts.selectors import accounts_editable_by
from keyaccount.billing import selectors
from keyaccount.billing.models import Invoice
from keyaccount.core.money import format_money
from keyaccount.tenancy.permissions import can

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User


def money(amount: Decimal | None, currency: str) -> str:
    """An amount in the user's language with its currency's decimals: "1,155.00 RUB", "1 155,00 RUB"."""
    return format_money(amount, currency)


@dataclass
class InvoiceRow:
    """An invoice as a list or the export shows it."""

    invoice: Invoice
    today: datetime.date

    @property
    def total(self) -> str:
        return money(self.invoice.total, self.invoice.currency)

    @property
    def open(self) -> str:
        return money(self.invoice.open_amount, self.invoice.currency) if self.invoice.open_amount else "—"

    @property
    def days_overdue(self) -> int:
        return self.invoice.days_overdue(on=self.today)


def require_money(actor: User) -> None:
    if not can(actor, "see_money"):
        raise PermissionDenied(_("Your role does not show money."))


def may_manage(actor: User, account_id: int) -> bool:
    """Whether the actor may bill this account (one query; none when the role never may)."""
    if not can(actor, "manage_money"):
        return False
    return accounts_editable_by(actor, "manage_money").filter(pk=account_id).exists()


def managed_invoice(actor: User, pk: int) -> Invoice:
    invoice = selectors.invoice_get_for(actor, pk)
    if not may_manage(actor, invoice.account_id):
        raise PermissionDenied(_("You cannot change this account's money."))
    return invoice


def invoice_url(invoice: Invoice | int) -> str:
    return reverse("billing:invoice_detail", args=[getattr(invoice, "pk", invoice)])
