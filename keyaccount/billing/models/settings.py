"""The organization's billing settings (payment terms, collection steps) and the collection steps done."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from keyaccount.billing.models.base import days_field
from keyaccount.billing.models.invoices import Invoice
from keyaccount.core.models import TenantModel


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
