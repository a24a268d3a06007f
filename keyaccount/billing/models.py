"""The money side of an account: contracts and their amendments, renewals, closing documents (acts),

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
invoices with their lines, payments and their allocations, and the organization's billing settings.

Amounts are Decimal with an ISO 4217 currency (`keyaccount.core.money`), never floats. Totals that
the database aggregates (an invoice's total and paid amount, a payment's allocated amount) are kept
on the row by the services, which compute them with `keyaccount.billing.calc`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from keyaccount.core.models import TenantModel, VersionedModel
from keyaccount.core.money import Currency, money_field

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ZERO = Decimal("0.00")


class BillingModel(models.TextChoices):
    RETAINER = "retainer", _("Monthly retainer")
    FIXED = "fixed", _("Fixed price, one-off")
    TIME_AND_MATERIALS = "time_and_materials", _("Time and materials")


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


# Where a contract may go from each status; the services refuse anything else.
CONTRACT_TRANSITIONS: dict[str, set[str]] = {
    ContractStatus.DRAFT: {ContractStatus.SIGNED},
    ContractStatus.SIGNED: {ContractStatus.ACTIVE, ContractStatus.TERMINATED},
    ContractStatus.ACTIVE: {ContractStatus.EXPIRED, ContractStatus.TERMINATED},
    ContractStatus.EXPIRED: set(),
    ContractStatus.TERMINATED: set(),
}
# Statuses in which a contract binds both sides (its value counts towards recurring revenue).
BINDING_STATUSES = [ContractStatus.SIGNED, ContractStatus.ACTIVE, ContractStatus.EXPIRED, ContractStatus.TERMINATED]
LIVE_STATUSES = [ContractStatus.SIGNED, ContractStatus.ACTIVE]
# A notice deadline this many days away or less is coming up: the account page flags it, My day lists the
# contract, and the account manager is reminded once per term.
NOTICE_WINDOW_DAYS = 30


def notice_deadline_of(end: datetime.date, notice_days: int) -> datetime.date:
    """The last day either side may give notice not to renew a term ending on `end`."""
    return end - datetime.timedelta(days=notice_days)


def days_field(
    verbose_name: StrOrPromise, default: int, help_text: StrOrPromise = ""
) -> models.PositiveSmallIntegerField:
    """A number of days, 0–365."""
    return models.PositiveSmallIntegerField(
        verbose_name, default=default, validators=[MaxValueValidator(365)], help_text=help_text
    )


def rate_field(verbose_name: StrOrPromise) -> models.DecimalField:
    """A tax rate in percent, 0–100 with two decimals (20.00 is 20 %)."""
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
        help_text=_("Percent, e.g. 20 for 20 %."),
    )


class Contract(TenantModel, VersionedModel):
    """A signed agreement with the client: what we provide, from when to when, for how much."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("account")
    )
    number = models.CharField(_("number"), max_length=50)
    title = models.CharField(_("title"), max_length=200, blank=True)
    services = models.ManyToManyField("work.Service", blank=True, related_name="contracts", verbose_name=_("services"))
    scope = models.TextField(_("scope"), blank=True)
    billing_model = models.CharField(
        _("billing model"), max_length=24, choices=BillingModel.choices, default=BillingModel.RETAINER
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("The end of the current term; empty for an open-ended contract."),
    )
    value = money_field(_("value"), help_text=_("A month's fee for a retainer; the whole price otherwise."))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.RUB)
    tax_rate = rate_field(_("tax rate"))
    payment_terms_days = days_field(_("payment terms, days"), 10, _("Days from an invoice's issue to its due date."))
    auto_renew = models.BooleanField(_("renews automatically"), default=False)
    notice_days = days_field(_("notice period, days"), 30, _("How long before the end notice must be given."))
    status = models.CharField(_("status"), max_length=16, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_by = models.CharField(_("signed by (client side)"), max_length=200, blank=True)
    notice_given_on = models.DateField(
        _("notice given on"), null=True, blank=True, help_text=_("Set when either side gave notice not to renew.")
    )
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("termination reason"), blank=True)
    renewal_reminded_for = models.DateField(
        _("renewal reminder sent for the term ending"),
        null=True,
        blank=True,
        help_text=_("The account manager is reminded once per term that the contract comes up for renewal."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="contract_unique_number"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="contract_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(value__gt=0),
                name="contract_value_positive",
                violation_error_message=_("The value must be greater than zero."),
            ),
        ]
        indexes = [models.Index(fields=["organization", "status", "end_date"], name="contract_org_status_end")]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self) -> str:
        return self.number

    @property
    def is_draft(self) -> bool:
        """Not signed yet: it can still be edited or deleted, and nothing is invoiced on it."""
        return self.status == ContractStatus.DRAFT

    @property
    def notice_deadline(self) -> datetime.date | None:
        """The last day to give notice not to renew the current term; None for an open-ended contract."""
        return notice_deadline_of(self.end_date, self.notice_days) if self.end_date is not None else None

    def days_to_notice(self, *, on: datetime.date) -> int | None:
        """Whole days from `on` to the notice deadline, negative once it passed; None without an end date."""
        deadline = self.notice_deadline
        return (deadline - on).days if deadline is not None else None


def notice_is_soon(days_to_notice: int | None) -> bool:
    """The notice deadline is still ahead (today counts) and within `NOTICE_WINDOW_DAYS`."""
    return days_to_notice is not None and 0 <= days_to_notice <= NOTICE_WINDOW_DAYS


class AmendmentKind(models.TextChoices):
    AMENDMENT = "amendment", _("Additional agreement")
    RENEWAL = "renewal", _("Renewal")


class Amendment(TenantModel):
    """An additional agreement: from its effective date the contract's value, scope or end date change.

    `previous_value` and `previous_end_date` keep what the contract said the day before, so the
    contract's history reads from these rows alone.
    """

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("contract")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AmendmentKind.choices, default=AmendmentKind.AMENDMENT)
    number = models.CharField(_("number"), max_length=50, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    effective_date = models.DateField(_("effective from"))
    new_value = money_field(_("new value"), null=True, blank=True)
    new_end_date = models.DateField(_("new end date"), null=True, blank=True)
    scope_change = models.TextField(_("change of scope"), blank=True)
    previous_value = money_field(_("previous value"), null=True, blank=True)
    previous_end_date = models.DateField(_("previous end date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["effective_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_value__isnull=True) | Q(new_value__gt=0),
                name="amendment_value_positive",
                violation_error_message=_("The new value must be greater than zero."),
            ),
        ]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self) -> str:
        return self.number or f"{self.contract} @ {self.effective_date.isoformat()}"


class RenewalOutcome(models.TextChoices):
    RENEWED = "renewed", _("Renewed on the same terms")
    EXPANDED = "expanded", _("Renewed and expanded")
    CONTRACTED = "contracted", _("Renewed for less")
    CHURNED = "churned", _("Not renewed (churned)")


class Renewal(TenantModel):
    """What happened when a contract's term came to its end: one row per contract and term."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="renewals", verbose_name=_("contract")
    )
    term_end = models.DateField(_("end of the term"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=RenewalOutcome.choices)
    new_value = money_field(_("new value"), null=True, blank=True)
    new_end_date = models.DateField(_("new end date"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    automatic = models.BooleanField(_("renewed automatically"), default=False)
    note = models.TextField(_("note"), blank=True)
    amendment = models.OneToOneField(
        Amendment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewal",
        verbose_name=_("the new term"),
    )

    class Meta:
        ordering = ["-term_end", "-id"]
        constraints = [models.UniqueConstraint(fields=["contract", "term_end"], name="renewal_once_per_term")]
        verbose_name = _("renewal")
        verbose_name_plural = _("renewals")

    def __str__(self) -> str:
        return f"{self.contract} {self.term_end.isoformat()}: {self.outcome}"


class Act(TenantModel, VersionedModel):
    """A closing document (act of work done) for a period, which the client signs."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="acts", verbose_name=_("account")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, null=True, blank=True, related_name="acts", verbose_name=_("contract")
    )
    number = models.CharField(_("number"), max_length=50, blank=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.RUB)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    chased_at = models.DateTimeField(
        _("flagged at"),
        null=True,
        blank=True,
        help_text=_("When the account manager was told it is unsigned too long."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], condition=~Q(number=""), name="act_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="act_period_in_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="act_amount_positive",
                violation_error_message=_("The amount must be greater than zero."),
            ),
        ]
        verbose_name = _("act")
        verbose_name_plural = _("acts")

    def __str__(self) -> str:
        return self.number or f"{self.period_start.isoformat()}–{self.period_end.isoformat()}"


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


def default_dunning_steps() -> list[dict[str, object]]:
    """Reminders to the account manager at 1, 7, 14 and 30 days overdue; the head is told at 30."""
    return [
        {"days": 1, "escalate": False},
        {"days": 7, "escalate": False},
        {"days": 14, "escalate": False},
        {"days": 30, "escalate": True},
    ]


class BillingSettings(models.Model):
    """An organization's defaults for the money side; created with the defaults when first needed."""

    organization = models.OneToOneField(
        "tenancy.Organization",
        on_delete=models.CASCADE,
        related_name="billing_settings",
        verbose_name=_("organization"),
    )
    payment_terms_days = days_field(
        _("payment terms, days"), 10, _("Days to pay an invoice that is not under a contract.")
    )
    act_chase_days = days_field(
        _("chase unsigned acts after, days"), 14, _("An act sent this many days ago and not signed is flagged.")
    )
    dunning_steps = models.JSONField(
        _("collection steps"),
        default=default_dunning_steps,
        help_text=_("Days overdue at which the account manager gets a reminder task; escalated steps tell the heads."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("billing settings")
        verbose_name_plural = _("billing settings")

    def __str__(self) -> str:
        return str(pgettext_lazy("thing", "Billing settings"))


class DunningRun(TenantModel):
    """One collection step done for one invoice: the unique row makes each step happen exactly once."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="dunning_runs", verbose_name=_("invoice")
    )
    days = models.PositiveSmallIntegerField(_("days overdue"), validators=[MaxValueValidator(32767)])
    escalated = models.BooleanField(_("escalated to the heads"), default=False)
    task = models.ForeignKey(
        "work.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("task")
    )

    class Meta:
        ordering = ["invoice", "days"]
        constraints = [models.UniqueConstraint(fields=["invoice", "days"], name="dunning_once_per_step")]
        verbose_name = _("collection step")
        verbose_name_plural = _("collection steps")

    def __str__(self) -> str:
        return f"{self.invoice} +{self.days}"
