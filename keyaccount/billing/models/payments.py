"""Payments received from the client and their allocations to the account's invoices."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from keyaccount.billing.models.base import ZERO
from keyaccount.billing.models.invoices import Invoice
from keyaccount.core.models import TenantModel
from keyaccount.core.money import Currency, money_field


class Payment(TenantModel):
    """Money received from the client; allocated to its invoices, the rest stays as the account's credit."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="payments", verbose_name=_("account")
    )
    date = models.DateField(_("date"))
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.RUB)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    allocated_amount = money_field(_("allocated"), default=ZERO)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("The amount must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(allocated_amount__gte=0) & Q(allocated_amount__lte=F("amount")),
                name="payment_allocated_within_amount",
                violation_error_message=_("A payment cannot be allocated more than its amount."),
            ),
        ]
        indexes = [models.Index(fields=["account", "date"], name="payment_account_date")]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.amount} {self.currency}"

    @property
    def unallocated(self) -> Decimal:
        """The part of the payment not yet put against an invoice: the account's credit."""
        return self.amount - self.allocated_amount


class PaymentAllocation(TenantModel):
    """A part of a payment put against one invoice of the same account and currency."""

    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("payment")
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("invoice")
    )
    amount = money_field(_("amount"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "invoice"], name="allocation_once_per_invoice"),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="allocation_amount_positive",
                violation_error_message=_("The amount must be greater than zero."),
            ),
        ]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")

    def __str__(self) -> str:
        return f"{self.payment} → {self.invoice}: {self.amount}"
