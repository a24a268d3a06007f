"""Invoices and their lines, and the invoice's domain words: open, overdue, billed, days past due."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from keyaccount.billing.models.base import ZERO, rate_field
from keyaccount.billing.models.contracts import Contract
from keyaccount.core.models import TenantModel, VersionedModel
from keyaccount.core.money import Currency, money_field


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")


# Invoices the client owes money on: the ones a payment can be put against.
OPEN_INVOICE_STATUSES = [InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID]
# Invoices that were sent to the client and not cancelled: what was billed.
BILLED_INVOICE_STATUSES = [InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.PAID]


# --- the invoice's domain words, defined once ------------------------------------------------------
# Pages, the API, exports, My day, the health measures and the dunning job all ask these; nothing else
# spells out what "open" or "overdue" means. An invoice is *overdue on D* when it is open and its due
# date is before D (strictly: on its due date it is not late yet); its *days overdue on D* are D − due
# date in whole days, 0 when it is not overdue.


def days_past_due(due_date: datetime.date, on: datetime.date) -> int:
    """Whole days from a due date to `on`: positive when late, 0 on the due date, negative before it."""
    return (on - due_date).days


def open_invoice_q() -> Q:
    """Issued or partially paid: the client still owes on it."""
    return Q(status__in=OPEN_INVOICE_STATUSES)


def overdue_invoice_q(*, on: datetime.date) -> Q:
    """Open and due before `on`. For filters and `Sum(..., filter=...)`; querysets say `.overdue(on=...)`."""
    return open_invoice_q() & Q(due_date__lt=on)


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    """`Invoice.objects` and every related manager of invoices speak these words."""

    def open(self) -> InvoiceQuerySet:
        """Invoices the client still owes on (issued or partially paid): where a payment can go."""
        return self.filter(open_invoice_q())

    def overdue(self, *, on: datetime.date) -> InvoiceQuerySet:
        """Open invoices whose due date is before `on`."""
        return self.filter(overdue_invoice_q(on=on))

    def not_overdue(self, *, on: datetime.date) -> InvoiceQuerySet:
        """Everything `overdue(on=...)` leaves out: paid, void, drafts, and open ones not yet late."""
        return self.exclude(overdue_invoice_q(on=on))

    def drafts(self) -> InvoiceQuerySet:
        """Not issued yet: they can still be changed, issued or deleted."""
        return self.filter(status=InvoiceStatus.DRAFT)

    def billed(self) -> InvoiceQuerySet:
        """Sent to the client and not voided (issued, partially paid or paid), as it stands today."""
        return self.filter(status__in=BILLED_INVOICE_STATUSES)


class Invoice(TenantModel, VersionedModel):
    """A bill to the client. Only a draft changes; an issued invoice is voided and reissued instead."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("account")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices", verbose_name=_("contract")
    )
    number = models.CharField(_("number"), max_length=50)
    issue_date = models.DateField(_("issue date"))
    due_date = models.DateField(_("due date"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.RUB)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    subtotal = money_field(_("subtotal"), default=ZERO)
    tax_total = money_field(_("tax"), default=ZERO)
    total = money_field(_("total"), default=ZERO)
    paid_amount = money_field(_("paid"), default=ZERO)
    paid_on = models.DateField(_("paid in full on"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    voided_on = models.DateField(_("voided on"), null=True, blank=True)
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="invoice_unique_number"),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("issue_date")),
                name="invoice_due_after_issue",
                violation_error_message=_("The due date cannot be before the issue date."),
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=F("total")),
                name="invoice_paid_within_total",
                violation_error_message=_("An invoice cannot be paid more than its total."),
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "due_date"], name="invoice_org_status_due"),
            models.Index(fields=["account", "issue_date"], name="invoice_account_issue"),
        ]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self) -> str:
        return self.number

    @property
    def open_amount(self) -> Decimal:
        """What the client still owes on it (nothing for a draft or a voided invoice)."""
        if not self.is_open:
            return ZERO
        return self.total - self.paid_amount

    @property
    def is_draft(self) -> bool:
        """Not issued yet: the only state in which an invoice is edited or issued."""
        return self.status == InvoiceStatus.DRAFT

    @property
    def is_deletable(self) -> bool:
        """A draft made by mistake may be deleted; an issued invoice stays on record and is voided instead."""
        return self.is_draft

    @property
    def is_void(self) -> bool:
        return self.status == InvoiceStatus.VOID

    @property
    def is_open(self) -> bool:
        """Issued or partially paid: the client still owes on it."""
        return self.status in OPEN_INVOICE_STATUSES

    @property
    def is_payable(self) -> bool:
        """A payment may be recorded against it: the same invoices as `is_open`."""
        return self.is_open

    def is_overdue(self, *, on: datetime.date) -> bool:
        """Open and due before `on` (on its due date it is not late yet)."""
        return self.is_open and self.due_date < on

    def days_overdue(self, *, on: datetime.date) -> int:
        """Whole days past the due date on `on` while the client still owes on it; 0 when not overdue."""
        return days_past_due(self.due_date, on) if self.is_overdue(on=on) else 0


class InvoiceLine(TenantModel):
    """One line of an invoice; its net, tax and total are computed by the services, rounded per line."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice"))
    position = models.PositiveSmallIntegerField(_("position"), default=0, validators=[MaxValueValidator(32767)])
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))]
    )
    unit_price = money_field(_("unit price"), validators=[MinValueValidator(Decimal("0.01"))])
    tax_rate = rate_field(_("tax rate"))
    net = money_field(_("net"), default=ZERO)
    tax = money_field(_("tax"), default=ZERO)
    total = money_field(_("total"), default=ZERO)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")

    def __str__(self) -> str:
        return self.description
