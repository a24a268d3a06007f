"""Contracts, their amendments and their renewal outcomes, with the contract's statuses and notice dates."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from keyaccount.billing.models.base import days_field, rate_field
from keyaccount.core.models import TenantModel, VersionedModel
from keyaccount.core.money import Currency, money_field


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
