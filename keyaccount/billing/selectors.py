"""Reads of the money side, always through the actor's scope (`keyaccount.core.permissions`).

Money is seen by the roles with `see_money`, on the accounts they see; specialists and clients
see none of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from keyaccount.billing.models import (
    Act,
    Amendment,
    BillingSettings,
    Contract,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    Renewal,
)
from keyaccount.core.permissions import NOTHING, can, visible_accounts_q

if TYPE_CHECKING:
    from keyaccount.tenancy.models import Organization, User


def _money_q(actor: User | None, prefix: str = "") -> Q:
    """Rows on accounts the actor sees, when their role sees money; `prefix` reaches the row's account
    through a relation (an amendment's contract, a line's invoice…)."""
    if not can(actor, "see_money"):
        return NOTHING
    return visible_accounts_q(actor, f"{prefix}account__")


def contracts_visible_to(actor: User | None) -> QuerySet[Contract]:
    return Contract.objects.filter(_money_q(actor)).select_related("account")


def amendments_visible_to(actor: User | None) -> QuerySet[Amendment]:
    return Amendment.objects.filter(_money_q(actor, "contract__")).select_related("contract", "contract__account")


def renewals_visible_to(actor: User | None) -> QuerySet[Renewal]:
    return Renewal.objects.filter(_money_q(actor, "contract__")).select_related("contract", "contract__account")


def acts_visible_to(actor: User | None) -> QuerySet[Act]:
    return Act.objects.filter(_money_q(actor)).select_related("account", "contract")


def invoices_visible_to(actor: User | None) -> QuerySet[Invoice]:
    return Invoice.objects.filter(_money_q(actor)).select_related("account", "contract")


def invoice_lines_visible_to(actor: User | None) -> QuerySet[InvoiceLine]:
    return InvoiceLine.objects.filter(_money_q(actor, "invoice__"))


def payments_visible_to(actor: User | None) -> QuerySet[Payment]:
    return Payment.objects.filter(_money_q(actor)).select_related("account")


def allocations_visible_to(actor: User | None) -> QuerySet[PaymentAllocation]:
    return PaymentAllocation.objects.filter(_money_q(actor, "payment__")).select_related("invoice", "payment")


def settings_of(organization: Organization) -> BillingSettings:
    """The organization's billing settings, created with the defaults the first time they are needed."""
    settings, _created = BillingSettings.objects.get_or_create(organization=organization)
    return settings


def may_see_money(actor: User | None) -> bool:
    return can(actor, "see_money")
